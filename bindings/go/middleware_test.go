package clickref

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"log"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

const link = "https://buy.stripe.com/test_9A"

// htmlCorpus returns the browser corpus (tests/browser/cases.py) that CTest
// dumps to $CLICKREF_HTML_CORPUS, each body in a minimal document, or a few
// pages of its own for a plain `go test`.
func htmlCorpus(t *testing.T) map[string]string {
	path := os.Getenv("CLICKREF_HTML_CORPUS")
	if path == "" {
		return map[string]string{
			"links-comments-script": page,
			"buy-button":            `<p><stripe-buy-button buy-button-id="b" client-reference-id="old"></stripe-buy-button>`,
			"unclosed-tag-at-end":   `<a href="` + link + `?c=1">1</a><a href="` + link + `"`,
			"no-links":              `<!DOCTYPE html><p>nothing to tag, ` + link + ` as text</p>`,
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name string
		HTML string
		Raw  bool
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{}
	for _, c := range cases {
		pages[c.Name] = c.HTML
		if !c.Raw {
			pages[c.Name] = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>` + c.HTML + `</body></html>`
		}
	}
	if len(pages) < 50 {
		t.Fatalf("%s: only %d pages", path, len(pages))
	}
	return pages
}

// chunked serves body as HTML in the given pieces, with a Content-Length.
func chunked(body string, pieces []int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		rest := body
		for _, n := range pieces {
			w.Write([]byte(rest[:n]))
			rest = rest[n:]
		}
		w.Write([]byte(rest))
	})
}

func serve(h http.Handler, target string, cookie string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestMiddlewareRewritesLikeRewriteHTMLWhateverTheChunks(t *testing.T) {
	rng := rand.New(rand.NewSource(13))
	for name, body := range htmlCorpus(t) {
		want, err := RewriteHTML([]byte(body), "tn_42")
		if err != nil {
			t.Fatal(err)
		}
		ones := make([]int, len(body))
		for i := range ones {
			ones[i] = 1
		}
		splits := map[string][]int{"1-byte": ones}
		for seed := 0; seed < 4; seed++ {
			var pieces []int
			for left := len(body); left > 0; {
				n := rng.Intn(minInt(left, 40) + 1)
				pieces, left = append(pieces, n), left-n
			}
			splits["random-"+strconv.Itoa(seed)] = pieces
		}
		for split, pieces := range splits {
			rec := serve(Middleware(chunked(body, pieces)), "/landing?click_id=tn_42", "")
			if got := rec.Body.String(); got != string(want) {
				t.Errorf("%s, %s chunks:\n got %q\nwant %q", name, split, got, want)
			}
			if cl := rec.Header().Get("Content-Length"); cl != "" {
				t.Errorf("%s: Content-Length %s kept on a rewritten body", name, cl)
			}
		}
	}
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func TestMiddlewareClickIDAndCookie(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	body := `<a href="` + link + `">buy</a>`
	tagged := func(id string) string { return `<a href="` + link + `?client_reference_id=` + id + `">buy</a>` }
	cookie := func(id string, opts CookieOptions) string {
		opts.Now = now
		c, err := ClickCookie(id, &opts)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	custom := CookieOptions{Name: "aff", Domain: "shop.example", MaxAge: time.Hour, HTTPOnly: true, Now: now}
	for _, c := range []struct {
		name, target, cookieHeader string
		opts                       []MiddlewareOption
		wantBody, wantSetCookie    string
	}{
		{"id in the query", "/?click_id=tn_42", "", nil, tagged("tn_42"), cookie("tn_42", CookieOptions{})},
		{"query before cookie", "/?x=1&click_id=q_1", "tn_click_id=c_1", nil, tagged("q_1"), cookie("q_1", CookieOptions{})},
		{"id only in the cookie", "/", "a=1; tn_click_id=c_1", nil, tagged("c_1"), ""},
		{"invalid query id, cookie used", "/?click_id=bad.id", "tn_click_id=c_1", nil, tagged("c_1"), ""},
		{"no id", "/?other=1", "a=1", nil, body, ""},
		{"empty query id", "/?click_id=", "", nil, body, ""},
		{"malformed cookie", "/", "tn_click_id=%E0%A4%A", nil, body, ""},
		{"invalid id in the query", "/?click_id=a%20b", "", nil, body, ""},
		{"id too long", "/?click_id=" + strings.Repeat("x", MaxClickIDLen+1), "", nil, body, ""},
		{"custom parameter and cookie", "/?ref=r_9&click_id=no", "", []MiddlewareOption{WithQueryParam("ref"), WithCookieOptions(custom)},
			tagged("r_9"), cookie("r_9", custom)},
		{"custom cookie read back", "/", "tn_click_id=x; aff=a_7", []MiddlewareOption{WithCookieOptions(custom)}, tagged("a_7"), ""},
		{"other hosts", "/?click_id=tn_42", "", []MiddlewareOption{WithPaymentHosts("pay.example.com")}, body, cookie("tn_42", CookieOptions{})},
	} {
		opts := append([]MiddlewareOption{WithCookieOptions(CookieOptions{Now: now})}, c.opts...)
		rec := serve(Middleware(chunked(body, nil), opts...), c.target, c.cookieHeader)
		if got := rec.Body.String(); got != c.wantBody {
			t.Errorf("%s: body %q, want %q", c.name, got, c.wantBody)
		}
		if got := strings.Join(rec.Header().Values("Set-Cookie"), "\n"); got != c.wantSetCookie {
			t.Errorf("%s: Set-Cookie %q, want %q", c.name, got, c.wantSetCookie)
		}
		// An id, even one that changes nothing here, sends the body through the rewriter.
		if rewritten := c.wantBody != body || c.wantSetCookie != ""; rewritten == (rec.Header().Get("Content-Length") != "") {
			t.Errorf("%s: Content-Length %q", c.name, rec.Header().Get("Content-Length"))
		}
	}
}

// The cookie goes on pages only, as in the Python middleware and the nginx
// module: an API answer or a redirect without an HTML body gets none.
func TestMiddlewareSetsTheCookieOnHTMLResponsesOnly(t *testing.T) {
	typed := func(contentType, encoding string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			if encoding != "" {
				w.Header().Set("Content-Encoding", encoding)
			}
			io.WriteString(w, "<p>x</p>")
		})
	}
	for _, c := range []struct {
		name    string
		h       http.Handler
		cookied bool
	}{
		{"html", typed("text/html; charset=utf-8", ""), true},
		{"gzip html", typed("text/html", "gzip"), true},
		{"sniffed html", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<!DOCTYPE html><p>x") }), true},
		{"redirect with net/http's HTML body", http.RedirectHandler("/pricing", http.StatusFound), true},
		{"bare redirect", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/pricing")
			w.WriteHeader(http.StatusFound)
		}), false},
		{"json", typed("application/json", ""), false},
		{"empty", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), false},
	} {
		rec := serve(Middleware(c.h), "/go?click_id=tn_42", "")
		got := rec.Header().Values("Set-Cookie")
		if c.cookied != (len(got) == 1 && strings.HasPrefix(got[0], "tn_click_id=tn_42; ")) || len(got) > 1 {
			t.Errorf("%s: %d, Set-Cookie %q", c.name, rec.Code, got)
		}
	}
}

func TestMiddlewarePassesOtherBodiesThrough(t *testing.T) {
	page := `<!DOCTYPE html><a href="` + link + `">buy</a>`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(page))
	zw.Close()
	for _, c := range []struct {
		name, contentType, encoding, body string
		status                            int
	}{
		{"json", "application/json", "", `{"url":"` + link + `","html":"<a href=\"` + link + `\">"}`, 200},
		{"plain text", "text/plain; charset=utf-8", "", page, 200},
		{"html-like type", "text/html-fragment", "", page, 200},
		{"gzip html", "text/html", "gzip", gz.String(), 200},
		{"brotli html", "TEXT/HTML; charset=utf-8", " br ", page, 200},
		{"not modified", "text/html", "", "", http.StatusNotModified},
		{"no content", "text/html", "", "", http.StatusNoContent},
	} {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", c.contentType)
			w.Header().Set("Content-Length", strconv.Itoa(len(c.body)))
			if c.encoding != "" {
				w.Header().Set("Content-Encoding", c.encoding)
			}
			w.WriteHeader(c.status)
			w.Write([]byte(c.body[:len(c.body)/2]))
			w.Write([]byte(c.body[len(c.body)/2:]))
		})
		rec := serve(Middleware(h), "/?click_id=tn_42", "")
		if rec.Code != c.status || rec.Body.String() != c.body {
			t.Errorf("%s: %d %q", c.name, rec.Code, rec.Body)
		}
		if rec.Header().Get("Content-Length") != strconv.Itoa(len(c.body)) {
			t.Errorf("%s: Content-Length %q", c.name, rec.Header().Get("Content-Length"))
		}
	}
}

func TestMiddlewareRewritesIdentityEncodingAndSniffedHTML(t *testing.T) {
	body := strings.Repeat("<p>filler</p>", 50) + `<a href="` + link + `">buy</a>`
	want, _ := RewriteHTML([]byte(body), "tn_42")
	identity := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "Text/HTML ;charset=utf-8")
		w.Header().Set("Content-Encoding", "identity")
		io.WriteString(w, body)
	})
	untyped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { // html/template output, typically
		for i := 0; i < len(body); i += 7 {
			io.WriteString(w, body[i:minInt(i+7, len(body))])
		}
	})
	for name, h := range map[string]http.Handler{"identity": identity, "untyped": untyped} {
		rec := serve(Middleware(h), "/?click_id=tn_42", "")
		if rec.Body.String() != string(want) {
			t.Errorf("%s: %q", name, rec.Body)
		}
	}
	rec := serve(Middleware(untyped), "/", "")
	if rec.Body.String() != body {
		t.Errorf("no id: %q", rec.Body)
	}
	json := `{"a": "<a href=\"` + link + `\">"}`
	untypedJSON := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, json) })
	rec = serve(Middleware(untypedJSON), "/?click_id=tn_42", "")
	if rec.Body.String() != json || rec.Header().Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("sniffed text: %q %q", rec.Header().Get("Content-Type"), rec.Body)
	}
}

// net/http frames a short body itself, from the bytes it got: a HEAD
// response has the Content-Length of the rewritten page, as a GET would.
func TestMiddlewareHeadRequest(t *testing.T) {
	server := httptest.NewServer(Middleware(chunked(page, []int{10, 100})))
	defer server.Close()
	want, _ := RewriteHTML([]byte(page), "tn_42")
	for _, method := range []string{http.MethodHead, http.MethodGet} {
		req, _ := http.NewRequest(method, server.URL+"/?click_id=tn_42", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Set-Cookie") == "" || resp.ContentLength != int64(len(want)) {
			t.Errorf("%s: %d %q", method, resp.StatusCode, resp.Header)
		}
		if method == http.MethodGet && string(body) != string(want) {
			t.Errorf("GET: %q", body)
		}
	}
}

func TestMiddlewareFlushesWhatTheRewriterEmitted(t *testing.T) {
	first := `<!DOCTYPE html><a href="` + link + `">buy</a><p>`
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, first)
		w.(http.Flusher).Flush()
		<-release // the client must see the first part before the handler goes on
		io.WriteString(w, `<a href="`+link+`">again</a>`)
	})
	server := httptest.NewServer(Middleware(h))
	defer server.Close()
	defer close(release)
	want, _ := RewriteHTML([]byte(first), "tn_42")
	got := make([]byte, len(want))
	done := make(chan error, 1)
	go func() { // without the flush, not even the status line would arrive
		resp, err := http.Get(server.URL + "/?click_id=tn_42")
		if err == nil {
			_, err = io.ReadFull(resp.Body, got)
			resp.Body.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil || string(got) != string(want) {
			t.Errorf("%q, %v", got, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the flushed part did not arrive")
	}
}

func TestMiddlewareWithoutFlusherHidesFlush(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := w.(http.Flusher); ok {
			t.Error("the wrapper offers Flush over a writer without it")
		}
	})
	Middleware(h).ServeHTTP(plainWriter{httptest.NewRecorder()}, httptest.NewRequest("GET", "/?click_id=tn_42", nil))
}

// plainWriter hides the recorder's Flush.
type plainWriter struct{ rec *httptest.ResponseRecorder }

func (p plainWriter) Header() http.Header         { return p.rec.Header() }
func (p plainWriter) Write(b []byte) (int, error) { return p.rec.Write(b) }
func (p plainWriter) WriteHeader(code int)        { p.rec.WriteHeader(code) }

func TestMiddlewareLeavesUpgradesUnwrapped(t *testing.T) {
	hijackable := false
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, hijackable = w.(http.Hijacker) })
	server := httptest.NewServer(Middleware(h))
	defer server.Close()
	req, _ := http.NewRequest(http.MethodGet, server.URL+"/ws?click_id=tn_42", nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !hijackable {
		t.Error("an Upgrade request's handler cannot hijack the connection")
	}
}

// failingRewriter is a rewriter that upper-cases the first chunk and fails on the second.
type failingRewriter struct {
	w      io.Writer
	writes int
}

func (f *failingRewriter) Write(p []byte) (int, error) {
	if f.writes++; f.writes > 1 {
		return 0, ErrNoMemory
	}
	return f.w.Write(bytes.ToUpper(p))
}

func (f *failingRewriter) Close() error { return nil }

func TestMiddlewareSendsTheRestUnchangedAfterARewriterFailure(t *testing.T) {
	var logged bytes.Buffer
	h := Middleware(chunked("<a>one</a><a>two</a><a>three</a>", []int{10, 10}), WithLogger(log.New(&logged, "", 0)))
	h.(*middleware).newRewriter = func(w io.Writer, _ string, _ ...LinkOption) (io.WriteCloser, error) {
		return &failingRewriter{w: w}, nil
	}
	rec := serve(h, "/?click_id=tn_42", "")
	if got := rec.Body.String(); got != "<A>ONE</A><a>two</a><a>three</a>" {
		t.Errorf("body %q", got)
	}
	if !strings.Contains(logged.String(), "rewriting failed") {
		t.Errorf("log %q", logged.String())
	}
}

func TestMiddlewareReturnsTheClientsError(t *testing.T) {
	var logged bytes.Buffer
	gone := errors.New("client went away")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if _, err := io.WriteString(w, strings.Repeat("<p>x</p>", 10000)); !errors.Is(err, gone) {
			t.Errorf("Write: %v", err)
		}
	})
	w := brokenWriter{plainWriter{httptest.NewRecorder()}, gone}
	Middleware(h, WithLogger(log.New(&logged, "", 0))).ServeHTTP(w, httptest.NewRequest("GET", "/?click_id=tn_42", nil))
	if logged.Len() != 0 {
		t.Errorf("a client's failure logged as the rewriter's: %q", logged.String())
	}
}

type brokenWriter struct {
	plainWriter
	err error
}

func (b brokenWriter) Write([]byte) (int, error) { return 0, b.err }

func TestMiddlewarePanicsOnInvalidOptions(t *testing.T) {
	for name, opt := range map[string]MiddlewareOption{
		"sub-second max age": WithCookieOptions(CookieOptions{MaxAge: time.Millisecond}),
		"bad domain":         WithCookieOptions(CookieOptions{Domain: "shop example"}),
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			Middleware(http.NotFoundHandler(), opt)
		}()
	}
}
