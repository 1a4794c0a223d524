# Assertions for the command-line tests. Each prints one line; `finish`
# prints the totals and sets the exit status.
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; shift; printf '    %s\n' "$@"; }

# expect_output NAME EXPECTED_STDOUT COMMAND...
expect_output() {
  local name=$1 expected=$2; shift 2
  local got; got=$("$@" 2>/dev/null)
  if [[ "$got" == "$expected" ]]; then ok "$name"; else not_ok "$name" "expected: $expected" "got:      $got"; fi
}

# expect_exit NAME CODE COMMAND...
expect_exit() {
  local name=$1 expected=$2; shift 2
  "$@" >/dev/null 2>&1
  local code=$?
  if [[ $code -eq $expected ]]; then ok "$name"; else not_ok "$name" "expected exit $expected, got $code"; fi
}

# expect_stderr NAME SUBSTRING COMMAND...
expect_stderr() {
  local name=$1 expected=$2; shift 2
  local got; got=$("$@" 2>&1 >/dev/null)
  if [[ "$got" == *"$expected"* ]]; then ok "$name"; else not_ok "$name" "expected stderr to contain: $expected" "got: $got"; fi
}

finish() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
