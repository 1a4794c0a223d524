package clickref

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// A checkout.session.completed event written from Stripe's documented shape;
// every expected value below is read off it by hand.
func sessionCompleted(overrides string) []byte {
	session := `"id": "cs_test_a1B2c3", "object": "checkout.session", "amount_subtotal": 4900,
		"customer_details": {"email": "jenny.rosen@example.com", "name": "Jenny Rosen"},
		"livemode": false, "mode": "payment", "status": "complete"`
	fields := map[string]string{
		"amount_total": "4900", "client_reference_id": `"aff_42"`, "currency": `"usd"`, "metadata": "{}",
		"payment_intent": `"pi_3Nabc"`, "payment_link": `"plink_1Nxyz"`, "payment_status": `"paid"`,
	}
	for _, kv := range strings.Split(overrides, ";") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			fields[k] = v
		}
	}
	for k, v := range fields {
		session += `, "` + k + `": ` + v
	}
	return []byte(`{"id": "evt_1Nconv", "object": "event", "api_version": "2024-06-20", "created": 1732627200,
		"data": {"object": {` + session + `}}, "livemode": false, "pending_webhooks": 1,
		"request": {"id": null, "idempotency_key": null}, "type": "checkout.session.completed"}`)
}

var expected = Conversion{
	EventID: "evt_1Nconv", EventType: "checkout.session.completed", ObjectID: "cs_test_a1B2c3", ClickID: "aff_42",
	OrderID: "pi_3Nabc", PaymentIntent: "pi_3Nabc", PaymentLink: "plink_1Nxyz",
	CustomerEmail: "jenny.rosen@example.com", Currency: "USD", DedupeKey: "pi_3Nabc", Amount: 4900,
	Created: time.Unix(1732627200, 0).UTC(), Status: StatusApproved, Livemode: false,
	ClickIDSource: ClickIDClientReferenceID, ClickIDValid: true,
}

func TestParseConversion(t *testing.T) {
	got, err := ParseConversion(sessionCompleted(""))
	if err != nil || got != expected {
		t.Errorf("got %+v, %v\nwant %+v", got, err, expected)
	}
}

func TestParseConversionVariants(t *testing.T) {
	pending, err := ParseConversion(sessionCompleted(`payment_status="unpaid";payment_intent=null;client_reference_id=null`))
	if err != nil || pending.Status != StatusPending || pending.ClickID != "" || pending.ClickIDSource != ClickIDNone ||
		pending.OrderID != "cs_test_a1B2c3" || pending.DedupeKey != "cs_test_a1B2c3" {
		t.Errorf("unpaid: %+v, %v", pending, err)
	}
	meta, err := ParseConversion(sessionCompleted(`client_reference_id=null;metadata={"click_id": "not valid!"}`))
	if err != nil || meta.ClickID != "not valid!" || meta.ClickIDSource != ClickIDMetadata || meta.ClickIDValid {
		t.Errorf("metadata id: %+v, %v", meta, err)
	}
}

func TestParseConversionBadInput(t *testing.T) {
	cases := []struct {
		name    string
		payload []byte
		want    error
	}{
		{"truncated", []byte("{"), ErrJSON},
		{"empty", nil, ErrJSON},
		{"invalid UTF-8", []byte("{\"id\": \"evt_\xff\"}"), ErrJSON},
		{"deep", []byte(strings.Repeat("[", 100000) + strings.Repeat("]", 100000)), ErrJSONTooDeep},
		{"not an event", []byte(`{"object": "list", "data": []}`), ErrNotAnEvent},
		{"unsupported", []byte(strings.Replace(string(sessionCompleted("")), `"type": "checkout.session.completed"`, `"type": "customer.created"`, 1)), ErrUnsupportedEvent},
		{"bad field", sessionCompleted(`amount_total="4900"`), ErrBadField},
	}
	for _, c := range cases {
		if _, err := ParseConversion(c.payload); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
}

var expectedJSON = map[string]any{
	"event_id": "evt_1Nconv", "event_type": "checkout.session.completed", "livemode": false,
	"created": 1732627200.0, "status": "approved", "click_id": "aff_42", "click_id_source": "client_reference_id",
	"click_id_valid": true, "order_id": "pi_3Nabc", "object_id": "cs_test_a1B2c3", "payment_intent": "pi_3Nabc",
	"payment_link": "plink_1Nxyz", "customer_email": "jenny.rosen@example.com", "amount": 4900.0,
	"amount_decimal": "49.00", "currency": "USD", "dedupe_key": "pi_3Nabc",
}

func TestToJSONAndMarshalJSON(t *testing.T) {
	raw, err := expected.ToJSON()
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil || !reflect.DeepEqual(got, expectedJSON) {
		t.Errorf("ToJSON = %s, %v", raw, err)
	}
	wrapped, err := json.Marshal(map[string]Conversion{"conversion": expected})
	if err != nil || string(wrapped) != `{"conversion":`+string(raw)+`}` {
		t.Errorf("json.Marshal = %s, %v", wrapped, err)
	}
	noClick := expected
	noClick.ClickID, noClick.ClickIDSource, noClick.ClickIDValid = "", ClickIDNone, false
	raw, _ = noClick.ToJSON()
	_ = json.Unmarshal(raw, &got)
	if got["click_id"] != nil || got["click_id_source"] != nil {
		t.Errorf("absent click id: %s", raw)
	}
}

func TestFormatAmount(t *testing.T) {
	for _, c := range []struct {
		amount   int64
		currency string
		want     string
	}{{1999, "usd", "19.99"}, {500, "JPY", "500"}, {1234, "KWD", "1.234"}, {-5, "EUR", "-0.05"}, {0, "usd", "0.00"}, {100, "isk", "1.00"}} {
		if got, err := FormatAmount(c.amount, c.currency); got != c.want || err != nil {
			t.Errorf("FormatAmount(%d, %q) = %q, %v; want %q", c.amount, c.currency, got, err, c.want)
		}
	}
	if got, err := expected.AmountDecimal(); got != "49.00" || err != nil {
		t.Errorf("AmountDecimal = %q, %v", got, err)
	}
}

func TestPostbackURL(t *testing.T) {
	got, err := expected.PostbackURL("https://acme-tracking.tracknow.info/postback",
		url.Values{"campaign_id": {"7"}, "goal": {"sale"}})
	want := "https://acme-tracking.tracknow.info/postback?click_id=aff_42&order_id=pi_3Nabc&amount=49.00&currency=USD&campaign_id=7&goal=sale"
	if got != want || err != nil {
		t.Errorf("PostbackURL = %q, %v\nwant %q", got, err, want)
	}
	odd := expected
	odd.ClickID = "a b&c"
	got, _ = odd.PostbackURL("https://acme-tracking.tracknow.info/postback?key=1", nil)
	if want := "https://acme-tracking.tracknow.info/postback?key=1&click_id=a%20b%26c&order_id=pi_3Nabc&amount=49.00&currency=USD"; got != want {
		t.Errorf("PostbackURL = %q, want %q", got, want)
	}
	if _, err := odd.PostbackURL("ftp://acme.example/postback", nil); !errors.Is(err, ErrInvalidURL) {
		t.Errorf("ftp base: %v", err)
	}
	odd.ClickID = ""
	if _, err := odd.PostbackURL("https://x.example/postback", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("no click id: %v", err)
	}
}

func TestConstructEvent(t *testing.T) {
	payload := sessionCompleted("")
	header := handSignedHeader(payload, "whsec_c", 1732627200)
	now := WithNow(time.Unix(1732627260, 0))
	if got, err := ConstructEvent(payload, header, []string{"whsec_c"}, now); err != nil || got != expected {
		t.Errorf("ConstructEvent = %+v, %v", got, err)
	}
	if _, err := ConstructEvent(payload, header, []string{"whsec_other"}, now); !errors.Is(err, ErrSignatureMismatch) {
		t.Errorf("wrong secret: %v", err)
	}
	notEvent := []byte(`{"hello": "world"}`)
	if _, err := ConstructEvent(notEvent, handSignedHeader(notEvent, "whsec_c", 100), []string{"whsec_c"}, WithNow(time.Unix(100, 0))); !errors.Is(err, ErrNotAnEvent) {
		t.Errorf("signed non-event: %v", err)
	}
}
