#!/usr/bin/env bash
# clickref sign / clickref verify: output, exit codes and error text.
set -uo pipefail
cli=$1
data=$2
source "$(dirname "$0")/assert.sh"

vector="$data/stripe-signature-vector-payload.json"
header='t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7,v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef'

expect_output "sign the known-answer vector" \
  "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7" \
  "$cli" sign --secret webhook_secret --timestamp 1533204620 "$vector"
expect_output "verify from a file" "ok" \
  "$cli" verify --secret webhook_secret --header "$header" --now 1533204720 "$vector"
expect_output "verify from stdin" "ok" \
  bash -c "\"$cli\" verify --secret webhook_secret --header '$header' --now 1533204720 < '$vector'"
expect_output "verify with rotation" "ok" \
  "$cli" verify --secret whsec_old --secret webhook_secret --header "$header" --now 1533204720 - < "$vector"
expect_exit "too old" 1 "$cli" verify --secret webhook_secret --header "$header" --now 1533205021 "$vector"
expect_stderr "too old names the status" "CLICKREF_E_SIG_TOO_OLD: " \
  "$cli" verify --secret webhook_secret --header "$header" --now 1533205021 "$vector"
expect_exit "tolerance widens the window" 0 \
  "$cli" verify --secret webhook_secret --header "$header" --now 1533205021 --tolerance 1000 "$vector"
expect_stderr "wrong secret" "CLICKREF_E_SIG_MISMATCH: " \
  "$cli" verify --secret nope --header "$header" --now 1533204720 "$vector"
expect_stderr "future rejected on request" "CLICKREF_E_SIG_IN_FUTURE: " \
  "$cli" verify --secret webhook_secret --header "$header" --now 1533200000 --reject-future "$vector"
expect_exit "missing --secret is a usage error" 2 "$cli" verify --header "$header" "$vector"
expect_exit "missing --header is a usage error" 2 "$cli" verify --secret s "$vector"
expect_exit "bad --now is a usage error" 2 "$cli" verify --secret s --header h --now 12x "$vector"
expect_exit "unknown option is a usage error" 2 "$cli" verify --secret s --header h --bogus "$vector"
expect_exit "unreadable file" 1 "$cli" verify --secret s --header h /nonexistent/file
expect_exit "unknown command" 2 "$cli" frobnicate

# Whole-input commands cap what they hold in memory at 64 MiB.
expect_stderr "input over 64 MiB is refused" "larger than 64 MiB" \
  bash -c "head -c $((64 * 1024 * 1024 + 1)) /dev/zero | \"$cli\" sign --secret s --timestamp 1"
expect_exit "input over 64 MiB exits 1" 1 \
  bash -c "head -c $((64 * 1024 * 1024 + 1)) /dev/zero | \"$cli\" sign --secret s --timestamp 1"
expect_output "input of exactly 64 MiB is accepted" "t=1,v1=" \
  bash -c "head -c $((64 * 1024 * 1024)) /dev/zero | \"$cli\" sign --secret s --timestamp 1 | cut -c1-7"

# What sign prints, verify accepts: a round trip through the tool.
signed=$(printf 'hello' | "$cli" sign --secret whsec_x --timestamp 1700000000)
expect_output "round trip" "ok" \
  bash -c "printf hello | \"$cli\" verify --secret whsec_x --header '$signed' --now 1700000000"

finish
