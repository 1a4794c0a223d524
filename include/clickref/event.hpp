// clickref/event.hpp — Stripe events and the conversions they yield, C++ API.
//
// The C equivalents are clickref_event_parse, clickref_event_conversion,
// clickref_conversion_to_json, clickref_format_amount and
// clickref_postback_url in clickref.h; the rules are the same.
//
//   clickref::event_parser parser;          // one per thread, reused
//   clickref::event ev;                     // reused too: its memory is kept
//   if (status s = parser.parse(body, ev); s != CLICKREF_OK) return s;
//   auto c = clickref::to_conversion(ev);
//   if (!c) return c.error();               // CLICKREF_E_UNSUPPORTED_EVENT: nothing to record
//   upsert(c->dedupe_key, *c);
//
// Every string_view below borrows from the event it came from: it stays
// valid until that event is destroyed or parsed into again. Moving the event
// keeps it valid (the event's memory is on the heap and moves with it).
#pragma once

#include <clickref/status.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace clickref {

// ---------------------------------------------------------------- typed views of data.object

// One entry of a Stripe object's `metadata`.
struct metadata_entry {
  std::string_view key;
  std::string_view value;
};

// A Stripe object's `metadata`, sorted by key. Keys are unique: the parser
// rejects an object whose metadata repeats one.
class metadata_view {
 public:
  metadata_view() noexcept = default;
  metadata_view(const metadata_entry* sorted, size_t size) noexcept : entries_(sorted), size_(size) {}

  const metadata_entry* begin() const noexcept { return entries_; }
  const metadata_entry* end() const noexcept { return entries_ + size_; }
  size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  // The value stored under `key`, or nullopt when there is none.
  CLICKREF_API std::optional<std::string_view> find(std::string_view key) const noexcept;

 private:
  const metadata_entry* entries_ = nullptr;
  size_t size_ = 0;
};

// The promotion code and coupon of a session's or invoice's first discount.
// Both are ids ("promo_…", the coupon's own id), whether Stripe sent ids or
// expanded objects; the code a buyer typed is only in an expanded
// promotion code, which webhooks do not send.
struct discount_view {
  std::optional<std::string_view> promotion_code;
  std::optional<std::string_view> coupon;  // discount.coupon, or discount.source.coupon (clover)
};

// The fields of a Checkout Session (`"object": "checkout.session"`) that
// attribution needs. nullopt is an absent or null field. Expandable fields
// (payment_intent, customer, …) hold the id whether Stripe sent the id or
// the expanded object.
struct checkout_session_view {
  std::string_view id;
  std::string_view mode;                   // "payment", "subscription" or "setup"
  std::string_view payment_status;         // "paid", "unpaid" or "no_payment_required"
  std::optional<std::string_view> status;  // "open", "complete" or "expired"
  std::optional<std::string_view> client_reference_id;
  // Present unless mode is "setup" (the parser rejects a session that takes
  // payment without them). Currency as Stripe sends it: lower-case ISO 4217.
  std::optional<int64_t> amount_total;
  std::optional<int64_t> amount_subtotal;
  std::optional<std::string_view> currency;
  std::optional<std::string_view> customer_details_email;  // customer_details.email
  std::optional<std::string_view> customer_email;          // the e-mail the session was created with
  std::optional<std::string_view> payment_intent;
  std::optional<std::string_view> payment_link;
  std::optional<std::string_view> subscription;
  std::optional<std::string_view> invoice;
  std::optional<std::string_view> customer;
  std::optional<int64_t> amount_discount;  // total_details.amount_discount
  std::optional<int64_t> amount_tax;       // total_details.amount_tax
  discount_view discount;                  // discounts[0]: what the buyer redeemed
  metadata_view metadata;
};

// The fields of a Charge (`"object": "charge"`) that attribution needs.
struct charge_view {
  std::string_view id;
  int64_t amount = 0;
  std::optional<int64_t> amount_captured;  // absent in events of older API versions
  int64_t amount_refunded = 0;
  std::string_view currency;                       // lower-case ISO 4217, as Stripe sends it
  std::optional<std::string_view> payment_intent;  // absent on charges older than PaymentIntents
  std::optional<std::string_view> invoice;
  std::optional<std::string_view> customer;
  std::optional<std::string_view> billing_details_email;  // billing_details.email
  std::optional<std::string_view> receipt_email;
  std::optional<std::string_view> status;  // "succeeded", "pending" or "failed"
  std::optional<bool> paid;
  std::optional<bool> refunded;
  metadata_view metadata;
};

// The fields of a Dispute (`"object": "dispute"`) that attribution needs.
struct dispute_view {
  std::string_view id;
  int64_t amount = 0;
  std::string_view currency;
  std::optional<std::string_view> charge;
  std::optional<std::string_view> payment_intent;
  std::optional<std::string_view> status;  // "needs_response", …, "won", "lost", "warning_closed"
};

// The fields of an Invoice (`"object": "invoice"`) that attribution needs.
// Stripe moved several in API version 2025-03-31.basil; the view reads both
// shapes:
//   subscription     `subscription` before basil, then
//                    `parent.subscription_details.subscription`
//   payment_intent,  top-level before basil; from basil on they are gone,
//   charge           and only an invoice_payment.paid event links an
//                    invoice to its payment
//   metadata         the invoice's own `metadata`
//   subscription_metadata  `subscription_details.metadata` before basil,
//                    `parent.subscription_details.metadata` after: the
//                    subscription's metadata when the invoice was made
struct invoice_view {
  std::string_view id;
  int64_t amount_paid = 0;
  std::optional<int64_t> amount_due;
  std::string_view currency;
  std::optional<std::string_view> status;          // "draft", "open", "paid", "uncollectible", "void"
  std::optional<std::string_view> billing_reason;  // "subscription_create", "subscription_cycle", …
  std::optional<std::string_view> customer;
  std::optional<std::string_view> customer_email;
  std::optional<std::string_view> subscription;
  std::optional<std::string_view> payment_intent;
  std::optional<std::string_view> charge;
  discount_view discount;  // discounts[0] when expanded, else the legacy `discount`
  metadata_view metadata;
  metadata_view subscription_metadata;
};

// The fields of an InvoicePayment (`"object": "invoice_payment"`, API version
// 2025-05-28.basil and later): the one object naming both an invoice and the
// payment that paid it.
struct invoice_payment_view {
  std::string_view id;
  std::string_view invoice;
  std::optional<int64_t> amount_paid;
  std::string_view currency;
  std::optional<std::string_view> status;          // "open", "paid", "canceled"
  std::optional<std::string_view> payment_intent;  // payment.payment_intent
  std::optional<std::string_view> charge;          // payment.charge (payments outside PaymentIntents)
};

// The fields of a Refund (`"object": "refund"`) that attribution needs.
struct refund_view {
  std::string_view id;
  int64_t amount = 0;
  std::string_view currency;
  std::optional<std::string_view> status;  // "pending", "requires_action", "succeeded", "failed", "canceled"
  std::optional<std::string_view> charge;
  std::optional<std::string_view> payment_intent;
};

// ---------------------------------------------------------------- events

namespace detail {
struct event_state;
struct event_access;
}  // namespace detail

// A parsed Stripe Event (API v1 "snapshot" event). It owns a copy of the
// payload and everything its views point to. Default-constructed or after
// a failed parse it is empty: every accessor returns an empty value.
class CLICKREF_API event {
 public:
  event() noexcept;
  event(event&&) noexcept;
  event& operator=(event&&) noexcept;
  ~event();

  // False until a parse into this event succeeds.
  bool has_value() const noexcept;

  std::string_view id() const noexcept;    // "evt_…"
  std::string_view type() const noexcept;  // "checkout.session.completed", …
  int64_t created() const noexcept;        // seconds since the epoch
  bool livemode() const noexcept;
  std::optional<std::string_view> api_version() const noexcept;
  std::optional<std::string_view> account() const noexcept;  // Connect events only
  // `request.id`, or the whole of `request` in events older than API version
  // 2017-05-25, where it is a bare string. nullopt for automatic events.
  std::optional<std::string_view> request_id() const noexcept;
  std::optional<std::string_view> idempotency_key() const noexcept;

  // data.object's `object` ("checkout.session", "charge", "invoice", …) and `id`.
  std::string_view object_type() const noexcept;
  std::optional<std::string_view> object_id() const noexcept;

  // The typed view of data.object, or nullptr when it is another object.
  const checkout_session_view* checkout_session() const noexcept;
  const charge_view* charge() const noexcept;
  const dispute_view* dispute() const noexcept;
  const invoice_view* invoice() const noexcept;
  const invoice_payment_view* invoice_payment() const noexcept;
  const refund_view* refund() const noexcept;

  // The event's own copy of the payload, byte for byte.
  std::string_view payload() const noexcept;

 private:
  friend class event_parser;
  friend struct detail::event_access;
  std::unique_ptr<detail::event_state> state_;
};

// Parses Stripe events. It keeps its working memory between calls, so reuse
// one per thread; it is not thread-safe itself. (Memory grown for a payload
// over 1 MiB is released after that parse.)
class CLICKREF_API event_parser {
 public:
  event_parser() noexcept;
  event_parser(event_parser&&) noexcept;
  event_parser& operator=(event_parser&&) noexcept;
  ~event_parser();

  // Parses `payload` into `out`, reusing out's memory. `out` is empty unless
  // this returns CLICKREF_OK — a failed parse never leaves part of an event.
  //   CLICKREF_E_JSON           not JSON: malformed, truncated, empty, a NUL
  //                             byte, invalid UTF-8 or a bad escape
  //   CLICKREF_E_JSON_TOO_DEEP  nested deeper than 64 arrays and objects
  //   CLICKREF_E_NOT_AN_EVENT   JSON, but not a v1 Event: no "object": "event"
  //                             (a v2 thin event has "v2.core.event"), or no
  //                             id, type, created, livemode or data.object
  //   CLICKREF_E_BAD_FIELD      a field clickref reads has the wrong JSON type,
  //                             a number beyond int64, an impossible value
  //                             (currency not three letters, data.object not
  //                             the object the type implies, a paying session
  //                             without amount_total or currency), or appears
  //                             twice in its object (duplicate keys are
  //                             rejected, never resolved first- or last-wins);
  //                             also a number anywhere beyond 64 bits
  //   CLICKREF_E_INVALID_ARGUMENT  a payload of 4 GiB or more
  // `err`, when given, also receives the byte offset of the problem when it
  // is known (invalid UTF-8, bad numbers).
  status parse(std::string_view payload, event& out, clickref_error* err = nullptr);

  // The same, into a new event.
  result<event> parse(std::string_view payload, clickref_error* err = nullptr);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Parses one event with the calling thread's parser, kept between calls
// (the C ABI's clickref_event_parse parses through here). The event never
// borrows from the parser. A caller that also reuses one event (the
// event_parser::parse above, into it) saves allocating the event too.
CLICKREF_API result<event> parse_event(std::string_view payload, clickref_error* err = nullptr);

// ---------------------------------------------------------------- conversions

enum class conversion_status : int32_t {
  approved = CLICKREF_CONVERSION_APPROVED,
  pending = CLICKREF_CONVERSION_PENDING,
  declined = CLICKREF_CONVERSION_DECLINED,
  reversed = CLICKREF_CONVERSION_REVERSED,
};

enum class click_id_source : int32_t {
  none = CLICKREF_CLICK_ID_NONE,
  client_reference_id = CLICKREF_CLICK_ID_CLIENT_REFERENCE_ID,
  metadata = CLICKREF_CLICK_ID_METADATA,
};

// What an event tells about its purchase.
enum class conversion_effect : int32_t {
  payment = CLICKREF_EFFECT_PAYMENT,  // the payment and its state; amount is what was paid
  refund = CLICKREF_EFFECT_REFUND,    // money returned: amount_refunded
  dispute = CLICKREF_EFFECT_DISPUTE,  // a chargeback opened (reversed) or closed (lost: reversed, won: approved)
};

// Whether the purchase is a one-time payment or which payment of a
// subscription it is. unknown when the event cannot tell: a charge never
// says, and an invoice payment names only its invoice.
enum class recurrence : int32_t {
  unknown = CLICKREF_RECURRENCE_UNKNOWN,
  one_time = CLICKREF_RECURRENCE_ONE_TIME,  // a payment-mode session, an invoice outside subscriptions
  first = CLICKREF_RECURRENCE_FIRST,        // a subscription-mode session; billing_reason subscription_create
  renewal = CLICKREF_RECURRENCE_RENEWAL,    // any later invoice of a subscription (cycle, update, threshold)
};

// The record an affiliate dashboard keeps per purchase; the C struct
// clickref_conversion field for field. Optional fields are nullopt when
// absent (never empty strings).
//
// A purchase is one payment: a one-time payment (its PaymentIntent) or one
// invoice of a subscription. Its events agree on the purchase id that
// order_id holds, whichever of them carries it:
//   checkout.session.*  payment_intent, else invoice (subscriptions), else the session
//   charge.*            invoice, else payment_intent, else the charge
//   invoice.*           the invoice
//   invoice_payment.*   its invoice
//   refund.*            payment_intent, else charge, else the refund
//   charge.dispute.*    payment_intent, else charge, else the dispute
// Two events cannot agree where one of them does not know the other's id.
// From API version 2025-03-31.basil on, a charge, refund or dispute of an
// invoice names only its payment_intent and charge, never the invoice: link
// them with the invoice_payment.paid event (2025-05-28.basil on), which names
// both (the reference server keeps that link). On 2025-03-31.basil to
// 2025-05-27.basil nothing links them: such a charge is not a sale of its
// own, and cannot be joined to its invoice. Before basil the invoice names
// its payment_intent and charge itself.
struct conversion {
  std::string_view event_id;
  std::string_view event_type;
  std::string_view object_id;
  std::optional<std::string_view> click_id;
  std::string_view order_id;  // the purchase id (above)
  std::optional<std::string_view> payment_intent;
  std::optional<std::string_view> payment_link;
  std::optional<std::string_view> customer_email;
  std::string_view currency;    // upper-case ISO 4217
  std::string_view dedupe_key;  // order_id; "<account>/<order_id>" for a Connect event
  int64_t amount = 0;           // minor units, as Stripe sends them (see effect)
  int64_t created = 0;          // event.created
  conversion_status status = conversion_status::approved;
  bool livemode = false;
  click_id_source source = click_id_source::none;
  bool click_id_valid = false;  // click_id matches Stripe's [A-Za-z0-9_-]{1,200}
  // ---- ABI 2
  // The ids a host needs to link the events of a purchase, and a
  // subscription's renewals to the click that bought it.
  std::optional<std::string_view> customer;
  std::optional<std::string_view> subscription;
  std::optional<std::string_view> invoice;
  std::optional<std::string_view> charge;
  std::optional<std::string_view> account;         // the connected account of a Connect event
  std::optional<std::string_view> billing_reason;  // an invoice's, as Stripe sends it
  std::optional<std::string_view> promotion_code;  // "promo_…" the buyer redeemed
  std::optional<std::string_view> coupon;
  std::optional<std::string_view> refund_id;       // "re_…" of a refund.* or charge.refund.* event
  // charge.refunded: everything refunded on the charge so far; a refund
  // event: that refund (0 once it failed or was canceled). 0 otherwise.
  int64_t amount_refunded = 0;
  conversion_effect effect = conversion_effect::payment;
  clickref::recurrence recurrence = recurrence::unknown;
};

struct conversion_options {
  // The metadata key that carries the click id when the object has no
  // client_reference_id (charges never do). Set it on the PaymentIntent
  // (payment_intent_data.metadata) and Stripe copies it to the charge.
  std::string_view metadata_key = "click_id";
};

// Maps the event to its conversion (the table in clickref.h):
//   checkout.session.completed          paid, no_payment_required → approved;
//                                       unpaid → pending       amount_total
//   checkout.session.async_payment_succeeded → approved        amount_total
//   checkout.session.async_payment_failed    → declined        amount_total
//   charge.succeeded                    approved   amount_captured if > 0, else amount
//   invoice.paid, invoice.payment_succeeded   approved   amount_paid
//   invoice_payment.paid                approved   amount_paid
//   charge.refunded                     refund     reversed when all of it is refunded, else
//                                                  approved; amount as charge.succeeded,
//                                                  amount_refunded the charge's total
//   refund.created, refund.updated,     refund     approved; amount and amount_refunded the
//   charge.refund.updated                          refund's (amount_refunded 0 when it failed
//                                                  or was canceled)
//   charge.dispute.created              dispute    reversed   the dispute's amount
//   charge.dispute.closed               dispute    lost → reversed; won, warning_closed →
//                                                  approved   the dispute's amount
// The click id is the session's client_reference_id when non-empty, else
// metadata[options.metadata_key] when non-empty: the object's metadata, and
// for an invoice then its subscription's. Refunds and disputes carry none.
// An id Stripe would not accept is still reported, with click_id_valid false.
// CLICKREF_E_UNSUPPORTED_EVENT for every other type, for sessions in setup
// mode, for a session with a payment_status Stripe has not documented, a
// dispute closed with a status Stripe has not documented, and for an empty
// event.
CLICKREF_API result<conversion> to_conversion(const event& ev, const conversion_options& options = {});
// A conversion borrows from its event, so converting a temporary event
// (to_conversion(*parser.parse(body)), say) would leave it dangling: that
// does not compile. Keep the event in a variable.
result<conversion> to_conversion(const event&& ev, const conversion_options& options = {}) = delete;

// Appends the conversion as one JSON object, without a newline:
//   {"event_id":…,"event_type":…,"livemode":…,"created":…,"status":"approved",
//    "click_id":…,"click_id_source":"client_reference_id"|"metadata"|null,
//    "click_id_valid":…,"order_id":…,"object_id":…,"payment_intent":…,
//    "payment_link":…,"customer_email":…,"amount":…,"amount_decimal":"49.00",
//    "currency":…,"dedupe_key":…}
// Absent optional strings are null. Strings are escaped for any bytes: invalid
// UTF-8 becomes U+FFFD. CLICKREF_E_INVALID_ARGUMENT (and nothing appended)
// for a status or source outside the enums, or a currency that is not three
// ASCII letters.
CLICKREF_API status append_json(const conversion& c, std::string& out);
CLICKREF_API result<std::string> to_json(const conversion& c);

// Appends `s` as a JSON string literal, quotes included: `"` `\` and control
// characters escaped, invalid UTF-8 replaced by U+FFFD (one per maximal
// invalid subsequence, as the WHATWG decoder does). For writing records
// beside to_json's with the same escaping.
CLICKREF_API void append_json_string(std::string& out, std::string_view s);

// Appends `amount` (minor units) as a decimal string with Stripe's exponent
// for `currency` (three ASCII letters, any case): 0 decimals for BIF CLP DJF
// GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF, 3 for BHD JOD KWD OMR
// TND, 2 for every other currency (ISK included: Stripe sends it ×100).
// Negative amounts keep their sign; INT64_MIN is exact. CLICKREF_E_INVALID_ARGUMENT
// (and nothing appended) for a malformed currency.
CLICKREF_API status append_amount(int64_t amount, std::string_view currency, std::string& out);
CLICKREF_API result<std::string> format_amount(int64_t amount, std::string_view currency);

// Appends a Tracknow server-to-server postback URL:
//   <base>?click_id=…&order_id=…&amount=<decimal>&currency=<ISO>&<extra_query>
// Values are percent-encoded as encodeURIComponent does. When base already
// has a query the parameters follow it after `&` (after nothing when it ends
// in `?` or `&`); a fragment in base stays at the end. extra_query
// ("campaign_id=7&goal=sale") is appended as given, so encode its values
// yourself.
//   CLICKREF_E_NOT_FOUND      the conversion has no click id: a postback
//                             without one cannot be attributed
//   CLICKREF_E_INVALID_URL    base is not an http(s) URL, or base or
//                             extra_query holds a space, a control or
//                             non-ASCII byte (or extra_query a `#`)
//   CLICKREF_E_INVALID_ARGUMENT  the currency is not three ASCII letters
// Nothing is appended on failure.
CLICKREF_API status append_postback_url(const conversion& c, std::string_view base,
                                        std::string_view extra_query, std::string& out);
CLICKREF_API result<std::string> postback_url(const conversion& c, std::string_view base,
                                              std::string_view extra_query = {});

}  // namespace clickref
