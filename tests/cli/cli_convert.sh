#!/usr/bin/env bash
# clickref convert / clickref postback: output, JSON Lines streaming, exit
# codes and error text.
set -uo pipefail
cli=$1
data=$2
source "$(dirname "$0")/assert.sh"

events="$data/events"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

session="$events/checkout-session-completed.json"
session_json='{"event_id":"evt_1QmZ8mLkdIwHu7ixR2d4FgHj","event_type":"checkout.session.completed","livemode":true,"created":1735689660,"status":"approved","click_id":"7f3c9a12-4b6e-4d21-9f0a-3c5e8b7d1a24","click_id_source":"client_reference_id","click_id_valid":true,"order_id":"pi_3QmZ8kLkdIwHu7ix1GxYt5Hq","object_id":"cs_live_b1Q2w3E4r5T6y7U8i9O0pAsDfGhJkLzXcVbNm1234567890qwertyuiopa","payment_intent":"pi_3QmZ8kLkdIwHu7ix1GxYt5Hq","payment_link":"plink_1QhWxxLkdIwHu7ixAbCdEfGh","customer_email":"jenny.rosen@example.com","amount":4900,"amount_decimal":"49.00","currency":"USD","dedupe_key":"pi_3QmZ8kLkdIwHu7ix1GxYt5Hq","effect":"payment","recurrence":"one_time","customer":null,"subscription":null,"invoice":null,"charge":null,"account":null,"billing_reason":null,"promotion_code":null,"coupon":null,"refund_id":null,"amount_refunded":0,"amount_refunded_decimal":"0.00"}'
charge_json='{"event_id":"evt_3QmZ8kLkdIwHu7ix1Kj8LmNo","event_type":"charge.succeeded","livemode":true,"created":1735689659,"status":"approved","click_id":"7f3c9a12-4b6e-4d21-9f0a-3c5e8b7d1a24","click_id_source":"metadata","click_id_valid":true,"order_id":"pi_3QmZ8kLkdIwHu7ix1GxYt5Hq","object_id":"ch_3QmZ8kLkdIwHu7ix1aB2cD3e","payment_intent":"pi_3QmZ8kLkdIwHu7ix1GxYt5Hq","payment_link":null,"customer_email":"jenny.rosen@example.com","amount":4900,"amount_decimal":"49.00","currency":"USD","dedupe_key":"pi_3QmZ8kLkdIwHu7ix1GxYt5Hq","effect":"payment","recurrence":"unknown","customer":null,"subscription":null,"invoice":null,"charge":"ch_3QmZ8kLkdIwHu7ix1aB2cD3e","account":null,"billing_reason":null,"promotion_code":null,"coupon":null,"refund_id":null,"amount_refunded":0,"amount_refunded_decimal":"0.00"}'

# ---------------------------------------------------------------- one event
expect_output "convert a file" "$session_json" "$cli" convert "$session"
expect_output "convert stdin" "$session_json" bash -c "\"$cli\" convert - < '$session'"
expect_output "convert a charge" "$charge_json" "$cli" convert "$events/charge-succeeded.json"
expect_exit "unsupported event" 1 "$cli" convert "$events/checkout-session-expired.json"
expect_stderr "unsupported event names the status" "CLICKREF_E_UNSUPPORTED_EVENT: " \
  "$cli" convert "$events/checkout-session-expired.json"
printf '{"id": "evt_1", "object": "event",' > "$tmp/truncated.json"
expect_stderr "truncated JSON" "CLICKREF_E_JSON: " "$cli" convert "$tmp/truncated.json"
expect_stderr "a v2 thin event" "CLICKREF_E_NOT_AN_EVENT: " "$cli" convert "$events/v2-thin-event.json"
sed 's/"amount_total": 4900/"amount_total": 99999999999999999999/' "$session" > "$tmp/big.json"
expect_stderr "a number beyond 64 bits, with its offset" "at byte " "$cli" convert "$tmp/big.json"
expect_exit "unreadable file" 1 "$cli" convert /nonexistent/event.json

# With a signature check first, as `verify` does it.
header=$("$cli" sign --secret whsec_cli --timestamp 1735689700 "$session")
expect_output "verified, then converted" "$session_json" \
  "$cli" convert --secret whsec_cli --header "$header" --now 1735689700 "$session"
expect_output "rotation: any secret" "$session_json" \
  "$cli" convert --secret whsec_old --secret whsec_cli --header "$header" --now 1735689700 "$session"
expect_stderr "wrong secret" "CLICKREF_E_SIG_MISMATCH: " \
  "$cli" convert --secret whsec_other --header "$header" --now 1735689700 "$session"
expect_output "a failed check prints no conversion" "" \
  "$cli" convert --secret whsec_other --header "$header" --now 1735689700 "$session"
expect_stderr "too old" "CLICKREF_E_SIG_TOO_OLD: " \
  "$cli" convert --secret whsec_cli --header "$header" --now 1735699700 "$session"
expect_exit "tolerance widens the window" 0 \
  "$cli" convert --secret whsec_cli --header "$header" --now 1735699700 --tolerance 100000 "$session"
expect_exit "--secret without --header" 2 "$cli" convert --secret s "$session"
expect_exit "--header without --secret" 2 "$cli" convert --header "$header" "$session"
expect_exit "--lines cannot verify" 2 "$cli" convert --lines --secret s --header "$header" "$session"
expect_exit "--now without --secret" 2 "$cli" convert --now 1735689700 "$session"
expect_exit "bad --tolerance" 2 "$cli" convert --secret whsec_cli --header "$header" --tolerance 5m "$session"
expect_exit "two files" 2 "$cli" convert "$session" "$session"
expect_exit "unknown option" 2 "$cli" convert --bogus "$session"

# ---------------------------------------------------------------- JSON Lines
one_line() { tr -d '\n' < "$events/$1.json"; echo; }
{
  one_line checkout-session-completed
  one_line checkout-session-expired
  echo 'not json'
  echo
  one_line v2-thin-event
  one_line charge-succeeded | sed 's/$/\r/'   # CRLF line endings
  printf '%s' '{"id":"evt_no_newline","object":"event"}'  # the last line has no newline
} > "$tmp/events.jsonl"
"$cli" convert --lines "$tmp/events.jsonl" > "$tmp/out.jsonl" 2> "$tmp/err.txt"
code=$?
if [[ $code -eq 1 ]]; then ok "--lines exits 1 when a line failed"; else not_ok "--lines exit code" "got $code"; fi
expect_output "--lines: one result per non-blank line" 6 bash -c "wc -l < '$tmp/out.jsonl' | tr -d ' '"
expect_output "--lines: line 1 is the conversion" "$session_json" sed -n 1p "$tmp/out.jsonl"
expect_output "--lines: line 2 is ignored" \
  '{"line":2,"event_id":"evt_1QtExPLkdIwHu7ixExPiReD1","event_type":"checkout.session.expired","status":"ignored"}' \
  sed -n 2p "$tmp/out.jsonl"
expect_output "--lines: line 3 is an error" '{"line":3,"error":"CLICKREF_E_JSON","message":"' \
  bash -c "sed -n 3p '$tmp/out.jsonl' | cut -c1-47"
expect_output "--lines: the blank line 4 is skipped, line 5 is not an event" \
  '{"line":5,"error":"CLICKREF_E_NOT_AN_EVENT","message":"' bash -c "sed -n 4p '$tmp/out.jsonl' | cut -c1-55"
expect_output "--lines: a CRLF line" "$charge_json" sed -n 5p "$tmp/out.jsonl"
expect_output "--lines: the last line without newline" '{"line":7,"error":"CLICKREF_E_NOT_AN_EVENT","message":"' \
  bash -c "sed -n 6p '$tmp/out.jsonl' | cut -c1-55"
expect_output "--lines: every output line is JSON" "ok" /usr/bin/python3 -c "
import json, sys
for line in open(sys.argv[1], encoding='utf-8'):
    json.loads(line)
print('ok')" "$tmp/out.jsonl"
expect_output "--lines: nothing on stderr" "" cat "$tmp/err.txt"
expect_output "--lines from stdin" "$session_json" bash -c "one_line() { tr -d '\n' < \"$events/\$1.json\"; echo; }; one_line checkout-session-completed | \"$cli\" convert --lines"
{ one_line checkout-session-completed; one_line checkout-session-expired; } > "$tmp/clean.jsonl"
expect_exit "--lines exits 0 when nothing failed (ignored is fine)" 0 "$cli" convert --lines "$tmp/clean.jsonl"

# A line over --max-line-bytes is reported and skipped; the run goes on.
{ one_line checkout-session-completed; one_line charge-succeeded; } > "$tmp/two.jsonl"
expect_output "--max-line-bytes skips a long line" \
  "{\"line\":1,\"error\":\"CLICKREF_E_JSON\",\"message\":\"The line is longer than --max-line-bytes; it was skipped.\"}
$charge_json" "$cli" convert --lines --max-line-bytes 3200 "$tmp/two.jsonl"
expect_exit "--max-line-bytes needs --lines" 2 "$cli" convert --max-line-bytes 10 "$session"
expect_exit "--max-line-bytes must be positive" 2 "$cli" convert --lines --max-line-bytes 0 "$tmp/two.jsonl"

# Many lines through small reads of a pipe: results stay in order.
for _ in $(seq 300); do one_line charge-succeeded; done > "$tmp/many.jsonl"
expect_output "--lines: 300 lines through a pipe" "300 1" bash -c \
  "cat '$tmp/many.jsonl' | \"$cli\" convert --lines | sort | uniq -c | awk '{print \$1, NR}'"

# ---------------------------------------------------------------- postback
base="https://acme-tracking.tracknow.info/postback"
params="click_id=7f3c9a12-4b6e-4d21-9f0a-3c5e8b7d1a24&order_id=pi_3QmZ8kLkdIwHu7ix1GxYt5Hq&amount=49.00&currency=USD"
expect_output "postback URL" "$base?$params" "$cli" postback --base "$base" "$session"
expect_output "postback with --param, in order" "$base?$params&campaign_id=7&goal=sale" \
  "$cli" postback --base "$base" --param campaign_id=7 --param goal=sale "$session"
expect_output "postback onto a base with a query" "$base?campaign_id=7&$params" \
  "$cli" postback --base "$base?campaign_id=7" - < "$session"
expect_output "postback percent-encodes the click id" \
  "$base?click_id=aff.42%2Fsummer%20sale&order_id=pi_3QuBaDLkdIwHu7ix0BaDc1iD&amount=9.90&currency=CHF" \
  "$cli" postback --base "$base" "$events/checkout-session-completed-invalid-click-id.json"
expect_output "postback in a three-decimal currency" \
  "$base?click_id=aff_kw_0042&order_id=in_1QqKwCLkdIwHu7ixKwDInv01&amount=12.345&currency=KWD" \
  "$cli" postback --base "$base" "$events/checkout-session-completed-kwd-subscription.json"
expect_stderr "no click id: unattributable" "CLICKREF_E_NOT_FOUND: " \
  "$cli" postback --base "$base" "$events/charge-dispute-created.json"
expect_exit "no click id exits 1" 1 "$cli" postback --base "$base" "$events/charge-dispute-created.json"
expect_exit "unsupported event" 1 "$cli" postback --base "$base" "$events/checkout-session-expired.json"
expect_exit "missing --base" 2 "$cli" postback "$session"
expect_exit "a base that is not http(s)" 2 "$cli" postback --base "ftp://x/postback" "$session"
expect_exit "--param without =" 2 "$cli" postback --base "$base" --param goal "$session"
expect_exit "--param with a space" 2 "$cli" postback --base "$base" --param "goal=big sale" "$session"

finish
