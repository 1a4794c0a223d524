package clickref

/*
#include <clickref/clickref.h>
#include <stdint.h>

// Defined in rewriter_sink.c: clickref_html_rewriter_new with the Go sink.
clickref_status clickref_go_html_rewriter_new(const char* click_id, size_t id_len,
                                              const clickref_link_options* opts, uintptr_t handle,
                                              clickref_html_rewriter** out);
*/
import "C"

import (
	"errors"
	"io"
	"runtime"
	"runtime/cgo"
	"sync"
	"unsafe"
)

// sinkAborted is what the Go sink returns to make the library stop; the
// writer's own error is what the caller sees.
const sinkAborted = C.CLICKREF_E_INTERNAL

// sinkState is what the C library's sink reaches through a cgo.Handle. It
// does not refer to the htmlRewriter, so the rewriter's finalizer can run.
type sinkState struct {
	w   io.Writer
	err error
}

//export clickrefGoSink
func clickrefGoSink(handle C.uintptr_t, data *C.char, length C.size_t) C.clickref_status {
	s := cgo.Handle(handle).Value().(*sinkState)
	if length == 0 {
		return C.CLICKREF_OK
	}
	// io.Writer may not retain p, so the library's buffer is passed without a copy.
	if _, err := s.w.Write(unsafe.Slice((*byte)(unsafe.Pointer(data)), int(length))); err != nil {
		s.err = err
		return sinkAborted
	}
	return C.CLICKREF_OK
}

type htmlRewriter struct {
	mu     sync.Mutex
	c      *C.clickref_html_rewriter
	opts   *cLinkOptions
	count  *int
	sink   *sinkState
	handle cgo.Handle
	closed bool
}

// errClosed is returned by Write after Close.
var errClosed = errors.New("clickref: write to a closed HTML rewriter")

// NewHTMLRewriter returns a writer that rewrites the payment links of the
// HTML written to it (split anywhere) and writes the result to w, with
// bounded memory. Close flushes what is still buffered; it does not close w.
// Use it from one goroutine at a time. An id that fails IsValidClickID
// returns ErrInvalidClickID.
func NewHTMLRewriter(w io.Writer, clickID string, opts ...LinkOption) (io.WriteCloser, error) {
	o, count, err := newCLinkOptions(opts)
	if err != nil {
		return nil, err
	}
	r := &htmlRewriter{opts: o, count: count, sink: &sinkState{w: w}}
	r.handle = cgo.NewHandle(r.sink)
	id, idn := cString(clickID)
	if err := check(C.clickref_go_html_rewriter_new(id, idn, &o.opts, C.uintptr_t(r.handle), &r.c)); err != nil {
		r.release()
		return nil, err
	}
	runtime.SetFinalizer(r, (*htmlRewriter).release)
	return r, nil
}

// Write feeds a chunk of HTML. It returns the error of the underlying writer, if any.
func (r *htmlRewriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, errClosed
	}
	if r.sink.err != nil { // the underlying writer failed: the output is incomplete for good
		return 0, r.sink.err
	}
	data, n := cBytes(p)
	if err := r.result(C.clickref_html_rewriter_write(r.c, data, n)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close flushes the rewriter and releases it. Closing twice returns nil.
func (r *htmlRewriter) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	err := r.result(C.clickref_html_rewriter_finish(r.c))
	r.release()
	return err
}

// result reports the library's status, or the writer's error when the sink aborted.
func (r *htmlRewriter) result(code C.clickref_status) error {
	r.opts.report(r.count)
	if code != C.CLICKREF_OK && r.sink.err != nil {
		return r.sink.err
	}
	return check(code)
}

// release frees the C rewriter, the handle and the options; the finalizer
// calls it for a rewriter that was never closed.
func (r *htmlRewriter) release() {
	if r.closed {
		return
	}
	r.closed = true
	C.clickref_html_rewriter_free(r.c)
	r.c = nil
	r.handle.Delete()
	r.opts.free()
	runtime.SetFinalizer(r, nil)
}
