// Parsing Stripe events: the envelope, the typed views of data.object, and
// every class of bad input.
#include <clickref/event.hpp>

#include "../catch.hpp"
#include "event_fixtures.hpp"

#include <string>
#include <vector>

using namespace clickref;
using clickref::test::edited;
using clickref::test::kClickA;
using clickref::test::kPaymentIntentA;
using clickref::test::event_fixture;
using clickref::test::parsed;
using namespace std::string_literals;

namespace {


status parse_status(const std::string& json, clickref_error* err = nullptr) {
  event_parser parser;
  event ev;
  const status s = parser.parse(json, ev, err);
  // Whatever the outcome, a failed parse leaves nothing behind.
  if (s != CLICKREF_OK) {
    CHECK_FALSE(ev.has_value());
    CHECK(ev.id().empty());
    CHECK(ev.checkout_session() == nullptr);
    CHECK(ev.charge() == nullptr);
  }
  return s;
}

// A small charge.succeeded event written out by hand.
const std::string kSmallCharge =
    R"({"id":"evt_small","object":"event","type":"charge.succeeded","created":1700000000,"livemode":false,)"
    R"("data":{"object":{"id":"ch_small","object":"charge","amount":1000,"amount_refunded":0,"currency":"eur",)"
    R"("metadata":{"click_id":"abc"}}}})";

std::string nested_arrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("the envelope of a checkout.session.completed event", "[event]") {
  const std::string json = event_fixture("checkout-session-completed");
  const event ev = parsed(json);
  CHECK(ev.has_value());
  CHECK(ev.id() == "evt_1QmZ8mLkdIwHu7ixR2d4FgHj");
  CHECK(ev.type() == "checkout.session.completed");
  CHECK(ev.created() == 1735689660);
  CHECK(ev.livemode());
  CHECK(ev.api_version() == "2024-06-20");
  CHECK_FALSE(ev.account());
  CHECK_FALSE(ev.request_id());  // {"id": null, …}: an automatic event
  CHECK_FALSE(ev.idempotency_key());
  CHECK(ev.object_type() == "checkout.session");
  CHECK(ev.object_id() == "cs_live_b1Q2w3E4r5T6y7U8i9O0pAsDfGhJkLzXcVbNm1234567890qwertyuiopa");
  // The event keeps its own copy of the payload, byte for byte.
  CHECK(ev.payload() == json);
  CHECK(ev.payload().data() != json.data());
  CHECK(ev.charge() == nullptr);
  CHECK(ev.dispute() == nullptr);
}

TEST_CASE("the typed view of a Checkout Session", "[event]") {
  const event ev = parsed(event_fixture("checkout-session-completed"));
  const checkout_session_view* s = ev.checkout_session();
  REQUIRE(s != nullptr);
  CHECK(s->id == "cs_live_b1Q2w3E4r5T6y7U8i9O0pAsDfGhJkLzXcVbNm1234567890qwertyuiopa");
  CHECK(s->mode == "payment");
  CHECK(s->payment_status == "paid");
  CHECK(s->status == "complete");
  CHECK(s->client_reference_id == kClickA);
  CHECK(s->amount_total == 4900);
  CHECK(s->amount_subtotal == 5400);
  CHECK(s->currency == "usd");
  CHECK(s->customer_details_email == "jenny.rosen@example.com");
  CHECK_FALSE(s->customer_email);
  CHECK(s->payment_intent == kPaymentIntentA);
  CHECK(s->payment_link == "plink_1QhWxxLkdIwHu7ixAbCdEfGh");
  CHECK_FALSE(s->subscription);
  CHECK_FALSE(s->invoice);
  CHECK_FALSE(s->customer);
  CHECK(s->amount_discount == 1000);
  CHECK(s->amount_tax == 500);
  CHECK(s->metadata.empty());
}

TEST_CASE("expanded objects still yield their ids, and metadata is searchable", "[event]") {
  const event ev = parsed(event_fixture("checkout-session-completed-jpy-metadata"));
  const checkout_session_view* s = ev.checkout_session();
  REQUIRE(s != nullptr);
  CHECK(s->payment_intent == "pi_3QoJpXLkdIwHu7ix0YeN7890");  // expanded payment_intent
  CHECK(s->customer == "cus_RhJpY0Taro0001");                 // expanded customer
  CHECK_FALSE(s->client_reference_id);                        // null
  CHECK_FALSE(s->customer_details_email);                     // customer_details.email is null
  CHECK(s->customer_email == "taro.yamada@example.jp");
  CHECK(s->currency == "jpy");
  CHECK(s->amount_total == 3500);
  REQUIRE(s->metadata.size() == 2);
  CHECK(s->metadata.find("click_id") == "tn_8842_spring");
  CHECK(s->metadata.find("campaign") == "spring-sale");
  CHECK_FALSE(s->metadata.find("missing"));
  CHECK_FALSE(s->metadata.find("click_i"));
  // Sorted by key.
  CHECK(s->metadata.begin()[0].key == "campaign");
  CHECK(s->metadata.begin()[1].key == "click_id");
  CHECK(ev.request_id() == "req_JpY8x7w6V5u4T3");
  CHECK(ev.idempotency_key() == "stripe-node-retry-6f5e4d3c");
}

TEST_CASE("subscriptions, Connect accounts and setup sessions", "[event]") {
  const event kwd = parsed(event_fixture("checkout-session-completed-kwd-subscription"));
  CHECK(kwd.account() == "acct_1PfQ9zLkdIwHu7ix");
  const checkout_session_view* s = kwd.checkout_session();
  REQUIRE(s != nullptr);
  CHECK(s->mode == "subscription");
  CHECK_FALSE(s->payment_intent);
  CHECK(s->invoice == "in_1QqKwCLkdIwHu7ixKwDInv01");
  CHECK(s->subscription == "sub_1QqKwCLkdIwHu7ixKwDsUb01");
  CHECK(s->currency == "kwd");

  const event setup = parsed(event_fixture("checkout-session-completed-setup"));
  const checkout_session_view* t = setup.checkout_session();
  REQUIRE(t != nullptr);
  CHECK(t->mode == "setup");
  CHECK_FALSE(t->amount_total);  // null in setup mode, and allowed there
  CHECK_FALSE(t->currency);
  CHECK_FALSE(t->amount_tax);  // total_details is null
}

TEST_CASE("escaped strings are unescaped and raw UTF-8 is kept", "[event]") {
  const event escaped = parsed(event_fixture("checkout-session-async-payment-succeeded"));
  const event raw = parsed(event_fixture("checkout-session-completed-unpaid"));
  const std::string expected = "j\xC3\xBCrgen.m\xC3\xBCller@example.de";  // jürgen.müller@
  REQUIRE(escaped.checkout_session() != nullptr);
  REQUIRE(raw.checkout_session() != nullptr);
  CHECK(escaped.checkout_session()->customer_details_email == expected);
  CHECK(raw.checkout_session()->customer_details_email == expected);
  // An escaped NUL is data: the view's length says where the string ends.
  const event nul =
      parsed(edited(event_fixture("checkout-session-completed"), "\"client_reference_id\": \"" + kClickA,
                    "\"client_reference_id\": \"ab\\u0000cd"));
  REQUIRE(nul.checkout_session() != nullptr);
  CHECK(nul.checkout_session()->client_reference_id == "ab\0cd"s);
}

TEST_CASE("the typed views of a Charge and a Dispute", "[event]") {
  const event ev = parsed(event_fixture("charge-succeeded"));
  const charge_view* c = ev.charge();
  REQUIRE(c != nullptr);
  CHECK(ev.checkout_session() == nullptr);
  CHECK(c->id == "ch_3QmZ8kLkdIwHu7ix1aB2cD3e");
  CHECK(c->amount == 4900);
  CHECK(c->amount_captured == 4900);
  CHECK(c->amount_refunded == 0);
  CHECK(c->currency == "usd");
  CHECK(c->payment_intent == kPaymentIntentA);
  CHECK(c->billing_details_email == "jenny.rosen@example.com");
  CHECK_FALSE(c->receipt_email);
  CHECK(c->status == "succeeded");
  CHECK(c->paid == true);
  CHECK(c->refunded == false);
  CHECK(c->metadata.find("click_id") == kClickA);

  const event refunded = parsed(event_fixture("charge-refunded"));
  REQUIRE(refunded.charge() != nullptr);
  CHECK(refunded.charge()->amount_refunded == 1500);
  CHECK(refunded.request_id() == "req_Vq8Lm2Nx4Pz6Rb");

  const event disputed = parsed(event_fixture("charge-dispute-created"));
  const dispute_view* d = disputed.dispute();
  REQUIRE(d != nullptr);
  CHECK(disputed.object_type() == "dispute");
  CHECK(d->id == "dp_1QpD4sLkdIwHu7ixU6i5O4pA");
  CHECK(d->amount == 4900);
  CHECK(d->currency == "usd");
  CHECK(d->charge == "ch_3QmZ8kLkdIwHu7ix1aB2cD3e");
  CHECK(d->payment_intent == kPaymentIntentA);
}

TEST_CASE("a legacy event: request as a bare string, a charge without PaymentIntent", "[event]") {
  const event ev = parsed(event_fixture("charge-succeeded-legacy"));
  CHECK(ev.api_version() == "2016-07-06");
  CHECK(ev.request_id() == "req_8q0LeGaCyReQ01");
  CHECK_FALSE(ev.idempotency_key());
  const charge_view* c = ev.charge();
  REQUIRE(c != nullptr);
  CHECK_FALSE(c->payment_intent);
  CHECK_FALSE(c->amount_captured);
  CHECK(c->amount == 1999);
  CHECK(c->currency == "gbp");
  CHECK(c->customer == "cus_8q0LeGaCy00001");
  CHECK(c->receipt_email == "old.customer@example.co.uk");
  CHECK_FALSE(c->billing_details_email);
}

TEST_CASE("objects without a typed view, and field order", "[event]") {
  const event pi = parsed(event_fixture("payment-intent-succeeded"));
  CHECK(pi.object_type() == "payment_intent");
  CHECK(pi.object_id() == kPaymentIntentA);
  CHECK(pi.checkout_session() == nullptr);
  CHECK(pi.charge() == nullptr);
  CHECK(pi.dispute() == nullptr);

  // The same event with its members in another order, "object" last and
  // "type" first: the result does not change.
  const event reordered = parsed(
      R"({"data":{"object":{"metadata":{"click_id":"abc"},"currency":"eur","amount_refunded":0,"amount":1000,)"
      R"("id":"ch_small","object":"charge"}},"type":"charge.succeeded","livemode":false,"created":1700000000,)"
      R"("object":"event","id":"evt_small","unknown":{"nested":[1,2,{"x":null}]}})");
  const event original = parsed(kSmallCharge);
  for (const event* ev : {&original, &reordered}) {
    CHECK(ev->id() == "evt_small");
    CHECK(ev->type() == "charge.succeeded");
    CHECK(ev->created() == 1700000000);
    CHECK_FALSE(ev->livemode());
    CHECK_FALSE(ev->api_version());
    REQUIRE(ev->charge() != nullptr);
    CHECK(ev->charge()->amount == 1000);
    CHECK(ev->charge()->currency == "eur");
    CHECK(ev->charge()->metadata.find("click_id") == "abc");
  }
}

TEST_CASE("one parser and one event reused across payloads of any size", "[event]") {
  event_parser parser;
  event ev;
  const std::string big = edited(event_fixture("checkout-session-completed"), "\"pending_webhooks\": 1",
                                 "\"pending_webhooks\": \"" + std::string(3 << 20, 'p') + "\"");
  const std::vector<std::string> payloads = {event_fixture("charge-succeeded"),
                                             big,
                                             kSmallCharge,
                                             "{",
                                             event_fixture("checkout-session-completed"),
                                             event_fixture("charge-dispute-created")};
  const std::vector<std::string> ids = {
      "evt_3QmZ8kLkdIwHu7ix1Kj8LmNo", "evt_1QmZ8mLkdIwHu7ixR2d4FgHj", "evt_small", "",
      "evt_1QmZ8mLkdIwHu7ixR2d4FgHj", "evt_1QpD4tLkdIwHu7ixW9e8R7tY"};
  for (size_t i = 0; i < payloads.size(); ++i) {
    const status s = parser.parse(payloads[i], ev);
    CHECK(s == (ids[i].empty() ? CLICKREF_E_JSON : CLICKREF_OK));
    CHECK(ev.has_value() == !ids[i].empty());
    CHECK(ev.id() == ids[i]);
    CHECK(ev.payload() == (ids[i].empty() ? std::string() : payloads[i]));
  }
  REQUIRE(ev.dispute() != nullptr);
  CHECK(ev.dispute()->amount == 4900);

  auto fresh = parser.parse(kSmallCharge);
  REQUIRE(fresh.ok());
  CHECK(fresh->charge()->metadata.find("click_id") == "abc");
  // A moved event keeps its views valid: they point into heap memory it owns.
  event moved = std::move(*fresh);
  CHECK(moved.charge()->metadata.find("click_id") == "abc");
}

TEST_CASE("an empty event answers with empty values", "[event]") {
  const event ev;
  CHECK_FALSE(ev.has_value());
  CHECK(ev.id().empty());
  CHECK(ev.type().empty());
  CHECK(ev.created() == 0);
  CHECK_FALSE(ev.livemode());
  CHECK_FALSE(ev.api_version());
  CHECK(ev.object_type().empty());
  CHECK(ev.payload().empty());
  CHECK(ev.checkout_session() == nullptr);
}

// ---------------------------------------------------------------- bad input

TEST_CASE("not JSON: CLICKREF_E_JSON", "[event][bad-input]") {
  for (const std::string& json :
       {""s, "   \n"s, "hello"s, "<html></html>"s, "{"s, "}"s, "{\"id\":}"s, "{'id':'evt_1'}"s, "{\"a\":1,}"s,
        "[1,]"s, "{\"a\":1} // comment"s, "{\"a\":tru}"s, "{\"a\":nul}"s, "{\"a\":\"\\q\"}"s,
        "{\"a\":\"\\ud800\"}"s, "{\"a\":\"\\udc00x\"}"s, "{\"a\":\"tab\there\"}"s}) {
    CAPTURE(json);
    CHECK(parse_status(json) == CLICKREF_E_JSON);
  }
}

TEST_CASE("truncated payloads: CLICKREF_E_JSON at every length", "[event][bad-input]") {
  const std::string json = event_fixture("charge-succeeded");
  REQUIRE(json.back() == '\n');
  // Every prefix short of the closing brace is incomplete JSON.
  for (size_t len = 0; len + 1 < json.size(); len += (len < 64 ? 1 : 17)) {
    CAPTURE(len);
    CHECK(parse_status(json.substr(0, len)) == CLICKREF_E_JSON);
  }
  CHECK(parse_status(json.substr(0, json.size() - 2)) == CLICKREF_E_JSON);
  CHECK(parse_status(json.substr(0, json.size() - 1)) == CLICKREF_OK);  // without the final newline
  CHECK(parse_status(json + "}") == CLICKREF_E_JSON);                   // trailing content
  CHECK(parse_status(json + json) == CLICKREF_E_JSON);                  // two documents
}

TEST_CASE("NUL bytes: CLICKREF_E_JSON wherever they are raw", "[event][bad-input]") {
  const std::string json = event_fixture("checkout-session-completed");
  CHECK(parse_status(edited(json, "Jenny Rosen", "Jenny\0Rosen"s)) == CLICKREF_E_JSON);  // inside a string
  CHECK(parse_status(edited(json, "\"livemode\": true,\n  \"pending",
                            "\"livemode\": true,\0\n  \"pending"s)) == CLICKREF_E_JSON);
  CHECK(parse_status(json + '\0') == CLICKREF_E_JSON);
  CHECK(parse_status("\0"s) == CLICKREF_E_JSON);
}

TEST_CASE("invalid UTF-8: CLICKREF_E_JSON at the offending byte", "[event][bad-input]") {
  const std::string json = event_fixture("checkout-session-completed");
  for (const std::string& bad :
       {"\xC3\x28"s, "\xC0\xAF"s /* overlong '/' */, "\xED\xA0\x80"s /* a surrogate */, "\xF5\x80\x80\x80"s,
        "\xFF"s, "\x80"s, "\xE2\x82"s /* cut short */}) {
    const std::string payload = edited(json, "Jenny Rosen", "Jenny " + bad + "Rosen");
    clickref_error err{};
    CAPTURE(bad);
    CHECK(parse_status(payload, &err) == CLICKREF_E_JSON);
    CHECK(err.code == CLICKREF_E_JSON);
    CHECK(err.message != nullptr);
    CHECK(err.offset == payload.find("Jenny ") + 6);
  }
}

TEST_CASE("nesting deeper than 64 levels: CLICKREF_E_JSON_TOO_DEEP", "[event][bad-input]") {
  const std::string json = event_fixture("checkout-session-completed");
  auto with_junk = [&](const std::string& junk) {
    return edited(json, "\"pending_webhooks\": 1", "\"pending_webhooks\": " + junk);
  };
  // The event object is level 1; 63 arrays inside it reach level 64.
  CHECK(parse_status(with_junk(nested_arrays(63))) == CLICKREF_OK);
  CHECK(parse_status(with_junk(nested_arrays(64))) == CLICKREF_E_JSON_TOO_DEEP);
  CHECK(parse_status(with_junk(nested_arrays(10000))) == CLICKREF_E_JSON_TOO_DEEP);
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(10000, '}');
  CHECK(parse_status(with_junk(objects)) == CLICKREF_E_JSON_TOO_DEEP);
  CHECK(parse_status(nested_arrays(10000)) == CLICKREF_E_JSON_TOO_DEEP);
}

TEST_CASE("20 MB payloads: parsed when they are events, named statuses when not", "[event][bad-input]") {
  const size_t size = size_t{20} << 20;
  const std::string json = event_fixture("checkout-session-completed");
  const std::string padded =
      edited(json, "\"pending_webhooks\": 1", "\"pending_webhooks\": \"" + std::string(size, 'x') + "\"");
  const event ev = parsed(padded);
  REQUIRE(ev.checkout_session() != nullptr);
  CHECK(ev.checkout_session()->amount_total == 4900);
  CHECK(ev.payload().size() == padded.size());

  CHECK(parse_status(nested_arrays(size / 2)) == CLICKREF_E_JSON_TOO_DEEP);
  CHECK(parse_status(std::string(size, '[')) == CLICKREF_E_JSON);  // never closed: truncated
  CHECK(parse_status(std::string(size, 'x')) == CLICKREF_E_JSON);
  CHECK(parse_status(std::string(size, ' ') + "{}") == CLICKREF_E_NOT_AN_EVENT);
  std::string numbers = "[";
  while (numbers.size() < size) numbers += "123456789,";
  numbers += "0]";
  CHECK(parse_status(numbers) == CLICKREF_E_NOT_AN_EVENT);
}

TEST_CASE("valid JSON that is not a v1 Event: CLICKREF_E_NOT_AN_EVENT", "[event][bad-input]") {
  for (const std::string& json : {"[]"s, "42"s, "\"evt_1\""s, "null"s, "true"s, "{}"s}) {
    CAPTURE(json);
    CHECK(parse_status(json) == CLICKREF_E_NOT_AN_EVENT);
  }
  CHECK(parse_status(event_fixture("v2-thin-event")) == CLICKREF_E_NOT_AN_EVENT);
  const std::string json = kSmallCharge;
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"object\":\"event\",", ""},                      // no "object"
           {"\"object\":\"event\"", "\"object\":\"charge\""},  // another object
           {"\"object\":\"event\"", "\"object\":7"},
           {"\"id\":\"evt_small\",", ""},
           {"\"id\":\"evt_small\"", "\"id\":\"\""},
           {"\"id\":\"evt_small\"", "\"id\":null"},
           {"\"type\":\"charge.succeeded\",", ""},
           {"\"created\":1700000000,", ""},
           {"\"livemode\":false,", ""},
           {"\"data\":{\"object\":", "\"data\":{\"previous\":"},
           {"\"data\":{\"object\":{", "\"data\":{\"object\":null,\"x\":{"},
       }) {
    CAPTURE(from, to);
    CHECK(parse_status(edited(json, from, to)) == CLICKREF_E_NOT_AN_EVENT);
  }
}

TEST_CASE("wrong JSON types: CLICKREF_E_BAD_FIELD", "[event][bad-input]") {
  const std::string session = event_fixture("checkout-session-completed");
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"amount_total\": 4900", "\"amount_total\": \"4900\""},
           {"\"amount_total\": 4900", "\"amount_total\": 4900.0"},
           {"\"amount_total\": 4900", "\"amount_total\": true"},
           {"\"currency\": \"usd\"", "\"currency\": 840"},
           {"\"currency\": \"usd\"", "\"currency\": \"usdollar\""},
           {"\"currency\": \"usd\"", "\"currency\": \"u$d\""},
           {"\"client_reference_id\": \"" + kClickA + "\"", "\"client_reference_id\": 42"},
           {"\"payment_intent\": \"" + kPaymentIntentA + "\"", "\"payment_intent\": 7"},
           {"\"payment_intent\": \"" + kPaymentIntentA + "\"",
            "\"payment_intent\": {\"object\": \"payment_intent\"}"},
           {"\"payment_intent\": \"" + kPaymentIntentA + "\"", "\"payment_intent\": [\"pi_1\"]"},
           {"\"metadata\": {},\n      \"mode\"", "\"metadata\": {\"click_id\": 5},\n      \"mode\""},
           {"\"metadata\": {},\n      \"mode\"", "\"metadata\": [\"click_id\"],\n      \"mode\""},
           {"\"mode\": \"payment\"", "\"mode\": null"},
           {"\"payment_status\": \"paid\"", "\"payment_status\": 1"},
           {"\"amount_tax\": 500", "\"amount_tax\": \"5.00\""},
           {"\"total_details\": {", "\"total_details\": 3, \"x\": {"},
           {"\"customer_details\": {", "\"customer_details\": \"jenny\", \"x\": {"},
           {"\"livemode\": true,\n  \"pending", "\"livemode\": \"true\",\n  \"pending"},
           {"\"created\": 1735689660", "\"created\": \"1735689660\""},
           {"\"created\": 1735689660", "\"created\": 1735689660.5"},
           {"\"id\": \"evt_1QmZ8mLkdIwHu7ixR2d4FgHj\"", "\"id\": 12"},
           {"\"api_version\": \"2024-06-20\"", "\"api_version\": 20240620"},
           {"\"request\": {", "\"request\": 5, \"x\": {"},
           {"\"data\": {", "\"data\": [], \"x\": {"},
           {"\"data\": {\n    \"object\": {", "\"data\": {\n    \"object\": \"cs_1\", \"x\": {"},
           // A session that takes payment without an amount or a currency.
           {"\"amount_total\": 4900", "\"amount_total\": null"},
           {"\"currency\": \"usd\"", "\"currency\": null"},
           // data.object is not the object the type names.
           {"\"type\": \"checkout.session.completed\"", "\"type\": \"charge.succeeded\""},
           {"\"object\": \"checkout.session\"", "\"object\": \"charge\""},
       }) {
    CAPTURE(from, to);
    CHECK(parse_status(edited(session, from, to)) == CLICKREF_E_BAD_FIELD);
  }
  const std::string charge = kSmallCharge;
  CHECK(parse_status(edited(charge, "\"amount\":1000,", "")) == CLICKREF_E_BAD_FIELD);  // required
  CHECK(parse_status(edited(charge, "\"currency\":\"eur\",", "")) == CLICKREF_E_BAD_FIELD);
  CHECK(parse_status(edited(charge, "\"id\":\"ch_small\",", "")) == CLICKREF_E_BAD_FIELD);
  CHECK(parse_status(edited(charge, "\"amount_refunded\":0", "\"amount_refunded\":false")) ==
        CLICKREF_E_BAD_FIELD);
}

TEST_CASE("numbers beyond int64: CLICKREF_E_BAD_FIELD, with their offset", "[event][bad-input]") {
  const std::string session = event_fixture("checkout-session-completed");
  for (const std::string& number :
       {"9223372036854775808"s,   // INT64_MAX + 1: still a uint64 to simdjson
        "18446744073709551616"s,  // UINT64_MAX + 1
        "99999999999999999999999999"s, "-9223372036854775809"s, "1e400"s, "-2.5e308"s}) {
    const std::string payload = edited(session, "\"amount_total\": 4900", "\"amount_total\": " + number);
    clickref_error err{};
    CAPTURE(number);
    CHECK(parse_status(payload, &err) == CLICKREF_E_BAD_FIELD);
    if (number.size() > 19) CHECK(err.offset == payload.find(number));  // found by the diagnosis
  }
  // In a field clickref does not read, a number simdjson cannot hold is
  // still reported: the event cannot be represented faithfully.
  CHECK(parse_status(edited(session, "\"pending_webhooks\": 1", "\"pending_webhooks\": 1e999")) ==
        CLICKREF_E_BAD_FIELD);
  // Small floats underflow to zero; that is fine in an ignored field.
  CHECK(parse_status(edited(session, "\"pending_webhooks\": 1", "\"pending_webhooks\": 1e-999")) ==
        CLICKREF_OK);
  // Malformed numbers are not JSON at all.
  for (const std::string& number : {"01"s, "1."s, "-"s, "1e"s, ".5"s, "+1"s, "0x10"s}) {
    const std::string payload = edited(session, "\"amount_total\": 4900", "\"amount_total\": " + number);
    clickref_error err{};
    CAPTURE(number);
    CHECK(parse_status(payload, &err) == CLICKREF_E_JSON);
  }
  clickref_error err{};
  const std::string leading_zero = edited(session, "\"amount_total\": 4900", "\"amount_total\": 04900");
  CHECK(parse_status(leading_zero, &err) == CLICKREF_E_JSON);
  CHECK(err.offset == leading_zero.find("04900"));
  // The extremes that fit are fine.
  const event low =
      parsed(edited(session, "\"amount_total\": 4900", "\"amount_total\": -9223372036854775808"));
  CHECK(low.checkout_session()->amount_total == INT64_MIN);
  const event high = parsed(edited(session, "\"created\": 1735689660", "\"created\": 9223372036854775807"));
  CHECK(high.created() == INT64_MAX);
}

TEST_CASE("duplicate keys: rejected when clickref reads the key, ignored otherwise", "[event][bad-input]") {
  // JSON parsers disagree on which of two equal keys wins; an event that
  // means different things to different readers is refused.
  const std::string session = event_fixture("checkout-session-completed");
  const std::string charge = event_fixture("charge-succeeded");
  for (const std::string& json : {
           edited(session, "\"amount_total\": 4900", "\"amount_total\": 4900, \"amount_total\": 1"),
           edited(session, "\"amount_total\": 4900", "\"amount_total\": 4900, \"amount_total\": 4900"),
           edited(session, "\"client_reference_id\": \"",
                  "\"client_reference_id\": \"x\", \"client_reference_id\": \""),
           edited(session, "\"type\": \"checkout.session.completed\"",
                  "\"type\": \"checkout.session.completed\", \"type\": \"checkout.session.expired\""),
           edited(session, "\"id\": \"evt_", "\"id\": \"evt_other\", \"id\": \"evt_"),
           edited(session, "\"object\": \"event\"", "\"object\": \"event\", \"object\": \"event\""),
           edited(session, "\"email\": \"jenny.rosen@example.com\"",
                  "\"email\": \"jenny.rosen@example.com\", \"email\": \"mallory@example.com\""),
           edited(charge, "\"click_id\": \"" + kClickA + "\"", "\"click_id\": \"a\", \"click_id\": \"b\""),
           // Equal once unescaped.
           edited(charge, "\"click_id\": \"" + kClickA + "\"",
                  "\"click_id\": \"a\", \"click\\u005fid\": \"b\""),
           edited(charge, "\"metadata\": {", "\"metadata\": {\"order\": \"1\", \"order\": \"2\","),
       }) {
    CHECK(parse_status(json) == CLICKREF_E_BAD_FIELD);
  }
  // Keys clickref does not read may repeat.
  CHECK(parse_status(edited(session, "\"pending_webhooks\": 1",
                            "\"pending_webhooks\": 1, \"pending_webhooks\": 2")) == CLICKREF_OK);
  CHECK(parse_status(edited(session, "\"locale\": \"auto\"", "\"locale\": \"auto\", \"locale\": \"de\"")) ==
        CLICKREF_OK);
  // Nor does it read an object it has no view of.
  const std::string pi = event_fixture("payment-intent-succeeded");
  CHECK(parse_status(edited(pi, "\"amount\": 4900", "\"amount\": 4900, \"amount\": 1")) == CLICKREF_OK);
}

TEST_CASE("parse_event reports the detail of a failure", "[event][bad-input]") {
  clickref_error err{};
  auto ev = parse_event("[1,2", &err);
  CHECK(ev.error() == CLICKREF_E_JSON);
  CHECK(err.code == CLICKREF_E_JSON);
  CHECK(std::string(err.message) == status_message(CLICKREF_E_JSON));
}
