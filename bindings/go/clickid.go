package clickref

/*
#include <clickref/clickref.h>
*/
import "C"

import "time"

// MaxClickIDLen is the longest click id Stripe keeps in client_reference_id.
const MaxClickIDLen = C.CLICKREF_MAX_CLICK_ID_LEN

// DefaultCookieMaxAge is the default lifetime of the click cookie (365 days).
const DefaultCookieMaxAge = C.CLICKREF_DEFAULT_COOKIE_MAX_AGE * time.Second

// IsValidClickID reports whether id matches Stripe's rule for
// client_reference_id, [A-Za-z0-9_-]{1,200}.
func IsValidClickID(id string) bool {
	p, n := cString(id)
	return C.clickref_click_id_valid(p, n) == 1
}

// ClickIDFromURL returns the first value of query parameter param ("" means
// "click_id") in a URL, a request target ("/landing?click_id=…") or a bare
// query, decoded as WHATWG URLSearchParams does. It returns ErrNotFound when
// the parameter is absent or empty. The value is not validated: see
// IsValidClickID.
func ClickIDFromURL(rawURL, param string) (string, error) {
	u, un := cString(rawURL)
	p, pn := cString(param)
	out, err := callWithOutput(len(rawURL)+16, func(o *C.char, capacity C.size_t, outLen *C.size_t) C.clickref_status {
		return C.clickref_click_id_from_url(u, un, p, pn, o, capacity, outLen)
	})
	return string(out), err
}

// ClickIDFromCookies returns the value of cookie name ("" means
// "tn_click_id") in a Cookie request header, decoded as decodeURIComponent
// does. It returns ErrNotFound when the cookie is absent or empty and
// ErrBadEncoding for a malformed %-escape.
func ClickIDFromCookies(cookieHeader, name string) (string, error) {
	h, hn := cString(cookieHeader)
	nm, nn := cString(name)
	out, err := callWithOutput(len(cookieHeader)+16, func(o *C.char, capacity C.size_t, outLen *C.size_t) C.clickref_status {
		return C.clickref_click_id_from_cookies(h, hn, nm, nn, o, capacity, outLen)
	})
	return string(out), err
}

// CookieOptions customise ClickCookie; the zero value means the defaults.
type CookieOptions struct {
	Name     string        // "" means "tn_click_id"
	Domain   string        // "" means a host-only cookie (no Domain attribute)
	MaxAge   time.Duration // 0 means DefaultCookieMaxAge; otherwise at least one second
	HTTPOnly bool          // off by default: the browser snippet reads the cookie
	Now      time.Time     // the zero value means time.Now(), for Expires
}

// ClickCookie returns the Set-Cookie header value that keeps the click id in
// a first-party cookie:
//
//	tn_click_id=<id>; Expires=<date>; Max-Age=<s>; Path=/; Secure; SameSite=Lax
//
// opts may be nil. An id that fails IsValidClickID returns ErrInvalidClickID.
func ClickCookie(clickID string, opts *CookieOptions) (string, error) {
	if opts == nil {
		opts = &CookieOptions{}
	}
	maxAge, now := opts.MaxAge, opts.Now
	if maxAge == 0 {
		maxAge = DefaultCookieMaxAge
	}
	if now.IsZero() {
		now = time.Now()
	}
	// The name and domain pointers sit in a struct passed by pointer: cgo
	// forbids that struct from holding Go pointers, so they are C copies.
	strs, err := newCStrings([]string{opts.Name, opts.Domain})
	if err != nil {
		return "", err
	}
	defer strs.free()
	name, domain := strs.str(0), strs.str(1)
	copts := C.clickref_cookie_options{
		version:    C.CLICKREF_COOKIE_OPTIONS_VERSION,
		name:       name.data,
		name_len:   name.len,
		domain:     domain.data,
		domain_len: domain.len,
		max_age_s:  C.int64_t(maxAge / time.Second), // a sub-second or negative MaxAge is ErrInvalidArgument
		http_only:  cBool(opts.HTTPOnly),
	}
	id, idn := cString(clickID)
	out, err := callWithOutput(int(idn)+256, func(o *C.char, capacity C.size_t, outLen *C.size_t) C.clickref_status {
		return C.clickref_click_cookie(id, idn, &copts, C.int64_t(now.Unix()), o, capacity, outLen)
	})
	return string(out), err
}
