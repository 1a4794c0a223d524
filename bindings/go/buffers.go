package clickref

/*
#include <clickref/clickref.h>
#include <stdlib.h>
#include <string.h>
*/
import "C"

import (
	"reflect"
	"unsafe"
)

// cBytes passes b to C without copying. C only reads it during the call,
// and the memory holds no Go pointers, as cgo's rules require.
func cBytes(b []byte) (*C.char, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

// cString passes s to C without copying (Go 1.19 has no unsafe.StringData;
// reading StringHeader.Data is the documented way to reach the bytes). ""
// becomes (NULL, 0), which the C API reads as empty or, for optional names,
// as "the default".
func cString(s string) (*C.char, C.size_t) {
	if len(s) == 0 {
		return nil, 0
	}
	return (*C.char)(unsafe.Pointer((*reflect.StringHeader)(unsafe.Pointer(&s)).Data)), C.size_t(len(s))
}

// callWithOutput runs a C function whose last parameters are (char* out,
// size_t cap, size_t* out_len) and returns a Go copy of its output, growing
// the buffer once to the capacity the library asks for.
func callWithOutput(capacity int, call func(out *C.char, cap C.size_t, outLen *C.size_t) C.clickref_status) ([]byte, error) {
	for {
		buf := make([]byte, capacity)
		var outLen C.size_t
		var out *C.char
		if capacity > 0 {
			out = (*C.char)(unsafe.Pointer(&buf[0]))
		}
		code := call(out, C.size_t(capacity), &outLen)
		if code == C.CLICKREF_E_BUFFER_TOO_SMALL {
			if int(outLen) <= capacity { // the library contradicts itself: never loop on it
				return nil, newError(C.CLICKREF_E_INTERNAL, 0)
			}
			capacity = int(outLen)
			continue
		}
		if err := check(code); err != nil {
			return nil, err
		}
		return buf[:outLen], nil
	}
}

// cStrings copies strings into one C allocation laid out as the C API's
// (const char* const* strings, const size_t* lens) pair wants. Go memory may
// not hold the pointer array: cgo forbids passing Go pointers to Go pointers.
// Call free when the C call has returned.
type cStrings struct {
	block unsafe.Pointer
	ptrs  **C.char
	lens  *C.size_t
	n     C.size_t
}

func newCStrings(ss []string) (cStrings, error) {
	if len(ss) == 0 {
		return cStrings{}, nil
	}
	ptrSize := unsafe.Sizeof((*C.char)(nil))
	lenSize := unsafe.Sizeof(C.size_t(0))
	total := uintptr(len(ss)) * (ptrSize + lenSize)
	for _, s := range ss {
		total += uintptr(len(s))
	}
	block := C.malloc(C.size_t(total))
	if block == nil {
		return cStrings{}, ErrNoMemory
	}
	ptrs := unsafe.Slice((**C.char)(block), len(ss))
	lens := unsafe.Slice((*C.size_t)(unsafe.Add(block, uintptr(len(ss))*ptrSize)), len(ss))
	data := unsafe.Add(block, uintptr(len(ss))*(ptrSize+lenSize))
	for i, s := range ss {
		p, n := cString(s)
		if n > 0 {
			C.memcpy(data, unsafe.Pointer(p), n)
		}
		ptrs[i] = (*C.char)(data)
		lens[i] = n
		data = unsafe.Add(data, uintptr(n))
	}
	return cStrings{block: block, ptrs: &ptrs[0], lens: &lens[0], n: C.size_t(len(ss))}, nil
}

// str returns string i as a clickref_str, {NULL, 0} when it is empty ("absent").
func (c cStrings) str(i int) C.clickref_str {
	lens := unsafe.Slice(c.lens, c.n)
	if lens[i] == 0 {
		return C.clickref_str{}
	}
	return C.clickref_str{data: unsafe.Slice(c.ptrs, c.n)[i], len: lens[i]}
}

func (c cStrings) free() { C.free(c.block) }
