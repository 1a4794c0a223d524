#!/usr/bin/env bash
# Runs CTest tests under Valgrind memcheck: any invalid access or leak fails.
# Memory still reachable at exit is not a leak: the library keeps one
# process-wide HMAC template context (src/hmac_sha256.cpp) for its lifetime.
#
#   tests/memcheck.sh BUILD_DIR REGEX
#
# The tests are the ones CTest knows whose name matches REGEX, run with the
# command line and working directory CTest would use, so new C tests and
# examples are covered as soon as they are registered.
set -euo pipefail
build=$1
regex=$2

mapfile -t commands < <(ctest --test-dir "$build" --show-only=json-v1 -R "$regex" | /usr/bin/python3 -c '
import json, shlex, sys
for test in json.load(sys.stdin)["tests"]:
    workdir = next((p["value"] for p in test.get("properties", []) if p["name"] == "WORKING_DIRECTORY"), ".")
    print(shlex.quote(test["name"]), shlex.quote(workdir), " ".join(shlex.quote(a) for a in test["command"]))
')
if [ ${#commands[@]} -eq 0 ]; then
  echo "memcheck: no test matches $regex" >&2
  exit 1
fi

for line in "${commands[@]}"; do
  eval "set -- $line"
  name=$1 workdir=$2
  shift 2
  echo "memcheck: $name"
  (cd "$workdir" && valgrind --quiet --error-exitcode=99 --leak-check=full \
      --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes "$@" >/dev/null)
done
echo "memcheck: ${#commands[@]} tests, no error and no leak"
