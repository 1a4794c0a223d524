// The C side of the Go sink: cgo cannot pass a Go function as a C function
// pointer, so this trampoline forwards the library's output to the exported
// clickrefGoSink with the cgo.Handle that was given as `user`.
#include <clickref/clickref.h>

#include <stdint.h>

#include "_cgo_export.h"

static clickref_status go_sink(void* user, const char* data, size_t len) {
  return clickrefGoSink((uintptr_t)user, (char*)data, len);
}

clickref_status clickref_go_html_rewriter_new(const char* click_id, size_t id_len,
                                              const clickref_link_options* opts, uintptr_t handle,
                                              clickref_html_rewriter** out) {
  return clickref_html_rewriter_new(click_id, id_len, opts, go_sink, (void*)handle, out);
}
