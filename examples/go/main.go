// A net/http server that does affiliate attribution for Stripe Payment Links
// with clickref.
//
// Routes:
//
//	GET  /landing?click_id=…  keep the click id in a first-party cookie and serve
//	                          the pricing page with the id on its payment links
//	POST /stripe/postback     the Stripe webhook endpoint: verify the delivery and
//	                          record one conversion per purchase
//
// Run:
//
//	go run .          the demo: serve on a free 127.0.0.1 port, play a visitor
//	                  and Stripe, print what happens
//	go run . -serve   serve on 127.0.0.1:8000 until interrupted
//
// Configuration: STRIPE_WEBHOOK_SECRET (comma-separated during a rotation),
// TRACKNOW_POSTBACK_URL (only printed here: a real receiver would call it).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"clickref.example/clickref"
)

const pricingPage = `<!doctype html>
<title>Pricing</title>
<a href="https://buy.stripe.com/test_8wM5lq3Xp">Buy Pro</a>
<stripe-buy-button buy-button-id="buy_btn_1Example" publishable-key="pk_test_example"></stripe-buy-button>
`

type receiver struct {
	secrets      []string
	postbackBase string
	mu           sync.Mutex
	conversions  map[string]clickref.Conversion // by DedupeKey: one row per purchase
}

// stripePostback is POST /stripe/postback.
func (rc *receiver) stripePostback(w http.ResponseWriter, r *http.Request) {
	payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	conversion, err := clickref.ConstructEvent(payload, r.Header.Get("Stripe-Signature"), rc.secrets)
	var failure *clickref.Error
	switch {
	case errors.Is(err, clickref.ErrUnsupportedEvent): // acknowledge, so that Stripe does not retry it
		w.WriteHeader(http.StatusNoContent)
		return
	case errors.As(err, &failure):
		http.Error(w, failure.Status, http.StatusBadRequest)
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	rc.mu.Lock()
	rc.conversions[conversion.DedupeKey] = conversion
	rc.mu.Unlock()
	if conversion.ClickIDValid {
		if postback, err := conversion.PostbackURL(rc.postbackBase, url.Values{"goal": {"sale"}}); err == nil {
			fmt.Println("   Tracknow postback:", postback)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	body, _ := conversion.ToJSON()
	w.Write(body)
}

// landing is GET /landing.
func landing(w http.ResponseWriter, r *http.Request) {
	clickID, err := clickref.ClickIDFromURL(r.URL.RawQuery, "")
	if err != nil {
		clickID, _ = clickref.ClickIDFromCookies(r.Header.Get("Cookie"), "") // a mangled cookie is as good as none
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if !clickref.IsValidClickID(clickID) {
		io.WriteString(w, pricingPage)
		return
	}
	if cookie, err := clickref.ClickCookie(clickID, nil); err == nil {
		w.Header().Set("Set-Cookie", cookie)
	}
	// Stream the page through the rewriter, as a template's output would be.
	page, err := clickref.NewHTMLRewriter(w, clickID)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	io.WriteString(page, pricingPage)
	page.Close()
}

func newMux(rc *receiver) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/landing", landing)
	mux.HandleFunc("/stripe/postback", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		rc.stripePostback(w, r)
	})
	return mux
}

func main() {
	serve := flag.Bool("serve", false, "serve on 127.0.0.1:8000 until interrupted")
	flag.Parse()
	rc := &receiver{
		secrets:      strings.Split(getenv("STRIPE_WEBHOOK_SECRET", "whsec_example"), ","),
		postbackBase: getenv("TRACKNOW_POSTBACK_URL", "https://acme-tracking.tracknow.info/postback"),
		conversions:  map[string]clickref.Conversion{},
	}
	if *serve {
		fmt.Println("serving on http://127.0.0.1:8000 (POST /stripe/postback, GET /landing?click_id=…)")
		log.Fatal(http.ListenAndServe("127.0.0.1:8000", newMux(rc)))
	}
	if !demo(rc) {
		os.Exit(1)
	}
}

func demo(rc *receiver) bool {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(listener, newMux(rc))
	base := "http://" + listener.Addr().String()
	client := &http.Client{Transport: &http.Transport{Proxy: nil}} // loopback only, whatever HTTP_PROXY says

	send := func(method, target string, body []byte, header string) (*http.Response, string) {
		req, _ := http.NewRequest(method, base+target, bytes.NewReader(body))
		if header != "" {
			req.Header.Set("Stripe-Signature", header)
		}
		resp, err := client.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		text, _ := io.ReadAll(resp.Body)
		return resp, strings.TrimSpace(string(text))
	}

	fmt.Println("== a visitor arrives from an affiliate: GET /landing?click_id=aff_42")
	page, text := send(http.MethodGet, "/landing?click_id=aff_42", nil, "")
	fmt.Println(page.StatusCode, "Set-Cookie:", page.Header.Get("Set-Cookie"))
	fmt.Println(text)

	payload, err := os.ReadFile(filepath.Join("..", "data", "checkout-session-completed.json"))
	if err != nil {
		log.Fatal(err)
	}
	header, _ := clickref.SignPayload(payload, rc.secrets[0], time.Now())
	fmt.Println("== Stripe delivers checkout.session.completed: POST /stripe/postback")
	delivered, text := send(http.MethodPost, "/stripe/postback", payload, header)
	fmt.Println(delivered.StatusCode, text)
	fmt.Println("== a forged delivery (one byte changed)")
	forged, text := send(http.MethodPost, "/stripe/postback", bytes.Replace(payload, []byte("4900"), []byte("4901"), 1), header)
	fmt.Println(forged.StatusCode, text)
	if page.StatusCode != 200 || delivered.StatusCode != 200 || forged.StatusCode != 400 || len(rc.conversions) != 1 {
		fmt.Println("== unexpected answers: see above")
		return false
	}
	fmt.Println("== one conversion recorded, the forgery refused")
	return true
}

func getenv(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
