package clickref

/*
#include <clickref/clickref.h>
#include <stdlib.h>
*/
import "C"

import "unsafe"

type linkConfig struct {
	hosts     []string
	rewritten *int
}

// A LinkOption changes how payment links are recognised or reports on the rewrite.
type LinkOption func(*linkConfig)

// WithHosts sets the payment-link hosts (default: buy.stripe.com). Add a
// Stripe custom domain here, e.g. WithHosts("buy.stripe.com", "pay.example.com").
func WithHosts(hosts ...string) LinkOption { return func(c *linkConfig) { c.hosts = hosts } }

// CountRewritten stores in *n how many links RewriteHTML rewrote, or an
// HTML rewriter has rewritten so far (updated after each Write and Close).
func CountRewritten(n *int) LinkOption { return func(c *linkConfig) { c.rewritten = n } }

// cLinkOptions is a clickref_link_options with the C memory it points into.
type cLinkOptions struct {
	opts      C.clickref_link_options
	hosts     cStrings
	rewritten *C.size_t // C memory: the library writes to it for as long as a rewriter lives
}

func newCLinkOptions(opts []LinkOption) (*cLinkOptions, *int, error) {
	var c linkConfig
	for _, opt := range opts {
		opt(&c)
	}
	hosts, err := newCStrings(c.hosts)
	if err != nil {
		return nil, nil, err
	}
	o := &cLinkOptions{hosts: hosts}
	o.opts.version = C.CLICKREF_LINK_OPTIONS_VERSION
	if c.hosts != nil {
		o.opts.hosts, o.opts.host_lens, o.opts.n_hosts = hosts.ptrs, hosts.lens, hosts.n
	}
	if c.rewritten != nil {
		o.rewritten = (*C.size_t)(C.calloc(1, C.size_t(unsafe.Sizeof(C.size_t(0)))))
		if o.rewritten == nil {
			hosts.free()
			return nil, nil, ErrNoMemory
		}
		o.opts.rewritten = o.rewritten
	}
	return o, c.rewritten, nil
}

// report copies the library's count of rewritten links to the caller's int.
func (o *cLinkOptions) report(n *int) {
	if n != nil {
		*n = int(*o.rewritten)
	}
}

func (o *cLinkOptions) free() {
	o.hosts.free()
	C.free(unsafe.Pointer(o.rewritten))
}

// RewriteURL sets client_reference_id=clickID on a payment link: an https URL
// whose host is one of the hosts (default buy.stripe.com). An existing
// client_reference_id is replaced; every other byte is kept. Any other URL is
// returned unchanged. An id that fails IsValidClickID returns
// ErrInvalidClickID.
func RewriteURL(rawURL, clickID string, opts ...LinkOption) (string, error) {
	o, _, err := newCLinkOptions(opts)
	if err != nil {
		return "", err
	}
	defer o.free()
	u, un := cString(rawURL)
	id, idn := cString(clickID)
	out, err := callWithOutput(len(rawURL)+len(clickID)+64, func(p *C.char, capacity C.size_t, outLen *C.size_t) C.clickref_status {
		return C.clickref_rewrite_url(u, un, id, idn, &o.opts, p, capacity, outLen)
	})
	return string(out), err
}

// RewriteHTML rewrites the payment links of an HTML document: every <a href>
// and the client-reference-id of <stripe-buy-button> and
// <stripe-pricing-table>. Every other byte is copied unchanged; malformed
// HTML is passed through. An id that fails IsValidClickID returns
// ErrInvalidClickID.
func RewriteHTML(html []byte, clickID string, opts ...LinkOption) ([]byte, error) {
	o, count, err := newCLinkOptions(opts)
	if err != nil {
		return nil, err
	}
	defer o.free()
	h, hn := cBytes(html)
	id, idn := cString(clickID)
	out, err := callWithOutput(len(html)+len(html)/8+256, func(p *C.char, capacity C.size_t, outLen *C.size_t) C.clickref_status {
		return C.clickref_rewrite_html(h, hn, id, idn, &o.opts, p, capacity, outLen)
	})
	if err == nil {
		o.report(count)
	}
	return out, err
}
