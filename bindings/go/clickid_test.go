package clickref

import (
	"errors"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestIsValidClickID(t *testing.T) {
	for id, want := range map[string]bool{
		"abc_DEF-123": true, strings.Repeat("a", 200): true, strings.Repeat("a", 201): false, "": false,
		"a b": false, "caf\u00e9": false, "a\x00b": false, "a.b": false,
	} {
		if got := IsValidClickID(id); got != want {
			t.Errorf("IsValidClickID(%q) = %v", id, got)
		}
	}
}

func TestClickIDFromURL(t *testing.T) {
	for _, c := range []struct{ url, param, want string }{
		{"https://shop.example/landing?click_id=abc123", "", "abc123"},
		{"/landing?x=1&click_id=a%20b+c", "", "a b c"},
		{"click_id=bare", "", "bare"},
		{"https://shop.example/?click_id=first&click_id=second", "", "first"},
		{"https://shop.example/?ref=xyz&click_id=no", "ref", "xyz"},
		{"https://shop.example/?click_id=%FF", "", "\ufffd"},
		{"https://shop.example/?click_id=%zz", "", "%zz"},
	} {
		if got, err := ClickIDFromURL(c.url, c.param); got != c.want || err != nil {
			t.Errorf("ClickIDFromURL(%q, %q) = %q, %v; want %q", c.url, c.param, got, err, c.want)
		}
	}
	for _, u := range []string{"https://shop.example/?x=1#click_id=frag", "https://shop.example/?click_id=", "https://shop.example/landing", ""} {
		if _, err := ClickIDFromURL(u, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("ClickIDFromURL(%q): %v, want ErrNotFound", u, err)
		}
	}
}

func TestClickIDFromCookies(t *testing.T) {
	for _, c := range []struct{ header, name, want string }{
		{"a=1; tn_click_id=abc%2D1; b=2", "", "abc-1"},
		{`tn_click_id="quoted"`, "", "quoted"},
		{"tn_click_id=first; tn_click_id=second", "", "first"},
		{"ref=x=y", "ref", "x=y"},
	} {
		if got, err := ClickIDFromCookies(c.header, c.name); got != c.want || err != nil {
			t.Errorf("ClickIDFromCookies(%q, %q) = %q, %v; want %q", c.header, c.name, got, err, c.want)
		}
	}
	for _, h := range []string{"a=1; b=2", "tn_click_id=", ""} {
		if _, err := ClickIDFromCookies(h, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("ClickIDFromCookies(%q): %v, want ErrNotFound", h, err)
		}
	}
	for _, h := range []string{"tn_click_id=%E0%A4%A", "tn_click_id=%FF", "tn_click_id=%"} {
		if _, err := ClickIDFromCookies(h, ""); !errors.Is(err, ErrBadEncoding) {
			t.Errorf("ClickIDFromCookies(%q): %v, want ErrBadEncoding", h, err)
		}
	}
}

func TestClickCookie(t *testing.T) {
	now := time.Unix(1700000000, 0)
	got, err := ClickCookie("aff_42", &CookieOptions{Now: now})
	want := "tn_click_id=aff_42; Expires=" + now.Add(365*24*time.Hour).UTC().Format(http.TimeFormat) +
		"; Max-Age=31536000; Path=/; Secure; SameSite=Lax"
	if got != want || err != nil {
		t.Errorf("ClickCookie = %q, %v\nwant %q", got, err, want)
	}

	got, _ = ClickCookie("aff_42", &CookieOptions{Name: "ref", Domain: "example.com", MaxAge: 24 * time.Hour,
		HTTPOnly: true, Now: time.Unix(1703980800, 0)})
	parts := strings.Split(got, "; ")
	attributes := parts[1:]
	sort.Strings(attributes)
	wantAttributes := []string{"Domain=example.com", "Expires=" + time.Unix(1703980800+86400, 0).UTC().Format(http.TimeFormat),
		"HttpOnly", "Max-Age=86400", "Path=/", "SameSite=Lax", "Secure"}
	if parts[0] != "ref=aff_42" || strings.Join(attributes, "|") != strings.Join(wantAttributes, "|") {
		t.Errorf("ClickCookie with options = %q", got)
	}

	defaults, err := ClickCookie("aff_42", nil)
	if err != nil || !strings.Contains(defaults, "; Max-Age=31536000;") {
		t.Errorf("ClickCookie(nil options) = %q, %v", defaults, err)
	}
	// What Go's own cookie parser reads back is the id.
	header := http.Header{"Cookie": {strings.SplitN(defaults, ";", 2)[0]}}
	if c, err := (&http.Request{Header: header}).Cookie("tn_click_id"); err != nil || c.Value != "aff_42" {
		t.Errorf("net/http reads %v, %v", c, err)
	}

	if _, err := ClickCookie("not valid!", nil); !errors.Is(err, ErrInvalidClickID) {
		t.Errorf("invalid id: %v", err)
	}
	if _, err := ClickCookie("aff_42", &CookieOptions{MaxAge: time.Millisecond}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("sub-second max age: %v", err)
	}
}
