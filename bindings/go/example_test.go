package clickref_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"clickref.example/clickref"
)

// A webhook receiver: verify the delivery, record one conversion per sale,
// acknowledge event types that yield none so that Stripe does not retry them.
func postbackHandler(secrets []string, record func(clickref.Conversion)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		conversion, err := clickref.ConstructEvent(payload, r.Header.Get("Stripe-Signature"), secrets)
		switch {
		case errors.Is(err, clickref.ErrUnsupportedEvent):
			w.WriteHeader(http.StatusNoContent)
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
		default:
			record(conversion)
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(conversion)
		}
	})
}

func Example_webhookHandler() {
	const secret = "whsec_example"
	server := httptest.NewServer(postbackHandler([]string{secret}, func(c clickref.Conversion) {
		fmt.Printf("recorded %s %s %s for click %s\n", c.Status, c.Currency, mustDecimal(c), c.ClickID)
	}))
	defer server.Close()

	deliver := func(payload, header string) {
		req, _ := http.NewRequest(http.MethodPost, server.URL+"/stripe/postback", strings.NewReader(payload))
		req.Header.Set("Stripe-Signature", header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, strings.TrimSpace(string(body)))
	}

	payload := `{"id":"evt_1","object":"event","created":1732627200,"livemode":false,` +
		`"type":"checkout.session.completed","data":{"object":{"id":"cs_test_1","object":"checkout.session",` +
		`"amount_total":1999,"currency":"eur","client_reference_id":"aff_42","payment_status":"paid",` +
		`"mode":"payment","payment_intent":"pi_1"}}}`
	header, _ := clickref.SignPayload([]byte(payload), secret, time.Now())
	deliver(payload, header)
	deliver(payload, strings.Replace(header, "v1=", "v1=0", 1))
	// Output:
	// recorded approved EUR 19.99 for click aff_42
	// 200 {"event_id":"evt_1","event_type":"checkout.session.completed","livemode":false,"created":1732627200,"status":"approved","click_id":"aff_42","click_id_source":"client_reference_id","click_id_valid":true,"order_id":"pi_1","object_id":"cs_test_1","payment_intent":"pi_1","payment_link":null,"customer_email":null,"amount":1999,"amount_decimal":"19.99","currency":"EUR","dedupe_key":"pi_1","effect":"payment","recurrence":"one_time","customer":null,"subscription":null,"invoice":null,"charge":null,"account":null,"billing_reason":null,"promotion_code":null,"coupon":null,"refund_id":null,"amount_refunded":0,"amount_refunded_decimal":"0.00"}
	// 400 clickref: No v1 signature matches the payload for any configured secret. (CLICKREF_E_SIG_MISMATCH)
}

func mustDecimal(c clickref.Conversion) string {
	s, err := c.AmountDecimal()
	if err != nil {
		return err.Error()
	}
	return s
}

// A landing page served through Middleware: the visitor arrives with
// ?click_id=, gets the cookie, and the page's payment links carry the id.
func ExampleMiddleware() {
	pricing := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<a href="https://buy.stripe.com/test_9A">Buy</a>`)
	})
	handler := clickref.Middleware(pricing, clickref.WithPaymentHosts("buy.stripe.com", "pay.example.com"))

	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/pricing?click_id=aff_42", nil))
	fmt.Println(rec.Body.String())
	fmt.Println(strings.SplitN(rec.Header().Get("Set-Cookie"), ";", 2)[0])
	// Output:
	// <a href="https://buy.stripe.com/test_9A?client_reference_id=aff_42">Buy</a>
	// tn_click_id=aff_42
}
