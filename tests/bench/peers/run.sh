#!/usr/bin/env bash
# clickref beside the tools people use today, measured in one run on the same
# inputs, printed as a Markdown table (the one in the README):
#   (1) verify + parse a checkout.session.completed webhook:
#       clickref (C API, Python binding) vs stripe-node vs stripe-python;
#   (2) rewrite the payment links of a pricing page:
#       clickref vs cheerio vs html-rewriter-wasm (lol-html);
#   (3) the click id of 1 000 landing URLs: clickref vs Node's WHATWG URL.
#
#   tests/bench/peers/run.sh
#
# Needs Node >= 20.18 with npm, and Debian's python3-stripe. It installs the
# pinned npm peers (package-lock.json) into a scratch directory and builds
# clickref in Release. Not part of CI: it needs the npm registry and takes a
# few minutes.
#   PEERS_DIR         scratch directory (default ${TMPDIR:-/tmp}/clickref-peers)
#   BUILD_DIR         clickref build directory (default build/peers)
#   SHARED_BENCH_DIR  the inputs (default ../shared/bench beside the checkout)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
scratch=${PEERS_DIR:-${TMPDIR:-/tmp}/clickref-peers}
build=${BUILD_DIR:-$root/build/peers}
shared=${SHARED_BENCH_DIR:-$root/../shared/bench}

echo "== peers: npm ci into $scratch" >&2
mkdir -p "$scratch"
cp "$here/package.json" "$here/package-lock.json" "$here/peers.mjs" "$scratch/"
(cd "$scratch" && npm ci --no-audit --no-fund --loglevel=error >&2)
if ! /usr/bin/python3 -c 'import stripe' 2>/dev/null; then
  echo "stripe-python is missing: apt-get install python3-stripe" >&2
  exit 1
fi

echo "== clickref: Release build in $build" >&2
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCLICKREF_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j2 --target clickref_peers >/dev/null

/usr/bin/python3 "$here/landing_urls.py" >"$scratch/landing-urls.txt"
results="$scratch/results.tsv"
echo "== measuring (about a minute)" >&2
"$build/tests/bench/peers/clickref_peers" "$shared" "$scratch/landing-urls.txt" >"$results"
(cd "$scratch" && node peers.mjs "$shared" "$scratch/landing-urls.txt") >>"$results"
CLICKREF_LIBRARY="$build/libclickref.so" /usr/bin/python3 "$here/peers.py" "$shared" "$root" >>"$results"

/usr/bin/python3 "$here/table.py" "$results" "$shared"
echo
echo "Node $(node --version), Python $(/usr/bin/python3 -c 'import platform; print(platform.python_version())');" \
  "command: tests/bench/peers/run.sh"
