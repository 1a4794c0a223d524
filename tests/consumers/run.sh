#!/usr/bin/env bash
# Proves that every documented way of consuming clickref works from a clean
# build: FetchContent (vendored), find_package() and pkg-config against an
# installation, each with a C and a C++ program, for a shared and a static
# libclickref.
#
# usage: tests/consumers/run.sh [WORK_DIR]   (default: a fresh temporary directory)
# Honours CMAKE_C_COMPILER_LAUNCHER / CMAKE_CXX_COMPILER_LAUNCHER (ccache).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vector="$root/tests/data/stripe-signature-vector-payload.json"
work=${1:-}
if [[ -z "$work" ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
jobs=(-j2)
# Only the library is needed: no tool, tests, examples or bindings.
lean=(-DCLICKREF_BUILD_TESTS=OFF -DCLICKREF_BUILD_EXAMPLES=OFF)

run_consumers() {  # DIR: runs the two programs a consumer project built
  "$1/consumer_c" "$vector"
  "$1/consumer_cpp" "$vector"
}

echo "== FetchContent: vendor the checkout, link clickref::clickref from C and C++"
cmake -S "$here/fetchcontent" -B "$work/fetchcontent" -DCLICKREF_SOURCE_DIR="$root" >/dev/null
cmake --build "$work/fetchcontent" "${jobs[@]}" --target consumer_c consumer_cpp >/dev/null
run_consumers "$work/fetchcontent"

for linkage in shared static; do
  shared=$([[ $linkage == shared ]] && echo ON || echo OFF)
  prefix="$work/prefix-$linkage"

  echo "== install a $linkage libclickref into $prefix"
  cmake -S "$root" -B "$work/clickref-$linkage" "${lean[@]}" -DBUILD_SHARED_LIBS="$shared" >/dev/null
  cmake --build "$work/clickref-$linkage" "${jobs[@]}" --target clickref >/dev/null
  for component in clickref_Runtime clickref_Development; do
    cmake --install "$work/clickref-$linkage" --prefix "$prefix" --component "$component" >/dev/null
  done

  echo "== find_package(clickref CONFIG REQUIRED), $linkage"
  cmake -S "$here/find_package" -B "$work/find_package-$linkage" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build "$work/find_package-$linkage" "${jobs[@]}" >/dev/null
  run_consumers "$work/find_package-$linkage"

  echo "== pkg-config --cflags --libs clickref, plain compiler calls, $linkage"
  pc=(env PKG_CONFIG_PATH="$(dirname "$(find "$prefix" -name clickref.pc)")" pkg-config)
  if [[ $linkage == static ]]; then pc+=(--static); fi
  read -r -a flags <<<"$("${pc[@]}" --cflags --libs clickref)"
  echo "   ${flags[*]}"
  libdir=$("${pc[@]}" --variable=libdir clickref)
  out="$work/pkg-config-$linkage"
  mkdir -p "$out"
  cc -std=c99 -Wall -Werror "$here/src/consumer.c" "${flags[@]}" -Wl,-rpath,"$libdir" -o "$out/consumer_c"
  c++ -std=c++17 -Wall -Werror "$here/src/consumer.cpp" "${flags[@]}" -Wl,-rpath,"$libdir" -o "$out/consumer_cpp"
  run_consumers "$out"
  if [[ $linkage == static ]] && readelf -d "$out/consumer_c" | grep -q 'libclickref'; then
    echo "the static consumer depends on a shared libclickref" >&2
    exit 1
  fi
done
echo "== every consumer built and ran"
