package clickref

/*
#include <clickref/clickref.h>
*/
import "C"

import "fmt"

// Error is a failed clickref call. Compare it with the sentinel values using
// errors.Is: errors.Is(err, clickref.ErrSignatureMismatch).
type Error struct {
	Status  string // the status name, e.g. "CLICKREF_E_SIG_MISMATCH"
	Code    int    // the clickref_status number
	Message string // the library's English description of the status
	Offset  int    // byte offset in the input where the problem was found; 0 when unknown
}

func (e *Error) Error() string {
	if e.Offset > 0 {
		return fmt.Sprintf("clickref: %s (%s, at byte %d)", e.Message, e.Status, e.Offset)
	}
	return fmt.Sprintf("clickref: %s (%s)", e.Message, e.Status)
}

// Is reports whether target is an *Error with the same status, so that
// errors.Is matches a returned error against a sentinel.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

func newError(code C.clickref_status, offset int) *Error {
	return &Error{
		Status:  C.GoString(C.clickref_status_name(code)),
		Code:    int(code),
		Message: C.GoString(C.clickref_status_message(code)),
		Offset:  offset,
	}
}

// Sentinel errors, one per status of clickref.h.
var (
	ErrInvalidArgument   = newError(C.CLICKREF_E_INVALID_ARGUMENT, 0)
	ErrBufferTooSmall    = newError(C.CLICKREF_E_BUFFER_TOO_SMALL, 0)
	ErrNoMemory          = newError(C.CLICKREF_E_NO_MEMORY, 0)
	ErrInternal          = newError(C.CLICKREF_E_INTERNAL, 0)
	ErrNotFound          = newError(C.CLICKREF_E_NOT_FOUND, 0)
	ErrMissingHeader     = newError(C.CLICKREF_E_SIG_MISSING_HEADER, 0)
	ErrMalformedHeader   = newError(C.CLICKREF_E_SIG_MALFORMED_HEADER, 0)
	ErrNoV1Signature     = newError(C.CLICKREF_E_SIG_NO_V1, 0)
	ErrSignatureMismatch = newError(C.CLICKREF_E_SIG_MISMATCH, 0)
	ErrTimestampTooOld   = newError(C.CLICKREF_E_SIG_TOO_OLD, 0)
	ErrTimestampInFuture = newError(C.CLICKREF_E_SIG_IN_FUTURE, 0)
	ErrEmptyPayload      = newError(C.CLICKREF_E_EMPTY_PAYLOAD, 0)
	ErrJSON              = newError(C.CLICKREF_E_JSON, 0)
	ErrNotAnEvent        = newError(C.CLICKREF_E_NOT_AN_EVENT, 0)
	ErrUnsupportedEvent  = newError(C.CLICKREF_E_UNSUPPORTED_EVENT, 0)
	ErrJSONTooDeep       = newError(C.CLICKREF_E_JSON_TOO_DEEP, 0)
	ErrBadField          = newError(C.CLICKREF_E_BAD_FIELD, 0)
	ErrInvalidClickID    = newError(C.CLICKREF_E_INVALID_CLICK_ID, 0)
	ErrBadEncoding       = newError(C.CLICKREF_E_BAD_ENCODING, 0)
	ErrInvalidURL        = newError(C.CLICKREF_E_INVALID_URL, 0)
)

// check turns a status into nil or an *Error.
func check(code C.clickref_status) error {
	if code == C.CLICKREF_OK {
		return nil
	}
	return newError(code, 0)
}

// checkDetail is check for calls that fill a clickref_error.
func checkDetail(code C.clickref_status, detail *C.clickref_error) error {
	if code == C.CLICKREF_OK {
		return nil
	}
	offset := 0
	if detail.code == code {
		offset = int(detail.offset)
	}
	return newError(code, offset)
}
