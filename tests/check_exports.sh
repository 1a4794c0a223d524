#!/usr/bin/env bash
# The shared library's hygiene: it exports only the C ABI (clickref_*) and the
# C++ API (namespace clickref), and it references no way to print or abort,
# because a library must never write to the host's terminal or kill it.
set -euo pipefail
lib=$1
status=0

exported=$(nm -D --defined-only --extern-only "$lib" | awk '{print $3}' | c++filt)
stray=$(grep -Ev '^clickref_|^clickref::|^(typeinfo|typeinfo name|vtable) for clickref::' <<<"$exported" || true)
if [[ -n "$stray" ]]; then
  echo "symbols exported outside the clickref_ / clickref:: namespaces:"
  echo "$stray"
  status=1
fi
if ! grep -q '^clickref_verify_signature$' <<<"$exported"; then
  echo "clickref_verify_signature is not exported"
  status=1
fi

undefined=$(nm -D --undefined-only "$lib" | awk '{print $2}' | sed 's/@.*//')
forbidden=$(grep -Ex '(printf|fprintf|vfprintf|puts|fputs|putchar|fwrite|perror|abort|exit|_exit|stderr|stdout)' <<<"$undefined" || true)
if [[ -n "$forbidden" ]]; then
  echo "the library references functions that print or abort:"
  echo "$forbidden"
  status=1
fi

count=$(wc -l <<<"$exported")
[[ $status -eq 0 ]] && echo "ok: $count exported symbols, all clickref_* or clickref::"
exit $status
