#!/usr/bin/env bash
# The whole test suite: the debug build with every test (and its C tests under
# Valgrind), the same suite under AddressSanitizer + UndefinedBehaviorSanitizer,
# the thread stress test under ThreadSanitizer, then a bounded fuzzing run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== dev: build and test"
cmake --workflow --preset dev

echo "== consumers: FetchContent, find_package and pkg-config, shared and static"
bash tests/consumers/run.sh

echo "== memcheck: the C ABI tests and the C example under Valgrind"
bash tests/memcheck.sh build/dev '^(c: .*|example: c)$'

echo "== asan: build and test under ASan + UBSan"
cmake --workflow --preset asan

echo "== tsan: the multi-threaded stress test under ThreadSanitizer"
cmake --workflow --preset tsan

echo "== fuzz: every libFuzzer target for ${FUZZ_SECONDS:-30} s each"
bash tests/fuzz/run.sh
