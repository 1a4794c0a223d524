// Invoices, invoice payments, refunds and closed disputes: their views in
// every API version's shape, their conversions, and their bad input. The
// events are written by hand, trimmed to the fields that matter; the full
// shapes per version are in tests/data/stripe_versions.
#include <clickref/event.hpp>

#include "../catch.hpp"
#include "event_fixtures.hpp"

#include <string>
#include <vector>

using namespace clickref;
using clickref::test::edited;
using clickref::test::parsed;

namespace {

std::string envelope(const std::string& type, const std::string& object, const std::string& extra = "") {
  return R"({"id":"evt_b1","object":"event","api_version":"2025-06-30.basil","created":1750000000,)"
         R"("livemode":false,)" +
         extra + R"("type":")" + type + R"(","data":{"object":)" + object + "}}";
}

// A renewal invoice as API versions before 2025-03-31.basil send it.
const std::string kInvoicePreBasil =
    R"({"id":"in_pre","object":"invoice","amount_paid":4900,"amount_due":4900,"currency":"usd",)"
    R"("status":"paid","billing_reason":"subscription_cycle","customer":"cus_1","customer_email":"a@example.com",)"
    R"("subscription":"sub_1","payment_intent":"pi_pre","charge":"ch_pre","metadata":{},)"
    R"("subscription_details":{"metadata":{"click_id":"clk_sub"}},)"
    R"("discount":{"object":"discount","coupon":{"id":"SUMMER","object":"coupon"},"promotion_code":"promo_1"},)"
    R"("discounts":["di_1"]})";

// The same from basil on: the subscription under parent, no payment ids, and
// an expanded discount whose coupon is under source (clover).
const std::string kInvoiceBasil =
    R"({"id":"in_basil","object":"invoice","amount_paid":2900,"currency":"eur","status":"paid",)"
    R"("billing_reason":"subscription_create","customer":{"id":"cus_2","object":"customer"},)"
    R"("parent":{"type":"subscription_details","subscription_details":{"subscription":"sub_2",)"
    R"("metadata":{"click_id":"clk_parent","plan":"pro"}}},"metadata":{"note":"x"},)"
    R"("discounts":[{"object":"discount","source":{"type":"coupon","coupon":"HALF"},)"
    R"("promotion_code":{"id":"promo_2","object":"promotion_code"}}]})";

const std::string kInvoicePayment =
    R"({"id":"inpay_1","object":"invoice_payment","invoice":"in_basil","amount_paid":2900,"currency":"eur",)"
    R"("status":"paid","payment":{"type":"payment_intent","payment_intent":"pi_basil"}})";

const std::string kRefund =
    R"({"id":"re_1","object":"refund","amount":1500,"currency":"usd","status":"succeeded",)"
    R"("charge":"ch_pre","payment_intent":"pi_pre"})";

const std::string kDispute =
    R"({"id":"du_1","object":"dispute","amount":4900,"currency":"usd","charge":"ch_1",)"
    R"("payment_intent":"pi_1","status":"won"})";

// A conversion with the event it borrows from: keep the pair, not `.c`
// alone, beyond one full-expression.
struct converted_event {
  event ev;
  conversion c;
};

converted_event converted(const std::string& json) {
  converted_event out{parsed(json), {}};
  auto c = to_conversion(out.ev);
  INFO(status_name(c.error()));
  REQUIRE(c.ok());
  out.c = *c;
  return out;
}

status parse_status(const std::string& json) { return parse_event(json).error(); }

// Whether the event parses and yields no conversion.
bool unsupported(const std::string& json) {
  const event ev = parsed(json);
  return to_conversion(ev).error() == CLICKREF_E_UNSUPPORTED_EVENT;
}

}  // namespace

TEST_CASE("an invoice before basil: top-level subscription, payment ids and legacy discount", "[event][billing]") {
  const event ev = parsed(envelope("invoice.paid", kInvoicePreBasil));
  const invoice_view* in = ev.invoice();
  REQUIRE(in != nullptr);
  CHECK(ev.charge() == nullptr);
  CHECK(in->id == "in_pre");
  CHECK(in->amount_paid == 4900);
  CHECK(in->amount_due == 4900);
  CHECK(in->currency == "usd");
  CHECK(in->billing_reason == "subscription_cycle");
  CHECK(in->subscription == "sub_1");
  CHECK(in->payment_intent == "pi_pre");
  CHECK(in->charge == "ch_pre");
  CHECK(in->discount.coupon == "SUMMER");           // the legacy `discount`: discounts holds ids only
  CHECK(in->discount.promotion_code == "promo_1");
  CHECK(in->metadata.empty());
  CHECK(in->subscription_metadata.find("click_id") == "clk_sub");

  const converted_event c_event = converted(envelope("invoice.paid", kInvoicePreBasil));

  const conversion& c = c_event.c;
  CHECK(c.order_id == "in_pre");
  CHECK(c.dedupe_key == "in_pre");
  CHECK(c.invoice == "in_pre");
  CHECK(c.payment_intent == "pi_pre");
  CHECK(c.charge == "ch_pre");
  CHECK(c.subscription == "sub_1");
  CHECK(c.customer == "cus_1");
  CHECK(c.customer_email == "a@example.com");
  CHECK(c.recurrence == recurrence::renewal);
  CHECK(c.billing_reason == "subscription_cycle");
  CHECK(c.effect == conversion_effect::payment);
  CHECK(c.status == conversion_status::approved);
  CHECK(c.amount == 4900);
  CHECK(c.currency == "USD");
  CHECK(c.click_id == "clk_sub");
  CHECK(c.source == click_id_source::metadata);
  CHECK(c.promotion_code == "promo_1");
  CHECK(c.coupon == "SUMMER");
}

TEST_CASE("an invoice from basil on: parent.subscription_details and source.coupon", "[event][billing]") {
  for (const char* type : {"invoice.paid", "invoice.payment_succeeded"}) {
    CAPTURE(type);
    const converted_event got = converted(envelope(type, kInvoiceBasil));
    const invoice_view* in = got.ev.invoice();
    REQUIRE(in != nullptr);
    // Two metadata objects, each its own view.
    CHECK(in->metadata.size() == 1);
    CHECK(in->metadata.find("note") == "x");
    CHECK(in->metadata.find("click_id") == std::nullopt);
    CHECK(in->subscription_metadata.size() == 2);
    CHECK(in->subscription_metadata.find("plan") == "pro");
    const conversion& c = got.c;
    CHECK(c.subscription == "sub_2");
    CHECK(c.customer == "cus_2");
    CHECK(c.payment_intent == std::nullopt);
    CHECK(c.charge == std::nullopt);
    CHECK(c.recurrence == recurrence::first);
    CHECK(c.click_id == "clk_parent");
    CHECK(c.promotion_code == "promo_2");
    CHECK(c.coupon == "HALF");
    CHECK(c.amount == 2900);
  }
  // The invoice's own metadata wins over the subscription's snapshot.
  const converted_event own_event = converted(envelope("invoice.paid", edited(kInvoiceBasil, R"("note":"x")",
                                                                    R"("click_id":"clk_own")")));
  const conversion& own = own_event.c;
  CHECK(own.click_id == "clk_own");
  // An invoice outside any subscription is a one-time purchase.
  const std::string one_off = edited(edited(kInvoicePreBasil, R"("subscription":"sub_1",)", ""),
                                     R"("billing_reason":"subscription_cycle")", R"("billing_reason":"manual")");
  CHECK(converted(envelope("invoice.paid", one_off)).c.recurrence == recurrence::one_time);
  // Other invoice events yield nothing.
  CHECK(unsupported(envelope("invoice.created", kInvoiceBasil)));
}

TEST_CASE("an invoice with both subscription_details shapes is read from the top-level one", "[event][billing]") {
  // Stripe sends one or the other; a payload with both (found by fuzz_event,
  // which reached CLICKREF_E_INTERNAL with it) parses, and the top-level
  // details win.
  const std::string both = edited(kInvoiceBasil, R"("metadata":{"note":"x"},)",
                                  R"("metadata":{"note":"x"},"subscription_details":{"metadata":{"click_id":"clk_top"}},)");
  const converted_event got = converted(envelope("invoice.paid", both));
  const invoice_view* in = got.ev.invoice();
  REQUIRE(in != nullptr);
  CHECK(in->subscription_metadata.size() == 1);
  CHECK(got.c.click_id == "clk_top");
  CHECK(in->metadata.find("note") == "x");
}

TEST_CASE("an invoice payment links its invoice to the payment intent", "[event][billing]") {
  const converted_event got = converted(envelope("invoice_payment.paid", kInvoicePayment));
  const invoice_payment_view* ip = got.ev.invoice_payment();
  REQUIRE(ip != nullptr);
  CHECK(ip->id == "inpay_1");
  CHECK(ip->status == "paid");
  const conversion& c = got.c;
  CHECK(c.order_id == "in_basil");  // the invoice's events and this one share the key
  CHECK(c.invoice == "in_basil");
  CHECK(c.payment_intent == "pi_basil");
  CHECK(c.object_id == "inpay_1");
  CHECK(c.amount == 2900);
  CHECK(c.recurrence == recurrence::unknown);
  CHECK(c.click_id == std::nullopt);
}

TEST_CASE("refunds: one refund's amount, zero once it failed, the charge's running total", "[event][billing]") {
  for (const char* type : {"refund.created", "refund.updated", "charge.refund.updated"}) {
    CAPTURE(type);
    const converted_event c_event = converted(envelope(type, kRefund));
    const conversion& c = c_event.c;
    CHECK(c.effect == conversion_effect::refund);
    CHECK(c.status == conversion_status::approved);
    CHECK(c.refund_id == "re_1");
    CHECK(c.amount == 1500);
    CHECK(c.amount_refunded == 1500);
    CHECK(c.order_id == "pi_pre");
    CHECK(c.charge == "ch_pre");
  }
  for (const char* gone : {"failed", "canceled"}) {
    CAPTURE(gone);
    const std::string refund = edited(kRefund, R"("status":"succeeded")", std::string(R"("status":")") + gone + "\"");
    CHECK(converted(envelope("refund.updated", refund)).c.amount_refunded == 0);
  }
  // Without a payment intent the refund is keyed by its charge.
  CHECK(converted(envelope("refund.created", edited(kRefund, R"(,"payment_intent":"pi_pre")", ""))).c.order_id ==
        "ch_pre");

  const std::string charge =
      R"({"id":"ch_pre","object":"charge","amount":4900,"amount_captured":4900,"amount_refunded":1500,)"
      R"("currency":"usd","payment_intent":"pi_pre","invoice":"in_pre","metadata":{}})";
  const converted_event partial_event = converted(envelope("charge.refunded", charge));
  const conversion& partial = partial_event.c;
  CHECK(partial.status == conversion_status::approved);
  CHECK(partial.amount == 4900);
  CHECK(partial.amount_refunded == 1500);
  CHECK(partial.refund_id == std::nullopt);
  CHECK(partial.order_id == "in_pre");  // an invoice's charge is keyed by its invoice
  const std::string refunded = edited(charge, R"("amount_refunded":1500)", R"("amount_refunded":4900)");
  CHECK(converted(envelope("charge.refunded", refunded)).c.status == conversion_status::reversed);
}

TEST_CASE("a dispute closes lost or won", "[event][billing]") {
  const converted_event won_event = converted(envelope("charge.dispute.closed", kDispute));
  const conversion& won = won_event.c;
  CHECK(won.effect == conversion_effect::dispute);
  CHECK(won.status == conversion_status::approved);
  CHECK(won.amount == 4900);
  CHECK(won.charge == "ch_1");
  CHECK(won.order_id == "pi_1");
  const std::string lost = edited(kDispute, R"("status":"won")", R"("status":"lost")");
  CHECK(converted(envelope("charge.dispute.closed", lost)).c.status == conversion_status::reversed);
  CHECK(converted(envelope("charge.dispute.created", lost)).c.status == conversion_status::reversed);
  const std::string warning = edited(kDispute, R"("status":"won")", R"("status":"warning_closed")");
  CHECK(converted(envelope("charge.dispute.closed", warning)).c.status == conversion_status::approved);
  // A closed dispute with a status Stripe has not documented for a closed one.
  const std::string odd = edited(kDispute, R"("status":"won")", R"("status":"under_review")");
  CHECK(unsupported(envelope("charge.dispute.closed", odd)));
  // Without a payment intent a dispute is keyed by its charge.
  CHECK(converted(envelope("charge.dispute.closed", edited(kDispute, R"("payment_intent":"pi_1",)", ""))).c.order_id ==
        "ch_1");
}

TEST_CASE("a connected account's purchase keys name the account", "[event][billing]") {
  const converted_event c_event = converted(envelope("invoice.paid", kInvoicePreBasil, R"("account":"acct_9",)"));
  const conversion& c = c_event.c;
  CHECK(c.account == "acct_9");
  CHECK(c.order_id == "in_pre");
  CHECK(c.dedupe_key == "acct_9/in_pre");
  CHECK(converted(envelope("invoice.paid", kInvoicePreBasil)).c.dedupe_key == "in_pre");
  // An empty account is no account.
  CHECK(converted(envelope("invoice.paid", kInvoicePreBasil, R"("account":"",)")).c.dedupe_key == "in_pre");
  // One reused event: the key of each parse is its own.
  event_parser parser;
  event ev;
  REQUIRE(parser.parse(envelope("refund.created", kRefund, R"("account":"acct_a",)"), ev) == CLICKREF_OK);
  CHECK(to_conversion(ev)->dedupe_key == "acct_a/pi_pre");
  REQUIRE(parser.parse(envelope("refund.created", kRefund), ev) == CLICKREF_OK);
  CHECK(to_conversion(ev)->dedupe_key == "pi_pre");
  CHECK(to_conversion(ev)->account == std::nullopt);
}

TEST_CASE("billing objects with wrong JSON types: CLICKREF_E_BAD_FIELD", "[event][billing][bad-input]") {
  const std::string invoice = envelope("invoice.paid", kInvoiceBasil);
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {R"("amount_paid":2900,)", ""},
           {R"("amount_paid":2900)", R"("amount_paid":"2900")"},
           {R"("currency":"eur")", R"("currency":"euro")"},
           {R"("billing_reason":"subscription_create")", R"("billing_reason":1)"},
           {R"("parent":{)", R"("parent":5,"x":{)"},
           {R"("subscription_details":{"subscription":"sub_2",)", R"("subscription_details":{"subscription":7,)"},
           {R"("plan":"pro")", R"("plan":"pro","click_id":"again")"},
           {R"("metadata":{"note":"x"})", R"("metadata":{"note":1})"},
           {R"("discounts":[{)", R"("discounts":"di_1","x":[{)"},
           {R"("source":{"type":"coupon","coupon":"HALF"})", R"("source":{"type":"coupon","coupon":3})"},
           {R"("promotion_code":{"id":"promo_2","object":"promotion_code"})", R"("promotion_code":{"object":"x"})"},
           {R"("object":"invoice")", R"("object":"charge")"},
       }) {
    CAPTURE(from, to);
    CHECK(parse_status(edited(invoice, from, to)) == CLICKREF_E_BAD_FIELD);
  }
  CHECK(parse_status(envelope("invoice.paid", edited(kInvoicePreBasil, R"("discounts":["di_1"])",
                                                      R"("discounts":[5])"))) == CLICKREF_E_BAD_FIELD);
  CHECK(parse_status(envelope("invoice.paid", edited(kInvoicePreBasil, R"("discount":{)",
                                                      R"("discount":"di_1","x":{)"))) == CLICKREF_E_BAD_FIELD);
  const std::string payment = envelope("invoice_payment.paid", kInvoicePayment);
  CHECK(parse_status(edited(payment, R"("invoice":"in_basil",)", "")) == CLICKREF_E_BAD_FIELD);
  CHECK(parse_status(edited(payment, R"("invoice":"in_basil")", R"("invoice":"")")) == CLICKREF_E_BAD_FIELD);
  CHECK(parse_status(edited(payment, R"("payment":{)", R"("payment":"pi","x":{)")) == CLICKREF_E_BAD_FIELD);
  CHECK(parse_status(edited(payment, R"("payment_intent":"pi_basil")", R"("payment_intent":false)")) ==
        CLICKREF_E_BAD_FIELD);
  const std::string refund = envelope("refund.created", kRefund);
  CHECK(parse_status(edited(refund, R"("amount":1500,)", "")) == CLICKREF_E_BAD_FIELD);
  CHECK(parse_status(edited(refund, R"("object":"refund")", R"("object":"charge")")) == CLICKREF_E_BAD_FIELD);
  CHECK(parse_status(edited(envelope("charge.refund.updated", kRefund), R"("object":"refund")",
                            R"("object":"charge")")) == CLICKREF_E_BAD_FIELD);
  CHECK(parse_status(edited(envelope("charge.dispute.closed", kDispute), R"("status":"won")", R"("status":2)")) ==
        CLICKREF_E_BAD_FIELD);
}
