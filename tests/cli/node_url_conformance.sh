#!/usr/bin/env bash
# clickref against Node's WHATWG URL and URLSearchParams (the browsers'
# algorithms): see node_url_conformance.js. Skipped when node is missing.
set -uo pipefail
cli=$1
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed; the WHATWG URL conformance check did not run"
  exit 0
fi
exec node "$(dirname "$0")/node_url_conformance.js" "$cli"
