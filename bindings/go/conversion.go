package clickref

/*
#include <clickref/clickref.h>
*/
import "C"

import (
	"fmt"
	"net/url"
	"time"
)

// ConversionStatus says what an event means for the affiliate's commission.
type ConversionStatus int

// The CLICKREF_CONVERSION_* values.
const (
	StatusApproved ConversionStatus = C.CLICKREF_CONVERSION_APPROVED
	StatusPending  ConversionStatus = C.CLICKREF_CONVERSION_PENDING
	StatusDeclined ConversionStatus = C.CLICKREF_CONVERSION_DECLINED
	StatusReversed ConversionStatus = C.CLICKREF_CONVERSION_REVERSED
)

// ClickIDSource says where a conversion's click id was found.
type ClickIDSource int

// The CLICKREF_CLICK_ID_* values.
const (
	ClickIDNone              ClickIDSource = C.CLICKREF_CLICK_ID_NONE
	ClickIDClientReferenceID ClickIDSource = C.CLICKREF_CLICK_ID_CLIENT_REFERENCE_ID // the Checkout Session's client_reference_id
	ClickIDMetadata          ClickIDSource = C.CLICKREF_CLICK_ID_METADATA            // metadata["click_id"]
)

// ConversionEffect says what an event tells about its purchase.
type ConversionEffect int

// The CLICKREF_EFFECT_* values.
const (
	EffectPayment ConversionEffect = C.CLICKREF_EFFECT_PAYMENT // the payment and its state: Amount is what was paid
	EffectRefund  ConversionEffect = C.CLICKREF_EFFECT_REFUND  // money returned: AmountRefunded
	EffectDispute ConversionEffect = C.CLICKREF_EFFECT_DISPUTE // a chargeback opened or closed
)

// Recurrence says which payment of what a purchase is. RecurrenceUnknown
// when the event cannot tell: a charge never says, an invoice payment names
// only its invoice.
type Recurrence int

// The CLICKREF_RECURRENCE_* values.
const (
	RecurrenceUnknown Recurrence = C.CLICKREF_RECURRENCE_UNKNOWN
	RecurrenceOneTime Recurrence = C.CLICKREF_RECURRENCE_ONE_TIME // payment-mode session; invoice outside a subscription
	RecurrenceFirst   Recurrence = C.CLICKREF_RECURRENCE_FIRST    // subscription-mode session; billing_reason subscription_create
	RecurrenceRenewal Recurrence = C.CLICKREF_RECURRENCE_RENEWAL  // every later invoice of a subscription
)

// Conversion is the one record an affiliate dashboard needs from a Stripe
// event. Absent strings are "". Events of the same purchase share a
// DedupeKey: upsert one row per key.
type Conversion struct {
	EventID       string
	EventType     string
	ObjectID      string
	ClickID       string
	OrderID       string // the purchase id, the same in every event that knows it (see clickref.h)
	PaymentIntent string
	PaymentLink   string
	CustomerEmail string
	Currency      string    // upper-case ISO 4217
	DedupeKey     string    // OrderID; "<account>/<order_id>" for a Connect event
	Amount        int64     // minor units, as Stripe sends them
	Created       time.Time // event.created
	Status        ConversionStatus
	Livemode      bool
	ClickIDSource ClickIDSource
	ClickIDValid  bool // the click id matches Stripe's [A-Za-z0-9_-]{1,200}
	// ABI 2: the ids that link a purchase's events and a subscription's
	// renewals, the discount redeemed, and refunds as amounts.
	Customer       string
	Subscription   string
	Invoice        string
	Charge         string
	Account        string // the connected account of a Connect event
	BillingReason  string // an invoice's, as Stripe sends it
	PromotionCode  string // "promo_…" the buyer redeemed
	Coupon         string
	RefundID       string // "re_…" of a refund.* or charge.refund.* event
	AmountRefunded int64  // charge.refunded: the charge's total refunded; a refund event: that refund
	Effect         ConversionEffect
	Recurrence     Recurrence
}

// ParseConversion returns the conversion of a Stripe event (a webhook body).
// It does not check the signature: use ConstructEvent on untrusted input.
// Errors match ErrJSON, ErrJSONTooDeep, ErrNotAnEvent, ErrBadField (with
// Offset when known) or ErrUnsupportedEvent.
func ParseConversion(payload []byte) (Conversion, error) {
	p, pn := cBytes(payload)
	var event *C.clickref_event
	var detail C.clickref_error
	if err := checkDetail(C.clickref_event_parse(p, pn, &event, &detail), &detail); err != nil {
		return Conversion{}, err
	}
	defer C.clickref_event_free(event)
	var rec C.clickref_conversion
	if err := check(C.clickref_event_conversion(event, &rec)); err != nil {
		return Conversion{}, err
	}
	return conversionFromC(&rec), nil // copies every string before the event is freed
}

// ConstructEvent verifies a webhook delivery and returns its conversion: what
// a receiver does with every request (named after stripe-go's
// webhook.ConstructEvent). Errors are those of VerifySignature and
// ParseConversion.
func ConstructEvent(payload []byte, header string, secrets []string, opts ...VerifyOption) (Conversion, error) {
	if err := VerifySignature(payload, header, secrets, opts...); err != nil {
		return Conversion{}, err
	}
	return ParseConversion(payload)
}

func goString(s C.clickref_str) string { return C.GoStringN(s.data, C.int(s.len)) }

func conversionFromC(r *C.clickref_conversion) Conversion {
	return Conversion{
		EventID:       goString(r.event_id),
		EventType:     goString(r.event_type),
		ObjectID:      goString(r.object_id),
		ClickID:       goString(r.click_id),
		OrderID:       goString(r.order_id),
		PaymentIntent: goString(r.payment_intent),
		PaymentLink:   goString(r.payment_link),
		CustomerEmail: goString(r.customer_email),
		Currency:      goString(r.currency),
		DedupeKey:     goString(r.dedupe_key),
		Amount:        int64(r.amount),
		Created:       time.Unix(int64(r.created), 0).UTC(),
		Status:        ConversionStatus(r.status),
		Livemode:      r.livemode != 0,
		ClickIDSource: ClickIDSource(r.click_id_source),
		ClickIDValid:  r.click_id_valid != 0,

		Customer:       goString(r.customer),
		Subscription:   goString(r.subscription),
		Invoice:        goString(r.invoice),
		Charge:         goString(r.charge),
		Account:        goString(r.account),
		BillingReason:  goString(r.billing_reason),
		PromotionCode:  goString(r.promotion_code),
		Coupon:         goString(r.coupon),
		RefundID:       goString(r.refund_id),
		AmountRefunded: int64(r.amount_refunded),
		Effect:         ConversionEffect(r.effect),
		Recurrence:     Recurrence(r.recurrence),
	}
}

// withC runs call with the C record of c. The strings live in one C
// allocation for the duration of the call ("" is passed as absent).
func (c Conversion) withC(call func(*C.clickref_conversion) error) error {
	fields := []string{c.EventID, c.EventType, c.ObjectID, c.ClickID, c.OrderID, c.PaymentIntent, c.PaymentLink,
		c.CustomerEmail, c.Currency, c.DedupeKey, c.Customer, c.Subscription, c.Invoice, c.Charge, c.Account,
		c.BillingReason, c.PromotionCode, c.Coupon, c.RefundID}
	strs, err := newCStrings(fields)
	if err != nil {
		return err
	}
	defer strs.free()
	rec := C.clickref_conversion{
		event_id: strs.str(0), event_type: strs.str(1), object_id: strs.str(2), click_id: strs.str(3),
		order_id: strs.str(4), payment_intent: strs.str(5), payment_link: strs.str(6), customer_email: strs.str(7),
		currency: strs.str(8), dedupe_key: strs.str(9),
		amount: C.int64_t(c.Amount), created: C.int64_t(c.Created.Unix()), status: C.int32_t(c.Status),
		livemode: cBool(c.Livemode), click_id_source: C.int32_t(c.ClickIDSource), click_id_valid: cBool(c.ClickIDValid),
		customer: strs.str(10), subscription: strs.str(11), invoice: strs.str(12), charge: strs.str(13),
		account: strs.str(14), billing_reason: strs.str(15), promotion_code: strs.str(16), coupon: strs.str(17),
		refund_id: strs.str(18), amount_refunded: C.int64_t(c.AmountRefunded), effect: C.int32_t(c.Effect),
		recurrence: C.int32_t(c.Recurrence),
	}
	return call(&rec)
}

func cBool(b bool) C.int32_t {
	if b {
		return 1
	}
	return 0
}

// ToJSON returns the conversion as one JSON object, exactly as the C library
// writes it (amount_decimal and amount_refunded_decimal included).
func (c Conversion) ToJSON() ([]byte, error) {
	var out []byte
	err := c.withC(func(rec *C.clickref_conversion) (err error) {
		out, err = callWithOutput(1024, func(o *C.char, capacity C.size_t, outLen *C.size_t) C.clickref_status {
			return C.clickref_conversion_to_json(rec, o, capacity, outLen)
		})
		return err
	})
	return out, err
}

// MarshalJSON makes encoding/json write the library's JSON for a Conversion.
func (c Conversion) MarshalJSON() ([]byte, error) { return c.ToJSON() }

// AmountDecimal returns the amount in major units with the currency's
// exponent, e.g. "19.99".
func (c Conversion) AmountDecimal() (string, error) { return FormatAmount(c.Amount, c.Currency) }

// AmountRefundedDecimal returns AmountRefunded as AmountDecimal does Amount.
func (c Conversion) AmountRefundedDecimal() (string, error) {
	return FormatAmount(c.AmountRefunded, c.Currency)
}

// PostbackURL builds a Tracknow server-to-server postback URL for the
// conversion: <base>?click_id=…&order_id=…&amount=…&currency=…&<params>.
// A conversion without click id returns ErrNotFound.
func (c Conversion) PostbackURL(base string, params url.Values) (string, error) {
	b, bn := cString(base)
	e, en := cString(params.Encode())
	var out []byte
	err := c.withC(func(rec *C.clickref_conversion) (err error) {
		out, err = callWithOutput(len(base)+int(en)+512, func(o *C.char, capacity C.size_t, outLen *C.size_t) C.clickref_status {
			return C.clickref_postback_url(rec, b, bn, e, en, o, capacity, outLen)
		})
		return err
	})
	return string(out), err
}

// FormatAmount renders an amount in minor units as a decimal string with
// Stripe's exponent for the currency (case-insensitive): (1999, "usd") →
// "19.99", (500, "JPY") → "500", (1234, "KWD") → "1.234".
func FormatAmount(amount int64, currency string) (string, error) {
	cur, curn := cString(currency)
	out, err := callWithOutput(32, func(o *C.char, capacity C.size_t, outLen *C.size_t) C.clickref_status {
		return C.clickref_format_amount(C.int64_t(amount), cur, curn, o, capacity, outLen)
	})
	return string(out), err
}

// String returns "approved", "pending", "declined" or "reversed", as in the JSON.
func (s ConversionStatus) String() string {
	switch s {
	case StatusApproved:
		return "approved"
	case StatusPending:
		return "pending"
	case StatusDeclined:
		return "declined"
	case StatusReversed:
		return "reversed"
	}
	return fmt.Sprintf("ConversionStatus(%d)", int(s))
}

// String returns "payment", "refund" or "dispute", as in the JSON.
func (e ConversionEffect) String() string {
	switch e {
	case EffectPayment:
		return "payment"
	case EffectRefund:
		return "refund"
	case EffectDispute:
		return "dispute"
	}
	return fmt.Sprintf("ConversionEffect(%d)", int(e))
}

// String returns "unknown", "one_time", "first" or "renewal", as in the JSON.
func (r Recurrence) String() string {
	switch r {
	case RecurrenceUnknown:
		return "unknown"
	case RecurrenceOneTime:
		return "one_time"
	case RecurrenceFirst:
		return "first"
	case RecurrenceRenewal:
		return "renewal"
	}
	return fmt.Sprintf("Recurrence(%d)", int(r))
}
