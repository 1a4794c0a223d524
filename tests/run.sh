#!/usr/bin/env bash
# The whole test suite: the debug build with every test, then the same suite
# under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== dev: build and test"
cmake --workflow --preset dev

echo "== asan: build and test under ASan + UBSan"
cmake --workflow --preset asan
