#!/usr/bin/env bash
# The main job, end to end on one machine: an affiliate's visitor lands with a
# click id, buys through a Stripe payment link, Stripe posts signed webhooks,
# and exactly one attributed, approved conversion is recorded.
#
# On a fresh Debian 12 machine (as root, or with sudo) it installs what is
# missing, builds clickref in release mode, starts the reference server on
# loopback with a freshly generated endpoint secret, plays the visitor and
# Stripe with curl, and stops the server. Nothing leaves 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

bold=""; plain=""
if [[ -t 1 ]]; then bold=$'\033[1m'; plain=$'\033[0m'; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
say() { printf '   %s\n' "$*"; }

need=()
for pkg in cmake make g++ pkg-config libssl-dev libsimdjson-dev catch2 \
           libcpp-httplib-dev libsqlite3-dev curl python3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  step "installing ${need[*]}"
  sudo=""
  [[ $(id -u) == 0 ]] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

build=${CLICKREF_DEMO_BUILD_DIR:-build/release}
step "building clickref in release mode ($build)"
cmake --preset release -B "$build" >/dev/null
cmake --build "$build" -j2 --target clickref_cli clickref_server >/dev/null
cli=$build/clickref
server=$build/examples/server/clickref-server

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

secret="whsec_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
click_id=$(cat /proc/sys/kernel/random/uuid)

step "starting the reference server on loopback"
STRIPE_WEBHOOK_SECRET=$secret "$server" --listen 127.0.0.1:0 --db "$work/demo.db" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do
  port=$(sed -n 's/.*"msg":"listening","address":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$work/server.log")
  [[ -n $port ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n $port ]] || { echo "the server did not start" >&2; exit 1; }
base="http://127.0.0.1:$port"
say "$base  (endpoint secret ${secret:0:12}…, generated for this run)"

step "a visitor arrives from an affiliate link: GET /?click_id=$click_id"
set_cookie=$(curl -sS -D - -o /dev/null "$base/?click_id=$click_id" | tr -d '\r' | grep -i '^set-cookie:')
say "$set_cookie"
say "(a first-party cookie set by the server: Safari's 7-day cap on script cookies does not apply)"
cookie=$(printf '%s' "$set_cookie" | sed 's/^[^:]*: *//; s/;.*//')

step "the visitor opens the pricing page with that cookie: GET /pricing"
curl -sS -H "Cookie: $cookie" "$base/pricing" |
  grep -oE "href=\"[^\"]*buy\.stripe\.com[^\"]*\"|href='[^']*buy\.stripe\.com[^']*'|client-reference-id=\"[^\"]*\"" |
  while read -r link; do say "$link"; done
say "(every payment link now carries client_reference_id; the page's own snippet would do the same in a browser)"

# The visitor pays; Stripe reports the purchase twice (the session and its charge).
now=$(date +%s)
intent="pi_demo_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cat >"$work/session.json" <<EOF
{"id":"evt_demo_session","object":"event","api_version":"2024-06-20","created":$now,"livemode":false,"type":"checkout.session.completed","data":{"object":{"id":"cs_test_demo","object":"checkout.session","mode":"payment","status":"complete","payment_status":"paid","client_reference_id":"$click_id","amount_subtotal":4900,"amount_total":4900,"currency":"usd","customer_details":{"email":"jenny.rosen@example.com"},"payment_intent":"$intent","payment_link":"plink_demo","metadata":{}}},"pending_webhooks":1,"request":{"id":null,"idempotency_key":null}}
EOF
cat >"$work/charge.json" <<EOF
{"id":"evt_demo_charge","object":"event","api_version":"2024-06-20","created":$((now + 2)),"livemode":false,"type":"charge.succeeded","data":{"object":{"id":"ch_demo","object":"charge","amount":4900,"amount_captured":4900,"amount_refunded":0,"currency":"usd","paid":true,"refunded":false,"status":"succeeded","payment_intent":"$intent","billing_details":{"email":"jenny.rosen@example.com"},"metadata":{}}},"pending_webhooks":1,"request":{"id":null,"idempotency_key":null}}
EOF

# Posts a file as Stripe does, with the given Stripe-Signature header.
deliver() {
  local file=$1 header=$2
  curl -sS -w '  → HTTP %{http_code}' -X POST "$base/stripe/postback" -H 'Content-Type: application/json' \
    -H "Stripe-Signature: $header" --data-binary "@$file"
  echo
}

step "Stripe posts checkout.session.completed, signed with the endpoint secret"
header=$("$cli" sign --secret "$secret" "$work/session.json")
say "Stripe-Signature: $header"
say "$(deliver "$work/session.json" "$header")"

step "Stripe posts the matching charge.succeeded (same payment intent: the same purchase)"
say "$(deliver "$work/charge.json" "$("$cli" sign --secret "$secret" "$work/charge.json")")"

step "Stripe retries the first delivery (at-least-once): acknowledged, nothing changes"
say "$(deliver "$work/session.json" "$("$cli" sign --secret "$secret" "$work/session.json")")"

step "a forged delivery (signed with another secret) is rejected and not stored"
forged=$("$cli" sign --secret "whsec_not_the_endpoint_secret" "$work/charge.json")
say "$(deliver "$work/charge.json" "$forged")"

step "GET /conversions: the affiliate dashboard's view"
curl -sS "$base/conversions" >"$work/conversions.json"
python3 -m json.tool "$work/conversions.json" | sed 's/^/   /'
python3 - "$work/conversions.json" "$click_id" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))["conversions"]
ok = len(rows) == 1 and rows[0]["status"] == "approved" and rows[0]["click_id"] == sys.argv[2] \
    and rows[0]["click_id_valid"] and rows[0]["events"] == 2
print("\n   " + ("exactly one attributed, approved conversion: 49.00 USD for click " + sys.argv[2]
                 if ok else "UNEXPECTED: the conversions above are not one attributed, approved sale"))
sys.exit(0 if ok else 1)
EOF

step "stopping the server (SIGTERM: in-flight requests finish first)"
kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
say "its log, one JSON line per request:"
sed 's/^/   /' "$work/server.log"
