package clickref

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

const page = `<!doctype html><title>Plans <a href="https://buy.stripe.com/no"></title>
<!-- <a href="https://buy.stripe.com/commented"> -->
<a href="https://buy.stripe.com/test_basic">Basic</a>
<a class=x href='https://buy.stripe.com/pro?a=1&amp;client_reference_id=old#top'>Pro</a>
<a href="https://example.com/about">About</a>
<script>var s = "<a href=\"https://buy.stripe.com/in-script\">";</script>
`

const rewritten = `<!doctype html><title>Plans <a href="https://buy.stripe.com/no"></title>
<!-- <a href="https://buy.stripe.com/commented"> -->
<a href="https://buy.stripe.com/test_basic?client_reference_id=aff_42">Basic</a>
<a class=x href='https://buy.stripe.com/pro?a=1&amp;client_reference_id=aff_42#top'>Pro</a>
<a href="https://example.com/about">About</a>
<script>var s = "<a href=\"https://buy.stripe.com/in-script\">";</script>
`

func TestRewriteURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://buy.stripe.com/test_abc", "https://buy.stripe.com/test_abc?client_reference_id=aff_42"},
		{"https://buy.stripe.com/x?a=1&client_reference_id=old&b=2", "https://buy.stripe.com/x?a=1&client_reference_id=aff_42&b=2"},
		{"https://buy.stripe.com/x#frag", "https://buy.stripe.com/x?client_reference_id=aff_42#frag"},
		{"https://buy.stripe.com.evil.example/x", "https://buy.stripe.com.evil.example/x"},
		{"http://buy.stripe.com/x", "http://buy.stripe.com/x"},
		{"not a url", "not a url"},
	} {
		if got, err := RewriteURL(c.in, "aff_42"); got != c.want || err != nil {
			t.Errorf("RewriteURL(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	custom := WithHosts("pay.example.com")
	if got, _ := RewriteURL("https://pay.example.com/b", "aff_42", custom); got != "https://pay.example.com/b?client_reference_id=aff_42" {
		t.Errorf("custom host: %q", got)
	}
	if got, _ := RewriteURL("https://buy.stripe.com/b", "aff_42", custom); got != "https://buy.stripe.com/b" {
		t.Errorf("default host not replaced: %q", got)
	}
	if _, err := RewriteURL("https://buy.stripe.com:99999/x", "aff_42"); !errors.Is(err, ErrInvalidURL) {
		t.Errorf("port out of range: %v", err)
	}
	if _, err := RewriteURL("https://buy.stripe.com/x", "no spaces"); !errors.Is(err, ErrInvalidClickID) {
		t.Errorf("invalid id: %v", err)
	}
}

func TestRewriteHTML(t *testing.T) {
	var n int
	got, err := RewriteHTML([]byte(page), "aff_42", CountRewritten(&n))
	if string(got) != rewritten || err != nil || n != 2 {
		t.Errorf("RewriteHTML = %q, %v, %d links", got, err, n)
	}
	got, _ = RewriteHTML([]byte(`<a href="https://pay.example.com/b">x</a><a href="https://buy.stripe.com/b">y</a>`), "aff_42",
		WithHosts("pay.example.com"))
	if want := `<a href="https://pay.example.com/b?client_reference_id=aff_42">x</a><a href="https://buy.stripe.com/b">y</a>`; string(got) != want {
		t.Errorf("custom hosts: %q", got)
	}
	for _, in := range []string{"", "plain text", "<a href=", "<!-- never closed", "\x00\xff<a"} {
		if got, err := RewriteHTML([]byte(in), "aff_42"); string(got) != in || err != nil {
			t.Errorf("RewriteHTML(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := RewriteHTML([]byte(page), ""); !errors.Is(err, ErrInvalidClickID) {
		t.Errorf("invalid id: %v", err)
	}
}

// Output larger than the first buffer guess makes the binding ask again.
func TestRewriteHTMLGrowsItsBuffer(t *testing.T) {
	id := strings.Repeat("x", 200)
	in := strings.Repeat(`<a href="https://buy.stripe.com/b">`, 1000)
	want := strings.Repeat(`<a href="https://buy.stripe.com/b?client_reference_id=`+id+`">`, 1000)
	if got, err := RewriteHTML([]byte(in), id); string(got) != want || err != nil {
		t.Errorf("%d bytes, %v", len(got), err)
	}
}

func TestHTMLRewriterEverySplit(t *testing.T) {
	for split := 0; split <= len(page); split++ {
		var out bytes.Buffer
		var n int
		w, err := NewHTMLRewriter(&out, "aff_42", CountRewritten(&n))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(page[:split])); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(page[split:])); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if out.String() != rewritten || n != 2 {
			t.Fatalf("split at %d: %q, %d links", split, out.String(), n)
		}
	}
}

func TestHTMLRewriterStreamsAndCounts(t *testing.T) {
	var out bytes.Buffer
	var n int
	w, _ := NewHTMLRewriter(&out, "aff_42", CountRewritten(&n), WithHosts("pay.example.com"))
	w.Write([]byte(strings.Repeat("<p>hello</p>", 100) + "<a hr"))
	if !strings.HasPrefix(out.String(), "<p>hello</p>") || n != 0 {
		t.Errorf("nothing streamed before the end: %d bytes, %d links", out.Len(), n)
	}
	w.Write([]byte(`ef="https://pay.example.com/x">`))
	if err := w.Close(); err != nil || n != 1 ||
		!strings.HasSuffix(out.String(), `<a href="https://pay.example.com/x?client_reference_id=aff_42">`) {
		t.Errorf("%v, %d links, %q", err, n, out.String())
	}
	if _, err := w.Write([]byte("<a>")); err == nil {
		t.Error("Write after Close succeeded")
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestHTMLRewriterCloseFlushesATagCutOffByTheEnd(t *testing.T) {
	var out bytes.Buffer
	w, _ := NewHTMLRewriter(&out, "aff_42")
	w.Write([]byte(`<p>x</p><a href="https://buy.stripe.com/x"`))
	if out.String() != "<p>x</p>" { // the tag may still be rewritten: it waits for its '>'
		t.Errorf("before Close: %q", out.String())
	}
	if err := w.Close(); err != nil || out.String() != `<p>x</p><a href="https://buy.stripe.com/x"` {
		t.Errorf("after Close: %q, %v", out.String(), err)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

func TestHTMLRewriterReportsTheWritersError(t *testing.T) {
	broken := errors.New("client went away")
	w, _ := NewHTMLRewriter(failingWriter{broken}, "aff_42")
	_, err := w.Write([]byte(strings.Repeat("<p>x</p>", 10000)))
	if err == nil {
		err = w.Close()
	}
	if !errors.Is(err, broken) {
		t.Errorf("got %v, want the writer's error", err)
	}
	if _, err := w.Write([]byte("<p>")); !errors.Is(err, broken) {
		t.Errorf("the error must stick: %v", err)
	}
}

func TestNewHTMLRewriterRejectsInvalidIDs(t *testing.T) {
	if _, err := NewHTMLRewriter(&bytes.Buffer{}, "bad id"); !errors.Is(err, ErrInvalidClickID) {
		t.Errorf("got %v", err)
	}
}
