// Package clickref does the server side of affiliate attribution for Stripe
// Payment Links: it verifies Stripe webhook signatures, turns events into
// conversion records, reads and keeps click ids, and tags payment links with
// client_reference_id. It is a cgo binding of libclickref's C ABI.
//
// The package links libclickref through pkg-config (`pkg-config --cflags
// --libs clickref`). To build against a clickref build tree instead of an
// installation, point PKG_CONFIG_PATH at the build directory: CMake writes a
// clickref-uninstalled.pc there, which pkg-config prefers.
//
// Byte-slice inputs are passed to C without copying; results are copied into
// Go memory, so nothing returned by this package refers to C memory. Every
// function may be called from any number of goroutines at once; a *Verifier
// may be shared; an HTML rewriter belongs to one goroutine at a time.
package clickref

/*
#cgo pkg-config: clickref
#include <clickref/clickref.h>
*/
import "C"

import "fmt"

// ABIVersion is the C ABI this package was compiled against.
const ABIVersion = C.CLICKREF_ABI_VERSION

// Version returns the version of the loaded libclickref, "MAJOR.MINOR.PATCH".
func Version() string { return C.GoString(C.clickref_version()) }

// LibraryABIVersion returns the ABI version of the loaded libclickref.
func LibraryABIVersion() int { return int(C.clickref_abi_version()) }

func init() {
	// The shared library's SONAME carries the ABI version, so the dynamic
	// loader refuses a mismatch; this catches a library that lies about it.
	if got := LibraryABIVersion(); got != ABIVersion {
		panic(fmt.Sprintf("clickref: the loaded libclickref has ABI version %d, this package needs %d", got, ABIVersion))
	}
}
