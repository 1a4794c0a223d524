#!/usr/bin/env bash
# The main job: build clickref in release mode and walk a Stripe webhook
# through it. (The reference server extends this into the whole flow.)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in cmake g++ libssl-dev libsimdjson-dev catch2 pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  echo "== installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== building (release)"
cmake --preset release >/dev/null
cmake --build --preset release --target clickref_cli >/dev/null
cli=build/release/clickref

secret="whsec_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
payload=tests/data/stripe-signature-vector-payload.json
now=$(date +%s)

echo "== Stripe signs a delivery with the endpoint secret"
header=$("$cli" sign --secret "$secret" --timestamp "$now" "$payload")
echo "Stripe-Signature: $header"

echo "== the receiver verifies the raw body"
"$cli" verify --secret "$secret" --header "$header" "$payload"

echo "== a forged delivery (one byte changed) is rejected"
if sed 's/evt_/evX_/' "$payload" | "$cli" verify --secret "$secret" --header "$header"; then
  echo "forgery accepted: this is a bug" >&2
  exit 1
fi
