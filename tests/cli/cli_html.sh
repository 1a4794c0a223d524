#!/usr/bin/env bash
# clickref rewrite-html: output, --stats, --host, exit codes, and constant
# memory on a large streamed input.
set -uo pipefail
cli=$1
data=$2
source "$(dirname "$0")/assert.sh"

doc='<p>Plans</p><!-- <a href="https://buy.stripe.com/old"> --><a href="https://buy.stripe.com/x?a=1&amp;b=2">Buy</a>'
rewritten='<p>Plans</p><!-- <a href="https://buy.stripe.com/old"> --><a href="https://buy.stripe.com/x?a=1&amp;b=2&amp;client_reference_id=tn_42">Buy</a>'

expect_output "from stdin" "$rewritten" bash -c "printf '%s' '$doc' | \"$cli\" rewrite-html --click-id tn_42"
expect_output "from stdin, '-'" "$rewritten" bash -c "printf '%s' '$doc' | \"$cli\" rewrite-html --click-id tn_42 -"
expect_output "--stats counts on stderr" "rewritten: 1" \
  bash -c "printf '%s' '$doc' | \"$cli\" rewrite-html --click-id tn_42 --stats 2>&1 >/dev/null"
expect_output "--stats leaves stdout alone" "$rewritten" \
  bash -c "printf '%s' '$doc' | \"$cli\" rewrite-html --click-id tn_42 --stats 2>/dev/null"
expect_output "--host replaces the default hosts" \
  '<a href="https://pay.example.com/p?client_reference_id=tn_42"><a href="https://buy.stripe.com/p">' \
  bash -c "printf '%s' '<a href=\"https://pay.example.com/p\"><a href=\"https://buy.stripe.com/p\">' |
           \"$cli\" rewrite-html --click-id tn_42 --host pay.example.com"
expect_output "--host repeated" "rewritten: 2" \
  bash -c "printf '%s' '<a href=\"https://pay.example.com/p\"><a href=\"https://buy.stripe.com/p\">' |
           \"$cli\" rewrite-html --click-id tn_42 --host pay.example.com --host buy.stripe.com --stats 2>&1 >/dev/null"

# A corpus page from a file: the links it holds, and every other byte kept.
page="$data/html/landing.html"
expect_output "a page from a file: its links" "rewritten: 4" \
  bash -c "\"$cli\" rewrite-html --click-id tn_42 --stats '$page' 2>&1 >/dev/null"
expect_output "a page from a file: nothing else changes" "" \
  bash -c "\"$cli\" rewrite-html --click-id tn_42 '$page' | sed -e 's/&amp;client_reference_id=tn_42//' -e 's/?client_reference_id=tn_42//' | cmp - '$page'"
expect_output "no payment link: byte for byte" "" \
  bash -c "\"$cli\" rewrite-html --click-id tn_42 '$data/stripe-signature-vector-payload.json' | cmp - '$data/stripe-signature-vector-payload.json'"

# Errors.
expect_exit "an invalid click id" 1 bash -c "printf x | \"$cli\" rewrite-html --click-id 'not valid'"
expect_stderr "an invalid click id names the status" "CLICKREF_E_INVALID_CLICK_ID: " \
  bash -c "printf x | \"$cli\" rewrite-html --click-id 'not valid'"
expect_output "an invalid click id writes nothing" "" \
  bash -c "printf '<p>x</p>' | \"$cli\" rewrite-html --click-id '' 2>/dev/null"
expect_exit "--click-id is required" 2 bash -c "printf x | \"$cli\" rewrite-html"
expect_exit "one file at most" 2 "$cli" rewrite-html --click-id a "$page" "$page"
expect_exit "unknown option" 2 "$cli" rewrite-html --click-id a --bogus "$page"
expect_exit "unreadable file" 1 "$cli" rewrite-html --click-id a /nonexistent/page.html
expect_exit "stdout closed" 1 bash -c "\"$cli\" rewrite-html --click-id a '$page' >&-"

# 16 MB through a pipe: every link rewritten, in memory that does not grow
# with the input (the sanitizers' shadow memory makes RSS meaningless there).
line='<p class="x">text <a href="https://buy.stripe.com/x?a=1&amp;b=2">buy</a></p>'
lines=200000
stats=$(yes "$line" | head -n $lines | "$cli" rewrite-html --click-id tn_42 --stats 2>&1 >/dev/null)
if [[ "$stats" == "rewritten: $lines" ]]; then ok "16 MB streamed, every link rewritten"; else
  not_ok "16 MB streamed, every link rewritten" "got: $stats"; fi
if ldd "$cli" 2>/dev/null | grep -q 'libasan\|libtsan' || [[ ! -x /usr/bin/time ]]; then
  echo "skip - peak memory (sanitizer build, or no /usr/bin/time)"
else
  # Relative to the same run on one line, so the shared libraries' pages
  # (which differ between machines) cancel out; buffering the input would
  # add at least its 16 MB.
  base_kb=$(printf '%s\n' "$line" | /usr/bin/time -f %M "$cli" rewrite-html --click-id tn_42 2>&1 >/dev/null)
  peak_kb=$(yes "$line" | head -n $lines | /usr/bin/time -f %M "$cli" rewrite-html --click-id tn_42 2>&1 >/dev/null)
  if [[ "$base_kb" =~ ^[0-9]+$ && "$peak_kb" =~ ^[0-9]+$ && $((peak_kb - base_kb)) -lt 4096 ]]; then
    ok "peak memory ${peak_kb} KB for 16 MB, ${base_kb} KB for one line"; else
    not_ok "peak memory stays small" "max RSS: $peak_kb KB for a 16 MB input, $base_kb KB for one line"; fi
fi

finish
