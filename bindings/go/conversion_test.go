package clickref

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// stripeEvent wraps data.object in an event envelope written from Stripe's
// documented shape; envelope adds members to it (`, "account": "acct_…"`).
func stripeEvent(eventType, object, envelope string) []byte {
	return []byte(`{"id": "evt_1Nconv", "object": "event", "api_version": "2024-06-20", "created": 1732627200,
		"data": {"object": ` + object + `}, "livemode": false, "pending_webhooks": 1,
		"request": {"id": null, "idempotency_key": null}, "type": "` + eventType + `"` + envelope + `}`)
}

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
	return stripeEvent("checkout.session.completed", "{"+session+"}", "")
}

var expected = Conversion{
	EventID: "evt_1Nconv", EventType: "checkout.session.completed", ObjectID: "cs_test_a1B2c3", ClickID: "aff_42",
	OrderID: "pi_3Nabc", PaymentIntent: "pi_3Nabc", PaymentLink: "plink_1Nxyz",
	CustomerEmail: "jenny.rosen@example.com", Currency: "USD", DedupeKey: "pi_3Nabc", Amount: 4900,
	Created: time.Unix(1732627200, 0).UTC(), Status: StatusApproved, Livemode: false,
	ClickIDSource: ClickIDClientReferenceID, ClickIDValid: true, Effect: EffectPayment, Recurrence: RecurrenceOneTime,
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
	"amount_decimal": "49.00", "currency": "USD", "dedupe_key": "pi_3Nabc", "effect": "payment",
	"recurrence": "one_time", "customer": nil, "subscription": nil, "invoice": nil, "charge": nil, "account": nil,
	"billing_reason": nil, "promotion_code": nil, "coupon": nil, "refund_id": nil, "amount_refunded": 0.0,
	"amount_refunded_decimal": "0.00",
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

// A subscription's renewal (API version 2024-06-20: the invoice still names its
// subscription, payment_intent and charge; the click id is in the metadata the
// subscription had when the invoice was made).
func renewalInvoice(overrides string) string {
	return `{"id": "in_1QRenew", "object": "invoice", "amount_due": 2900, "amount_paid": 2900, "currency": "eur",
		"status": "paid", "customer": "cus_R1aBc", "customer_email": "jenny.rosen@example.com",
		"payment_intent": "pi_3Renew", "charge": "ch_3Renew", "metadata": {},
		"discount": {"id": "di_1", "object": "discount", "coupon": {"id": "SPRING25", "object": "coupon"},
			"promotion_code": "promo_1Spring"},
		"subscription_details": {"metadata": {"click_id": "aff_42"}}, ` + overrides + `}`
}

func TestInvoicePaidRenewal(t *testing.T) {
	got, err := ParseConversion(stripeEvent("invoice.paid",
		renewalInvoice(`"billing_reason": "subscription_cycle", "subscription": "sub_1QSub"`), ""))
	want := Conversion{
		EventID: "evt_1Nconv", EventType: "invoice.paid", ObjectID: "in_1QRenew", ClickID: "aff_42",
		OrderID: "in_1QRenew", PaymentIntent: "pi_3Renew", CustomerEmail: "jenny.rosen@example.com",
		Currency: "EUR", DedupeKey: "in_1QRenew", Amount: 2900, Created: time.Unix(1732627200, 0).UTC(),
		Status: StatusApproved, ClickIDSource: ClickIDMetadata, ClickIDValid: true,
		Customer: "cus_R1aBc", Subscription: "sub_1QSub", Invoice: "in_1QRenew", Charge: "ch_3Renew",
		BillingReason: "subscription_cycle", PromotionCode: "promo_1Spring", Coupon: "SPRING25",
		Effect: EffectPayment, Recurrence: RecurrenceRenewal,
	}
	if err != nil || got != want {
		t.Errorf("got %+v, %v\nwant %+v", got, err, want)
	}
	for _, c := range []struct {
		eventType, invoice string
		want               Recurrence
	}{
		{"invoice.payment_succeeded", `"billing_reason": "subscription_create", "subscription": "sub_1QSub"`, RecurrenceFirst},
		{"invoice.paid", `"billing_reason": "subscription_update", "subscription": "sub_1QSub"`, RecurrenceRenewal},
		{"invoice.paid", `"billing_reason": "manual", "subscription": null`, RecurrenceOneTime},
	} {
		got, err := ParseConversion(stripeEvent(c.eventType, renewalInvoice(c.invoice), ""))
		if err != nil || got.Recurrence != c.want || got.Recurrence.String() != c.want.String() {
			t.Errorf("%s {%s}: recurrence %v, %v; want %v", c.eventType, c.invoice, got.Recurrence, err, c.want)
		}
	}
}

func refundObject(status string) string {
	return `{"id": "re_3Nabc", "object": "refund", "amount": 1500, "charge": "ch_3Nabc", "currency": "usd",
		"payment_intent": "pi_3Nabc", "reason": "requested_by_customer", "status": "` + status + `"}`
}

func TestRefundCreated(t *testing.T) {
	got, err := ParseConversion(stripeEvent("refund.created", refundObject("succeeded"), ""))
	want := Conversion{
		EventID: "evt_1Nconv", EventType: "refund.created", ObjectID: "re_3Nabc", OrderID: "pi_3Nabc",
		PaymentIntent: "pi_3Nabc", Currency: "USD", DedupeKey: "pi_3Nabc", Amount: 1500,
		Created: time.Unix(1732627200, 0).UTC(), Status: StatusApproved, Charge: "ch_3Nabc", RefundID: "re_3Nabc",
		AmountRefunded: 1500, Effect: EffectRefund, Recurrence: RecurrenceUnknown,
	}
	if err != nil || got != want {
		t.Errorf("got %+v, %v\nwant %+v", got, err, want)
	}
	if d, err := got.AmountRefundedDecimal(); d != "15.00" || err != nil {
		t.Errorf("AmountRefundedDecimal = %q, %v", d, err)
	}
	for status, refunded := range map[string]int64{"pending": 1500, "failed": 0, "canceled": 0} {
		got, err := ParseConversion(stripeEvent("refund.updated", refundObject(status), ""))
		if err != nil || got.Effect != EffectRefund || got.Amount != 1500 || got.AmountRefunded != refunded {
			t.Errorf("refund %s: %+v, %v; want amount_refunded %d", status, got, err, refunded)
		}
	}
}

func TestConnectChargeRefunded(t *testing.T) {
	for _, c := range []struct {
		refunded int64
		status   ConversionStatus
	}{{1500, StatusApproved}, {4900, StatusReversed}} {
		charge := fmt.Sprintf(`{"id": "ch_3Nabc", "object": "charge", "amount": 4900, "amount_captured": 4900,
			"amount_refunded": %d, "billing_details": {"email": "jenny.rosen@example.com"}, "currency": "usd",
			"customer": "cus_R1aBc", "metadata": {"click_id": "aff_42"}, "paid": true, "payment_intent": "pi_3Nabc",
			"refunded": %t, "status": "succeeded"}`, c.refunded, c.refunded == 4900)
		got, err := ParseConversion(stripeEvent("charge.refunded", charge, `, "account": "acct_1Conn"`))
		want := Conversion{
			EventID: "evt_1Nconv", EventType: "charge.refunded", ObjectID: "ch_3Nabc", ClickID: "aff_42",
			OrderID: "pi_3Nabc", PaymentIntent: "pi_3Nabc", CustomerEmail: "jenny.rosen@example.com",
			Currency: "USD", DedupeKey: "acct_1Conn/pi_3Nabc", Amount: 4900, Created: time.Unix(1732627200, 0).UTC(),
			Status: c.status, ClickIDSource: ClickIDMetadata, ClickIDValid: true, Customer: "cus_R1aBc",
			Charge: "ch_3Nabc", Account: "acct_1Conn", AmountRefunded: c.refunded, Effect: EffectRefund,
			Recurrence: RecurrenceUnknown,
		}
		if err != nil || got != want {
			t.Errorf("refunded %d: got %+v, %v\nwant %+v", c.refunded, got, err, want)
		}
	}
}

func TestDisputes(t *testing.T) {
	for _, c := range []struct {
		eventType, dispute string
		want               ConversionStatus
	}{
		{"charge.dispute.created", "needs_response", StatusReversed},
		{"charge.dispute.closed", "lost", StatusReversed},
		{"charge.dispute.closed", "won", StatusApproved},
		{"charge.dispute.closed", "warning_closed", StatusApproved},
	} {
		dispute := `{"id": "dp_1Nabc", "object": "dispute", "amount": 4900, "charge": "ch_3Nabc", "currency": "usd",
			"payment_intent": null, "reason": "fraudulent", "status": "` + c.dispute + `"}`
		got, err := ParseConversion(stripeEvent(c.eventType, dispute, ""))
		if err != nil || got.Effect != EffectDispute || got.Status != c.want || got.Amount != 4900 ||
			got.OrderID != "ch_3Nabc" || got.DedupeKey != "ch_3Nabc" || got.Charge != "ch_3Nabc" {
			t.Errorf("%s %s: %+v, %v", c.eventType, c.dispute, got, err)
		}
	}
}

func TestToJSONOfTheNewFields(t *testing.T) {
	refund := strings.Replace(strings.Replace(refundObject("succeeded"), `"amount": 1500`, `"amount": 1234`, 1),
		`"usd"`, `"kwd"`, 1)
	conversion, err := ParseConversion(stripeEvent("refund.created", refund, `, "account": "acct_1Conn"`))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := conversion.ToJSON()
	// After dedupe_key, in this order.
	want := `,"dedupe_key":"acct_1Conn/pi_3Nabc","effect":"refund","recurrence":"unknown","customer":null,` +
		`"subscription":null,"invoice":null,"charge":"ch_3Nabc","account":"acct_1Conn","billing_reason":null,` +
		`"promotion_code":null,"coupon":null,"refund_id":"re_3Nabc","amount_refunded":1234,` +
		`"amount_refunded_decimal":"1.234"}`
	if err != nil || !strings.HasSuffix(string(raw), want) {
		t.Errorf("ToJSON = %s, %v\nwant the suffix %s", raw, err, want)
	}
	// Between them, the two conversions carry every field ABI 2 added: each goes to C and back.
	renewal, err := ParseConversion(stripeEvent("invoice.paid",
		renewalInvoice(`"billing_reason": "subscription_cycle", "subscription": "sub_1QSub"`), ""))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = renewal.ToJSON()
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil || got["effect"] != "payment" || got["recurrence"] != "renewal" ||
		got["subscription"] != "sub_1QSub" || got["billing_reason"] != "subscription_cycle" ||
		got["promotion_code"] != "promo_1Spring" || got["coupon"] != "SPRING25" || got["customer"] != "cus_R1aBc" ||
		got["invoice"] != "in_1QRenew" {
		t.Errorf("ToJSON = %s, %v", raw, err)
	}
}
