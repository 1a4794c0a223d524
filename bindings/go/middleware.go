package clickref

import (
	"io"
	"log"
	"net/http"
	"strings"
)

// A MiddlewareOption configures Middleware.
type MiddlewareOption func(*middleware)

// WithCookieOptions sets the click cookie: its name (also the cookie the id
// is read back from), domain, lifetime and HttpOnly. Secure and SameSite=Lax
// are always set, as ClickCookie does. Leave Now zero outside tests: a fixed
// Now gives every cookie the same Expires.
func WithCookieOptions(opts CookieOptions) MiddlewareOption {
	return func(m *middleware) { m.cookie = opts }
}

// WithQueryParam sets the query parameter that carries the click id
// (default "click_id").
func WithQueryParam(name string) MiddlewareOption {
	return func(m *middleware) { m.param = name }
}

// WithPaymentHosts sets the payment-link hosts, as WithHosts does for
// RewriteHTML (default buy.stripe.com).
func WithPaymentHosts(hosts ...string) MiddlewareOption {
	return func(m *middleware) { m.links = []LinkOption{WithHosts(hosts...)} }
}

// WithLogger sets where a rewriting failure is reported (default: the log
// package's standard logger).
func WithLogger(l *log.Logger) MiddlewareOption {
	return func(m *middleware) { m.logger = l }
}

type middleware struct {
	next   http.Handler
	cookie CookieOptions
	param  string
	links  []LinkOption
	logger *log.Logger
	// newRewriter is NewHTMLRewriter; the tests swap in one that fails.
	newRewriter func(io.Writer, string, ...LinkOption) (io.WriteCloser, error)
}

// Middleware wraps next with the landing-page half of attribution, without
// a change to next:
//
//   - the click id is the request's ?click_id= (WithQueryParam), else its
//     tn_click_id cookie (WithCookieOptions); a malformed cookie or an id
//     that fails IsValidClickID counts as no id, never as an error page;
//   - an id from the query is kept in the cookie: a Set-Cookie built by
//     ClickCookie is added to a text/html response, compressed or not (the
//     Python middleware and the nginx module do the same);
//   - when there is an id, the payment links of a text/html response without
//     a Content-Encoding are rewritten by NewHTMLRewriter as next writes the
//     body, chunk by chunk, and Content-Length is dropped since the length
//     changes. A response without a Content-Type is sniffed first as net/http
//     does (from at most 512 bytes).
//
// Everything else passes through byte for byte, Content-Length kept: other
// content types, compressed bodies (put Middleware inside any compression
// middleware), requests without an id, and Upgrade requests (WebSocket),
// whose handlers need the http.Hijacker that the wrapper does not offer. The
// wrapper is an http.Flusher when the server's ResponseWriter is one; a Flush
// sends what the rewriter has emitted, and a start tag it is still reading
// follows with the next write.
//
// If the rewriter fails (only on memory exhaustion in the library), the
// failure is logged and the rest of the body is sent as next writes it. The
// bytes the rewriter held at that moment (at most an unfinished start tag)
// are lost, and the chunk being written is sent whole, possibly after a part
// of its rewrite: the page may show one broken tag, never an error.
//
// Middleware panics, as http.ServeMux does for a bad pattern, when the
// cookie options are invalid (see ClickCookie).
func Middleware(next http.Handler, opts ...MiddlewareOption) http.Handler {
	m := &middleware{next: next, logger: log.Default(), newRewriter: NewHTMLRewriter}
	for _, opt := range opts {
		opt(m)
	}
	// Found now rather than on the first visitor with a click id.
	if _, err := ClickCookie("check", &m.cookie); err != nil {
		panic("clickref.Middleware: invalid cookie options: " + err.Error())
	}
	return m
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, fromQuery := m.clickID(r)
	if id == "" || r.Header.Get("Upgrade") != "" {
		m.next.ServeHTTP(w, r)
		return
	}
	t := &taggingWriter{m: m, w: w, id: id, setCookie: fromQuery, sink: responseSink{w: w}}
	if f, ok := w.(http.Flusher); ok {
		m.next.ServeHTTP(flushingWriter{t, f}, r)
	} else {
		m.next.ServeHTTP(t, r)
	}
	// Not deferred: after a panic in next, net/http aborts the response,
	// which a status line sent here would turn into a truncated page.
	t.finish()
}

// clickID returns the id to tag links with and whether it came from the
// query; "" when the request has no id Stripe would keep.
func (m *middleware) clickID(r *http.Request) (string, bool) {
	if id, err := ClickIDFromURL(r.URL.RawQuery, m.param); err == nil && IsValidClickID(id) {
		return id, true
	}
	for _, header := range r.Header.Values("Cookie") {
		if id, err := ClickIDFromCookies(header, m.cookie.Name); err == nil && IsValidClickID(id) {
			return id, false
		}
	}
	return "", false
}

// sniffLen is how much of a body without a Content-Type net/http sniffs.
const sniffLen = 512

// taggingWriter is the ResponseWriter next sees for a request with a click
// id. The status line waits for WriteHeader, or for the first sniffLen bytes
// when the content type must be sniffed; then the headers are decided once.
type taggingWriter struct {
	m         *middleware
	w         http.ResponseWriter
	id        string
	setCookie bool
	status    int  // 0 until next has chosen a final status
	sent      bool // the status line has gone to w
	sniffed   []byte
	rewriter  io.WriteCloser // nil when the body passes through
	sink      responseSink
}

// responseSink is the rewriter's output. It keeps w's own error, so that a
// client gone away is told apart from a failure of the rewriter.
type responseSink struct {
	w   io.Writer
	err error
}

func (s *responseSink) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	if err != nil {
		s.err = err
	}
	return n, err
}

type flushingWriter struct {
	*taggingWriter
	f http.Flusher
}

func (fw flushingWriter) Flush() {
	fw.start(http.StatusOK)
	fw.sendHeader()
	fw.f.Flush()
}

func (t *taggingWriter) Header() http.Header { return t.w.Header() }

func (t *taggingWriter) WriteHeader(code int) {
	switch {
	case t.sent:
		t.w.WriteHeader(code) // net/http reports the superfluous call
	case t.status != 0: // sniffing: the first call wins, as in net/http
	case code >= 100 && code <= 199: // informational: the final status comes later
		t.w.WriteHeader(code)
	default:
		t.start(code)
		if !t.mustSniff() {
			t.sendHeader()
		}
	}
}

func (t *taggingWriter) Write(p []byte) (int, error) {
	if t.status == 0 {
		t.WriteHeader(http.StatusOK)
	}
	if t.sent {
		return t.writeBody(p)
	}
	t.sniffed = append(t.sniffed, p...)
	if len(t.sniffed) >= sniffLen {
		if err := t.sendHeader(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// start records the final status, unless next has already chosen one.
func (t *taggingWriter) start(code int) {
	if t.status == 0 {
		t.status = code
	}
}

// mustSniff reports whether net/http would sniff the content type, which
// then decides whether the body is HTML.
func (t *taggingWriter) mustSniff() bool {
	h := t.w.Header()
	_, typed := h["Content-Type"]
	return !typed && bodyAllowed(t.status) && h.Get("Content-Encoding") == "" && h.Get("Transfer-Encoding") == ""
}

// sendHeader decides the headers and the body's fate, sends the status line
// and then the bytes held for sniffing. It does nothing the second time.
func (t *taggingWriter) sendHeader() error {
	if t.sent {
		return nil
	}
	h := t.w.Header()
	if t.mustSniff() && len(t.sniffed) > 0 {
		h.Set("Content-Type", http.DetectContentType(t.sniffed))
	}
	if t.setCookie && isHTML(h.Get("Content-Type")) {
		if cookie, err := ClickCookie(t.id, &t.m.cookie); err == nil {
			h.Add("Set-Cookie", cookie)
		} else {
			t.m.logger.Printf("clickref: no click cookie: %v", err)
		}
	}
	if bodyAllowed(t.status) && isHTML(h.Get("Content-Type")) && !isEncoded(h.Get("Content-Encoding")) {
		if rw, err := t.m.newRewriter(&t.sink, t.id, t.m.links...); err == nil {
			t.rewriter = rw
			h.Del("Content-Length")
		} else {
			t.m.logger.Printf("clickref: the body is sent unchanged: %v", err)
		}
	}
	t.w.WriteHeader(t.status)
	t.sent = true
	held := t.sniffed
	t.sniffed = nil
	_, err := t.writeBody(held)
	return err
}

// writeBody sends p through the rewriter, or as it is once there is none.
func (t *taggingWriter) writeBody(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if t.rewriter == nil {
		return t.w.Write(p)
	}
	if _, err := t.rewriter.Write(p); err != nil {
		if t.sink.err != nil { // the client's connection failed: nothing to fall back on
			return 0, err
		}
		t.abandon(err)
		return t.w.Write(p)
	}
	return len(p), nil
}

// finish ends the response after next has returned: it sends the headers
// of an empty or short body and what the rewriter still holds.
func (t *taggingWriter) finish() {
	t.start(http.StatusOK)
	t.sendHeader() // its only error is the client's, which the sink keeps for Close below
	if t.rewriter == nil {
		return
	}
	if err := t.rewriter.Close(); err != nil && t.sink.err == nil {
		t.m.logger.Printf("clickref: rewriting failed at the end of the body: %v", err)
	}
	t.rewriter = nil
}

// abandon releases a rewriter that failed; the rest of the body passes unchanged.
func (t *taggingWriter) abandon(err error) {
	t.m.logger.Printf("clickref: rewriting failed, the rest of the body is sent unchanged: %v", err)
	t.rewriter.Close() // its error is err again: the library stops for good at the first one
	t.rewriter = nil
}

// bodyAllowed reports whether a response with this final status has a body.
func bodyAllowed(status int) bool {
	return status != http.StatusNoContent && status != http.StatusNotModified
}

func isHTML(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mediaType), "text/html")
}

func isEncoded(contentEncoding string) bool {
	ce := strings.TrimSpace(contentEncoding)
	return ce != "" && !strings.EqualFold(ce, "identity")
}
