package clickref

/*
#include <clickref/clickref.h>
*/
import "C"

import (
	"runtime"
	"sync"
	"time"
)

// DefaultTolerance is the maximum age of a signature's timestamp that Stripe's
// own libraries accept.
const DefaultTolerance = C.CLICKREF_DEFAULT_TOLERANCE * time.Second

type verifyConfig struct {
	tolerance time.Duration
	now       time.Time
	flags     C.uint32_t
}

// A VerifyOption changes how a signature is verified.
type VerifyOption func(*verifyConfig)

// WithTolerance sets the maximum age of the header's timestamp (default
// DefaultTolerance); d <= 0 disables the age check.
func WithTolerance(d time.Duration) VerifyOption { return func(c *verifyConfig) { c.tolerance = d } }

// WithNow verifies as if the current time were t (default: time.Now()).
func WithNow(t time.Time) VerifyOption { return func(c *verifyConfig) { c.now = t } }

// RejectFuture also rejects timestamps more than the tolerance ahead of now.
func RejectFuture() VerifyOption {
	return func(c *verifyConfig) { c.flags |= C.CLICKREF_VERIFY_REJECT_FUTURE }
}

func newVerifyConfig(opts []VerifyOption) verifyConfig {
	c := verifyConfig{tolerance: DefaultTolerance}
	for _, opt := range opts {
		opt(&c)
	}
	if c.now.IsZero() {
		c.now = time.Now()
	}
	return c
}

func (c verifyConfig) toleranceSeconds() C.int64_t { return C.int64_t(c.tolerance / time.Second) }

// VerifySignature verifies one webhook delivery: payload is the request body
// exactly as received, header the Stripe-Signature value, secrets the
// endpoint secret (whsec_…) or, during a rotation, several: the header is
// accepted when any of its v1 signatures matches any secret.
//
// It returns nil, or an *Error matching ErrMissingHeader, ErrMalformedHeader,
// ErrNoV1Signature, ErrSignatureMismatch, ErrTimestampTooOld,
// ErrTimestampInFuture, ErrEmptyPayload or ErrInvalidArgument (no secret).
func VerifySignature(payload []byte, header string, secrets []string, opts ...VerifyOption) error {
	c := newVerifyConfig(opts)
	if len(secrets) != 1 {
		v, err := newVerifier(secrets, c)
		if err != nil {
			return err
		}
		defer v.Close()
		return v.VerifyAt(payload, header, c.now)
	}
	p, pn := cBytes(payload)
	h, hn := cString(header)
	s, sn := cString(secrets[0])
	var detail C.clickref_error
	code := C.clickref_verify_signature(p, pn, h, hn, s, sn, C.int64_t(c.now.Unix()), c.toleranceSeconds(), c.flags,
		&detail)
	return checkDetail(code, &detail)
}

// A Verifier holds one or more secrets with their HMAC keys prepared once.
// It is safe for concurrent use. Close releases it; a finalizer does so for
// a Verifier that is dropped without Close.
type Verifier struct {
	mu sync.RWMutex // Verify holds it shared, Close exclusively: no verification runs on a freed handle
	c  *C.clickref_verifier
}

// NewVerifier prepares secrets. Of the options, WithTolerance and
// RejectFuture apply; the time is given to each Verify call.
func NewVerifier(secrets []string, opts ...VerifyOption) (*Verifier, error) {
	return newVerifier(secrets, newVerifyConfig(opts))
}

func newVerifier(secrets []string, c verifyConfig) (*Verifier, error) {
	cs, err := newCStrings(secrets)
	if err != nil {
		return nil, err
	}
	defer cs.free()
	v := &Verifier{}
	if err := check(C.clickref_verifier_new(cs.ptrs, cs.lens, cs.n, c.toleranceSeconds(), c.flags, &v.c)); err != nil {
		return nil, err
	}
	runtime.SetFinalizer(v, (*Verifier).Close)
	return v, nil
}

// Verify checks a delivery at the current time; see VerifySignature.
func (v *Verifier) Verify(payload []byte, header string) error {
	return v.VerifyAt(payload, header, time.Now())
}

// VerifyAt checks a delivery as if the current time were now.
func (v *Verifier) VerifyAt(payload []byte, header string, now time.Time) error {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.c == nil {
		return ErrInvalidArgument
	}
	p, pn := cBytes(payload)
	h, hn := cString(header)
	var detail C.clickref_error
	code := C.clickref_verifier_verify(v.c, p, pn, h, hn, C.int64_t(now.Unix()), &detail)
	return checkDetail(code, &detail)
}

// Close releases the verifier. Verifying afterwards returns ErrInvalidArgument.
func (v *Verifier) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	C.clickref_verifier_free(v.c)
	v.c = nil
	runtime.SetFinalizer(v, nil)
	return nil
}

// SignPayload returns the Stripe-Signature value Stripe would send for
// payload at timestamp: "t=<unix>,v1=<64 hex>". For testing your endpoint.
func SignPayload(payload []byte, secret string, timestamp time.Time) (string, error) {
	p, pn := cBytes(payload)
	s, sn := cString(secret)
	out, err := callWithOutput(96, func(out *C.char, capacity C.size_t, outLen *C.size_t) C.clickref_status {
		return C.clickref_sign_payload(p, pn, s, sn, C.int64_t(timestamp.Unix()), out, capacity, outLen)
	})
	return string(out), err
}
