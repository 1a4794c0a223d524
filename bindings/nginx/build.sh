#!/usr/bin/env bash
# Builds the clickref filter module for Debian's nginx, against the source
# tree of Debian's nginx-dev and with the same configure flags, so that the
# module's binary signature matches /usr/sbin/nginx.
#   bindings/nginx/build.sh OUT_DIR [CLICKREF_PKG_CONFIG_DIR]
# The module is OUT_DIR/ngx_http_clickref_filter_module.so.
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
module_dir=$(cd "$(dirname "$0")" && pwd)
src=/usr/share/nginx/src
[[ -d $src ]] || { echo "build.sh: $src is missing: apt-get install nginx-dev" >&2; exit 1; }
[[ $# -ge 2 ]] && export PKG_CONFIG_PATH="$(cd "$2" && pwd)${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pkg-config --exists clickref || { echo "build.sh: pkg-config finds no clickref" >&2; exit 1; }

# NGX_CONF_FLAGS: Debian's configure flags for nginx itself.
# shellcheck source=/dev/null
. "$src/conf_flags"
rm -rf "$out/nginx-src"
cp -a "$src" "$out/nginx-src"
cd "$out/nginx-src"
./configure "${NGX_CONF_FLAGS[@]}" --add-dynamic-module="$module_dir" \
  --with-cc-opt="-Wall -Wextra -Wno-unused-parameter -Werror" >"$out/configure.log" 2>&1 \
  || { tail -20 "$out/configure.log" >&2; exit 1; }
make -j2 -f objs/Makefile modules >"$out/make.log" 2>&1 || { tail -30 "$out/make.log" >&2; exit 1; }
cp objs/ngx_http_clickref_filter_module.so "$out/"
