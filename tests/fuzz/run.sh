#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan + UBSan, static library) and
# runs each for a bounded time, starting from its seed corpus.
#
#   tests/fuzz/run.sh [TARGET...]        (default: every target)
#
#   FUZZ_SECONDS    seconds per target (default 30)
#   FUZZ_BUILD_DIR  build directory (default build/fuzz)
#
# New inputs go to $FUZZ_BUILD_DIR/corpus/<target>, never into the source
# tree. A crashing input is saved in $FUZZ_BUILD_DIR/artifacts/; copy it into
# tests/fuzz/corpus/<target>/ once fixed, where every ordinary build replays
# it as a regression test.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${FUZZ_SECONDS:-30}
build=${FUZZ_BUILD_DIR:-build/fuzz}
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

if command -v ccache >/dev/null; then
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link $sanitize" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link $sanitize" \
  -DCMAKE_EXE_LINKER_FLAGS="$sanitize" \
  -DBUILD_SHARED_LIBS=OFF -DCLICKREF_BUILD_FUZZERS=ON -DCLICKREF_BUILD_EXAMPLES=OFF \
  -DCLICKREF_SANITIZED=ON -DCLICKREF_INSTALL=OFF >/dev/null
cmake --build "$build" -j2 --target clickref_fuzzers

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for binary in "$build"/tests/fuzz/fuzz_*; do targets+=("${binary##*/fuzz_}"); done
fi

export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
mkdir -p "$build/artifacts" "$build/logs"
failed=()
for name in "${targets[@]}"; do
  corpus="$build/corpus/$name"
  log="$build/logs/$name.log"
  mkdir -p "$corpus"
  dict=()
  [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
  if "$build/tests/fuzz/fuzz_$name" "$corpus" "tests/fuzz/corpus/$name" "${dict[@]}" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="$build/artifacts/$name-" -print_final_stats=1 >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz $name: ${runs:-?} runs in ${seconds}s, no failure ($(ls "$corpus" | wc -l) corpus inputs)"
  else
    echo "fuzz $name: FAILED — log $log, input in $build/artifacts/"
    tail -n 40 "$log"
    failed+=("$name")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz targets that failed: ${failed[*]}"
  exit 1
fi
