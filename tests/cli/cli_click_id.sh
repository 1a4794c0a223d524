#!/usr/bin/env bash
# clickref click-id / cookie / rewrite-url: output, exit codes and error text.
set -uo pipefail
cli=$1
source "$(dirname "$0")/assert.sh"

# click-id
expect_output "id from a landing URL" "abc_1" \
  "$cli" click-id --url 'https://shop.example/p?utm=x&click_id=abc_1#top'
expect_output "id from a request target, decoded" "a b+c" \
  "$cli" click-id --url '/p?click_id=a+b%2Bc'
expect_output "another parameter" "7" "$cli" click-id --url '?click_id=1&aff=7' --param aff
expect_output "id from a Cookie header" "abc" \
  "$cli" click-id --cookie 'a=1; tn_click_id="abc"; tn_click_id=later'
expect_output "another cookie" "x=y" "$cli" click-id --cookie 'a=1; ref=x%3Dy' --name ref
expect_exit "no id" 1 "$cli" click-id --url 'https://shop.example/p?x=1'
expect_stderr "no id names the status" "CLICKREF_E_NOT_FOUND: " "$cli" click-id --url '/p?click_id='
expect_stderr "a malformed cookie names the status" "CLICKREF_E_BAD_ENCODING: " \
  "$cli" click-id --cookie 'tn_click_id=%E0%80%80'
expect_output "bytes are printed raw" "$(printf 'a\xef\xbf\xbdb')" "$cli" click-id --url '?click_id=a%FFb'
expect_exit "--url and --cookie together" 2 "$cli" click-id --url '?click_id=1' --cookie 'tn_click_id=1'
expect_exit "neither --url nor --cookie" 2 "$cli" click-id
expect_exit "--name with --url" 2 "$cli" click-id --url '?click_id=1' --name x
expect_exit "--param with --cookie" 2 "$cli" click-id --cookie 'tn_click_id=1' --param x
expect_exit "stray argument" 2 "$cli" click-id --url '?click_id=1' extra

# cookie
expect_output "default cookie" \
  "tn_click_id=abc; Expires=Wed, 13 Nov 2024 22:13:20 GMT; Max-Age=31536000; Path=/; Secure; SameSite=Lax" \
  "$cli" cookie --click-id abc --now 1700000000
expect_output "every option" \
  "tn_click_id=abc; Expires=Thu, 01 Jan 1970 00:00:10 GMT; Max-Age=10; Domain=example.com; Path=/; Secure; SameSite=Lax; HttpOnly" \
  "$cli" cookie --click-id abc --now 0 --max-age 10 --domain example.com --http-only
expect_output "a New Year's Eve expiry" \
  "tn_click_id=abc; Expires=Mon, 01 Jan 2024 00:00:00 GMT; Max-Age=1; Path=/; Secure; SameSite=Lax" \
  "$cli" cookie --click-id abc --now 1704067199 --max-age 1
expect_stderr "an id Stripe would drop" "CLICKREF_E_INVALID_CLICK_ID: " "$cli" cookie --click-id 'a b'
expect_stderr "a bad max-age" "CLICKREF_E_INVALID_ARGUMENT: " "$cli" cookie --click-id a --max-age 0
expect_exit "a max-age that is not a number" 2 "$cli" cookie --click-id a --max-age 1d
expect_exit "missing --click-id" 2 "$cli" cookie
cookie_now=$("$cli" cookie --click-id abc)
if [[ "$cookie_now" == "tn_click_id=abc; Expires="*" GMT; Max-Age=31536000; Path=/; Secure; SameSite=Lax" ]]; then
  ok "the current time by default"
else
  not_ok "the current time by default" "got: $cookie_now"
fi

# rewrite-url
expect_output "a payment link" "https://buy.stripe.com/test_x?a=1&client_reference_id=cid#f" \
  "$cli" rewrite-url --click-id cid 'https://buy.stripe.com/test_x?a=1#f'
expect_output "an existing id replaced" "https://buy.stripe.com/x?client_reference_id=cid&b=2" \
  "$cli" rewrite-url --click-id cid 'https://buy.stripe.com/x?client_reference_id=1&b=2&client_reference_id=3'
expect_output "a look-alike untouched" "https://buy.stripe.com.evil.example/x" \
  "$cli" rewrite-url --click-id cid 'https://buy.stripe.com.evil.example/x'
expect_output "a custom domain" "https://pay.example.com/x?client_reference_id=cid" \
  "$cli" rewrite-url --click-id cid --host pay.example.com --host buy.stripe.com 'https://pay.example.com/x'
expect_output "--host replaces the default" "https://buy.stripe.com/x" \
  "$cli" rewrite-url --click-id cid --host pay.example.com 'https://buy.stripe.com/x'
expect_stderr "an invalid id" "CLICKREF_E_INVALID_CLICK_ID: " "$cli" rewrite-url --click-id 'a&b' 'https://buy.stripe.com/x'
expect_stderr "an invalid URL" "CLICKREF_E_INVALID_URL: " "$cli" rewrite-url --click-id cid 'https://buy.stripe.com:99999/'
expect_exit "no URL" 2 "$cli" rewrite-url --click-id cid
expect_exit "two URLs" 2 "$cli" rewrite-url --click-id cid /a /b
expect_exit "missing --click-id" 2 "$cli" rewrite-url 'https://buy.stripe.com/x'

finish
