// Events to conversions, and conversions to JSON, amounts and postback URLs.
#include <clickref/event.hpp>

#include "../catch.hpp"
#include "event_fixtures.hpp"

#include <simdjson.h>

#include <cstdint>
#include <optional>
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

const std::string kPaymentIntentB = "pi_3QnA1bLkdIwHu7ix0SePa123";
const std::string kFFFD = "\xEF\xBF\xBD";

// What each fixture must map to, written out by hand from the fixture.
struct expected_conversion {
  std::string fixture;
  std::string type;
  std::string event_id;
  conversion_status status;
  int64_t amount;
  std::string amount_decimal;
  std::string currency;
  std::optional<std::string> click_id;
  click_id_source source;
  bool click_id_valid;
  std::string object_id;
  std::optional<std::string> payment_intent;
  std::string order_id;
  std::string dedupe_key;
  std::optional<std::string> payment_link;
  std::optional<std::string> customer_email;
  bool livemode;
};

const std::vector<expected_conversion>& expected_conversions() {
  static const std::vector<expected_conversion> table = {
      {"checkout-session-completed", "checkout.session.completed", "evt_1QmZ8mLkdIwHu7ixR2d4FgHj",
       conversion_status::approved, 4900, "49.00", "USD", kClickA, click_id_source::client_reference_id, true,
       "cs_live_b1Q2w3E4r5T6y7U8i9O0pAsDfGhJkLzXcVbNm1234567890qwertyuiopa", kPaymentIntentA, kPaymentIntentA,
       kPaymentIntentA, "plink_1QhWxxLkdIwHu7ixAbCdEfGh", "jenny.rosen@example.com", true},
      {"checkout-session-completed-unpaid", "checkout.session.completed", "evt_1QnA1cLkdIwHu7ixT0Pq9RsU",
       conversion_status::pending, 12900, "129.00", "EUR", "c0ffee00-1111-4222-8333-444455556666",
       click_id_source::client_reference_id, true,
       "cs_live_a1SePaDeBiT0000000000000000000000000000000000000000000000000", kPaymentIntentB,
       kPaymentIntentB, kPaymentIntentB, "plink_1QnA00LkdIwHu7ixEuRoLink",
       "j\xC3\xBCrgen.m\xC3\xBCller@example.de", true},
      {"checkout-session-async-payment-succeeded", "checkout.session.async_payment_succeeded",
       "evt_1QnVx2LkdIwHu7ixAsYnC0k1", conversion_status::approved, 12900, "129.00", "EUR",
       "c0ffee00-1111-4222-8333-444455556666", click_id_source::client_reference_id, true,
       "cs_live_a1SePaDeBiT0000000000000000000000000000000000000000000000000", kPaymentIntentB,
       kPaymentIntentB, kPaymentIntentB, "plink_1QnA00LkdIwHu7ixEuRoLink",
       "j\xC3\xBCrgen.m\xC3\xBCller@example.de", true},
      {"checkout-session-async-payment-failed", "checkout.session.async_payment_failed",
       "evt_1QnWf4LkdIwHu7ixFa1LeD22", conversion_status::declined, 7500, "75.00", "EUR",
       "b7e1d2c3-a4f5-4e6d-8c7b-9a0b1c2d3e4f", click_id_source::client_reference_id, true,
       "cs_live_a1SePaFaIlEd000000000000000000000000000000000000000000000000", "pi_3QnB2cLkdIwHu7ix0FaIl456",
       "pi_3QnB2cLkdIwHu7ix0FaIl456", "pi_3QnB2cLkdIwHu7ix0FaIl456", "plink_1QnA00LkdIwHu7ixEuRoLink",
       "j\xC3\xBCrgen.m\xC3\xBCller@example.de", true},
      {"charge-succeeded", "charge.succeeded", "evt_3QmZ8kLkdIwHu7ix1Kj8LmNo", conversion_status::approved,
       4900, "49.00", "USD", kClickA, click_id_source::metadata, true, "ch_3QmZ8kLkdIwHu7ix1aB2cD3e",
       kPaymentIntentA, kPaymentIntentA, kPaymentIntentA, std::nullopt, "jenny.rosen@example.com", true},
      // 1500 of 4900 refunded: the sale stands, less the refund (amount_refunded).
      {"charge-refunded", "charge.refunded", "evt_3QmZ8kLkdIwHu7ix1Rf5TgUv", conversion_status::approved,
       4900, "49.00", "USD", kClickA, click_id_source::metadata, true, "ch_3QmZ8kLkdIwHu7ix1aB2cD3e",
       kPaymentIntentA, kPaymentIntentA, kPaymentIntentA, std::nullopt, "jenny.rosen@example.com", true},
      {"charge-dispute-created", "charge.dispute.created", "evt_1QpD4tLkdIwHu7ixW9e8R7tY",
       conversion_status::reversed, 4900, "49.00", "USD", std::nullopt, click_id_source::none, false,
       "dp_1QpD4sLkdIwHu7ixU6i5O4pA", kPaymentIntentA, kPaymentIntentA, kPaymentIntentA, std::nullopt,
       std::nullopt, true},
      {"checkout-session-completed-jpy-metadata", "checkout.session.completed",
       "evt_1QoJpYLkdIwHu7ixYeNx0123", conversion_status::approved, 3500, "3500", "JPY", "tn_8842_spring",
       click_id_source::metadata, true,
       "cs_live_a1JpYmEtAdAtA00000000000000000000000000000000000000000000000", "pi_3QoJpXLkdIwHu7ix0YeN7890",
       "pi_3QoJpXLkdIwHu7ix0YeN7890", "pi_3QoJpXLkdIwHu7ix0YeN7890", std::nullopt, "taro.yamada@example.jp",
       true},
      {"checkout-session-completed-kwd-subscription", "checkout.session.completed",
       "evt_1QqKwDLkdIwHu7ixSuB5cR1b", conversion_status::approved, 12345, "12.345", "KWD", "aff_kw_0042",
       click_id_source::client_reference_id, true,
       // A subscription's purchase is its first invoice; the event is a connected account's.
       "cs_live_a1KwDsUbScRiPtIoN000000000000000000000000000000000000000000", std::nullopt,
       "in_1QqKwCLkdIwHu7ixKwDInv01", "acct_1PfQ9zLkdIwHu7ix/in_1QqKwCLkdIwHu7ixKwDInv01",
       "plink_1QqKw0LkdIwHu7ixKwDsUb00", "fatima@example.com.kw", true},
      {"checkout-session-completed-no-payment-required", "checkout.session.completed",
       "evt_1QrFrEeLkdIwHu7ixNoPaY001", conversion_status::approved, 0, "0.00", "EUR", "free-order-click-77",
       click_id_source::client_reference_id, true,
       "cs_live_a1FrEeOrDeR0000000000000000000000000000000000000000000000000", std::nullopt,
       "cs_live_a1FrEeOrDeR0000000000000000000000000000000000000000000000000",
       "cs_live_a1FrEeOrDeR0000000000000000000000000000000000000000000000000",
       "plink_1QrFr0LkdIwHu7ixFrEe0000", "claire@example.fr", true},
      {"charge-succeeded-legacy", "charge.succeeded", "evt_18YbQsLkdIwHu7ixLeGaCy01",
       conversion_status::approved, 1999, "19.99", "GBP", "legacy_9921", click_id_source::metadata, true,
       "ch_18YbQrLkdIwHu7ixLeGaCy01", std::nullopt, "ch_18YbQrLkdIwHu7ixLeGaCy01",
       "ch_18YbQrLkdIwHu7ixLeGaCy01", std::nullopt, "old.customer@example.co.uk", true},
      {"checkout-session-completed-invalid-click-id", "checkout.session.completed",
       "evt_1QuBaDcLkdIwHu7ixBaDc1iD", conversion_status::approved, 990, "9.90", "CHF", "aff.42/summer sale",
       click_id_source::client_reference_id, false,
       "cs_live_a1BaDcLiCkId000000000000000000000000000000000000000000000000", "pi_3QuBaDLkdIwHu7ix0BaDc1iD",
       "pi_3QuBaDLkdIwHu7ix0BaDc1iD", "pi_3QuBaDLkdIwHu7ix0BaDc1iD", std::nullopt, "hans@example.ch", false},
  };
  return table;
}

conversion converted(const event& ev, const conversion_options& options = {}) {
  auto c = to_conversion(ev, options);
  INFO(status_name(c.error()));
  REQUIRE(c.ok());
  return *c;
}

// A conversion borrows from its event, so the two are kept together. (The
// views stay valid when the event moves: they point into its heap memory.)
struct converted_event {
  event ev;
  conversion c;
};

// The status of converting the event `json` holds.
status conversion_error(const std::string& json) {
  const event ev = parsed(json);
  return to_conversion(ev).error();
}

converted_event converted(const std::string& json) {
  converted_event out{parsed(json), {}};
  out.c = converted(out.ev);
  return out;
}

std::optional<std::string> as_optional(std::optional<std::string_view> s) {
  return s ? std::optional<std::string>(std::string(*s)) : std::nullopt;
}

std::string status_text(conversion_status s) {
  switch (s) {
    case conversion_status::approved:
      return "approved";
    case conversion_status::pending:
      return "pending";
    case conversion_status::declined:
      return "declined";
    case conversion_status::reversed:
      return "reversed";
  }
  return "?";
}

// The JSON member `key` of `object` as a string, or nullopt when it is null.
std::optional<std::string> json_string_or_null(simdjson::dom::object object, const char* key) {
  simdjson::dom::element value;
  REQUIRE(object[key].get(value) == simdjson::SUCCESS);
  if (value.is_null()) return std::nullopt;
  std::string_view s;
  REQUIRE(value.get_string().get(s) == simdjson::SUCCESS);
  return std::string(s);
}

// A conversion built by hand, as a host restoring one from its database would.
conversion hand_made() {
  conversion c;
  c.event_id = "evt_hand";
  c.event_type = "checkout.session.completed";
  c.object_id = "cs_hand";
  c.click_id = "click-1";
  c.order_id = "pi_hand";
  c.payment_intent = "pi_hand";
  c.currency = "usd";
  c.dedupe_key = "pi_hand";
  c.amount = 1999;
  c.created = 1700000000;
  c.source = click_id_source::client_reference_id;
  c.click_id_valid = true;
  return c;
}

}  // namespace

TEST_CASE("every row of the mapping table, from realistic events", "[conversion]") {
  for (const expected_conversion& want : expected_conversions()) {
    CAPTURE(want.fixture);
    const event ev = parsed(event_fixture(want.fixture));
    const conversion c = converted(ev);
    CHECK(c.event_id == want.event_id);
    CHECK(c.event_type == want.type);
    CHECK(c.status == want.status);
    CHECK(c.amount == want.amount);
    CHECK(c.currency == want.currency);
    CHECK(as_optional(c.click_id) == want.click_id);
    CHECK(c.source == want.source);
    CHECK(c.click_id_valid == want.click_id_valid);
    CHECK(c.object_id == want.object_id);
    CHECK(as_optional(c.payment_intent) == want.payment_intent);
    CHECK(c.order_id == want.order_id);
    CHECK(c.dedupe_key == want.dedupe_key);
    CHECK(as_optional(c.payment_link) == want.payment_link);
    CHECK(as_optional(c.customer_email) == want.customer_email);
    CHECK(c.livemode == want.livemode);
    CHECK(c.created == ev.created());
  }
}

TEST_CASE("events that yield no conversion: CLICKREF_E_UNSUPPORTED_EVENT", "[conversion]") {
  for (const char* fixture :
       {"checkout-session-completed-setup", "checkout-session-expired", "payment-intent-succeeded"}) {
    CAPTURE(fixture);
    CHECK(conversion_error(event_fixture(fixture)) == CLICKREF_E_UNSUPPORTED_EVENT);
  }
  const std::string session = event_fixture("checkout-session-completed");
  const std::string charge = event_fixture("charge-succeeded");
  const std::string dispute = event_fixture("charge-dispute-created");
  const std::string setup = event_fixture("checkout-session-completed-setup");
  for (const std::string& json : {
           // Other session, charge and dispute events.
           edited(session, "checkout.session.completed", "checkout.session.async_payment_pending"),
           edited(session, "checkout.session.completed", "checkout.session.updated"),
           edited(charge, "\"charge.succeeded\"", "\"charge.failed\""),
           edited(charge, "\"charge.succeeded\"", "\"charge.captured\""),
           edited(charge, "\"charge.succeeded\"", "\"charge.updated\""),
           edited(dispute, "charge.dispute.created", "charge.dispute.closed"),
           // A payment_status Stripe has not documented is not guessed at.
           edited(session, "\"payment_status\": \"paid\"", "\"payment_status\": \"settling\""),
           // A setup session is never a purchase, whatever the event.
           edited(setup, "checkout.session.completed", "checkout.session.async_payment_succeeded"),
       }) {
    CHECK(conversion_error(json) == CLICKREF_E_UNSUPPORTED_EVENT);
  }
  const event empty;
  CHECK(to_conversion(empty).error() == CLICKREF_E_UNSUPPORTED_EVENT);
}

TEST_CASE("the events of one purchase share a dedupe_key", "[conversion]") {
  const std::vector<const char*> purchase_a = {"checkout-session-completed", "charge-succeeded",
                                               "charge-refunded", "charge-dispute-created"};
  for (const char* fixture : purchase_a) {
    CAPTURE(fixture);
    CHECK(converted(event_fixture(fixture)).c.dedupe_key == kPaymentIntentA);
  }
  // (A conversion borrows from its event: both events stay alive.)
  const event completed = parsed(event_fixture("checkout-session-completed-unpaid"));
  const event succeeded = parsed(event_fixture("checkout-session-async-payment-succeeded"));
  const conversion pending = converted(completed);
  const conversion settled = converted(succeeded);
  CHECK(pending.dedupe_key == settled.dedupe_key);
  CHECK(pending.status == conversion_status::pending);
  CHECK(settled.status == conversion_status::approved);
  // Different purchases do not collide.
  CHECK(pending.dedupe_key != converted(event_fixture("checkout-session-async-payment-failed")).c.dedupe_key);
}

TEST_CASE("the metadata key that carries the click id is configurable", "[conversion]") {
  const event jpy = parsed(event_fixture("checkout-session-completed-jpy-metadata"));
  conversion_options options;
  options.metadata_key = "campaign";
  const conversion c = converted(jpy, options);
  CHECK(c.click_id == "spring-sale");
  CHECK(c.source == click_id_source::metadata);
  options.metadata_key = "absent";
  const conversion none = converted(jpy, options);
  CHECK_FALSE(none.click_id);
  CHECK(none.source == click_id_source::none);
  CHECK_FALSE(none.click_id_valid);

  // client_reference_id wins over metadata; an empty one does not count.
  const std::string session = event_fixture("checkout-session-completed");
  const std::string both = edited(session, "\"metadata\": {},\n      \"mode\"",
                                  "\"metadata\": {\"click_id\": \"from_metadata\"},\n      \"mode\"");
  CHECK(converted(both).c.click_id == kClickA);
  const std::string empty_reference =
      edited(both, "\"client_reference_id\": \"" + kClickA + "\"", "\"client_reference_id\": \"\"");
  const converted_event from_metadata = converted(empty_reference);
  CHECK(from_metadata.c.click_id == "from_metadata");
  CHECK(from_metadata.c.source == click_id_source::metadata);
  // Charges only ever read metadata.
  const std::string charge = event_fixture("charge-succeeded");
  CHECK_FALSE(
      converted(edited(charge, "\"click_id\": \"" + kClickA + "\"", "\"click_id\": \"\"")).c.click_id);
}

TEST_CASE("click ids Stripe would drop are reported, flagged invalid", "[conversion]") {
  const std::string session = event_fixture("checkout-session-completed");
  for (const std::string& id : {"a b"s, "aff.42"s, std::string(201, 'a'), "caf\xC3\xA9"s, "x/y"s}) {
    CAPTURE(id);
    const std::string json = edited(session, "\"client_reference_id\": \"" + kClickA + "\"",
                                    "\"client_reference_id\": \"" + id + "\"");
    const converted_event got = converted(json);
    CHECK(got.c.click_id == id);
    CHECK_FALSE(got.c.click_id_valid);
  }
  const std::string longest(200, 'Z');
  CHECK(converted(edited(session, "\"client_reference_id\": \"" + kClickA + "\"",
                         "\"client_reference_id\": \"" + longest + "\""))
            .c.click_id_valid);
}

TEST_CASE("charge.succeeded takes amount when nothing was captured", "[conversion]") {
  const std::string charge = event_fixture("charge-succeeded");
  CHECK(converted(edited(charge, "\"amount_captured\": 4900", "\"amount_captured\": 0")).c.amount == 4900);
  CHECK(converted(edited(charge, "\"amount_captured\": 4900", "\"amount_captured\": 3000")).c.amount == 3000);
}

// ---------------------------------------------------------------- JSON

TEST_CASE("to_json: every fixture's conversion, parsed back", "[conversion][json]") {
  const std::vector<std::string> keys = {
      "event_id",        "event_type",     "livemode",       "created",   "status",         "click_id",
      "click_id_source", "click_id_valid", "order_id",       "object_id", "payment_intent", "payment_link",
      "customer_email",  "amount",         "amount_decimal", "currency",  "dedupe_key",     "effect",
      "recurrence",      "customer",       "subscription",   "invoice",   "charge",         "account",
      "billing_reason",  "promotion_code", "coupon",         "refund_id", "amount_refunded",
      "amount_refunded_decimal"};
  simdjson::dom::parser parser;
  for (const expected_conversion& want : expected_conversions()) {
    CAPTURE(want.fixture);
    const converted_event got = converted(event_fixture(want.fixture));
    const conversion& c = got.c;
    auto json = to_json(c);
    REQUIRE(json.ok());
    CAPTURE(*json);
    CHECK(json->find('\n') == std::string::npos);
    simdjson::dom::object object;
    REQUIRE(parser.parse(*json).get(object) == simdjson::SUCCESS);
    std::vector<std::string> seen;
    for (simdjson::dom::key_value_pair field : object) seen.emplace_back(field.key);
    CHECK(seen == keys);

    CHECK(json_string_or_null(object, "event_id") == want.event_id);
    CHECK(json_string_or_null(object, "event_type") == want.type);
    CHECK(json_string_or_null(object, "status") == status_text(want.status));
    CHECK(json_string_or_null(object, "click_id") == want.click_id);
    const char* source = want.source == click_id_source::client_reference_id ? "client_reference_id"
                         : want.source == click_id_source::metadata          ? "metadata"
                                                                             : nullptr;
    CHECK(json_string_or_null(object, "click_id_source") ==
          (source ? std::optional<std::string>(source) : std::nullopt));
    CHECK(json_string_or_null(object, "order_id") == want.order_id);
    CHECK(json_string_or_null(object, "object_id") == want.object_id);
    CHECK(json_string_or_null(object, "payment_intent") == want.payment_intent);
    CHECK(json_string_or_null(object, "payment_link") == want.payment_link);
    CHECK(json_string_or_null(object, "customer_email") == want.customer_email);
    CHECK(json_string_or_null(object, "amount_decimal") == want.amount_decimal);
    CHECK(json_string_or_null(object, "currency") == want.currency);
    CHECK(json_string_or_null(object, "dedupe_key") == want.dedupe_key);
    bool flag = false;
    REQUIRE(object["livemode"].get(flag) == simdjson::SUCCESS);
    CHECK(flag == want.livemode);
    REQUIRE(object["click_id_valid"].get(flag) == simdjson::SUCCESS);
    CHECK(flag == want.click_id_valid);
    int64_t number = 0;
    REQUIRE(object["amount"].get(number) == simdjson::SUCCESS);
    CHECK(number == want.amount);
    REQUIRE(object["created"].get(number) == simdjson::SUCCESS);
    CHECK(number == c.created);
  }
}

TEST_CASE("to_json escapes any bytes", "[conversion][json]") {
  conversion c = hand_made();
  const std::string nasty_id = "q\"b\\s/\x01\x1f\x7f\n\r\t\b\f";
  const std::string with_nul = "a\0b"s;
  const std::string not_utf8 = "ok\xFF\xC3(\xE2\x82\xED\xA0\x80\xF0\x9F\x98\x80";
  c.event_id = nasty_id;
  c.click_id = std::string_view(with_nul);
  c.customer_email = not_utf8;
  c.amount = INT64_MIN;
  c.created = INT64_MAX;
  auto json = to_json(c);
  REQUIRE(json.ok());
  CAPTURE(*json);
  // Never raw: no control character, no byte that is not UTF-8.
  for (unsigned char byte : *json) CHECK(byte >= 0x20);
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  REQUIRE(parser.parse(*json).get(object) == simdjson::SUCCESS);  // validates UTF-8 too
  CHECK(json_string_or_null(object, "event_id") == nasty_id);
  CHECK(json_string_or_null(object, "click_id") == with_nul);
  // Each maximal invalid subsequence became one U+FFFD; the emoji survived.
  CHECK(json_string_or_null(object, "customer_email") ==
        "ok" + kFFFD + kFFFD + "(" + kFFFD + kFFFD + kFFFD + kFFFD + "\xF0\x9F\x98\x80");
  CHECK(json_string_or_null(object, "amount_decimal") == "-92233720368547758.08");
  CHECK(json_string_or_null(object, "currency") == "USD");  // upper-cased on the way out
  int64_t number = 0;
  REQUIRE(object["amount"].get(number) == simdjson::SUCCESS);
  CHECK(number == INT64_MIN);
  REQUIRE(object["created"].get(number) == simdjson::SUCCESS);
  CHECK(number == INT64_MAX);
}

TEST_CASE("append_json_string: the exact escapes", "[conversion][json]") {
  auto literal = [](std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
  };
  CHECK(literal("") == "\"\"");
  CHECK(literal("plain text/é") == "\"plain text/\xC3\xA9\"");
  CHECK(literal("\"\\") == R"("\"\\")");
  CHECK(literal("\b\f\n\r\t") == R"("\b\f\n\r\t")");
  CHECK(literal("\x01\x1f"s + '\0') == R"("\u0001\u001f\u0000")");
  CHECK(literal("\x7f") == "\"\x7f\"");
  CHECK(literal("\xC0\xAF") == "\"" + kFFFD + kFFFD + "\"");  // overlong: two subparts
  CHECK(literal("\xE2\x82"
                "A") == "\"" + kFFFD + "A\"");            // one truncated sequence
  CHECK(literal("\xF0\x9F\x98") == "\"" + kFFFD + "\"");  // cut at the end
  CHECK(literal("\xF4\x90\x80\x80") == "\"" + kFFFD + kFFFD + kFFFD + kFFFD + "\"");  // above U+10FFFF
  CHECK(literal("\xEF\xBF\xBD") == "\"" + kFFFD + "\"");                              // a real U+FFFD is kept
  std::string appended = "x";
  append_json_string(appended, "y");
  CHECK(appended == "x\"y\"");
}

TEST_CASE("to_json refuses what it cannot write, appending nothing", "[conversion][json]") {
  std::string out = "kept";
  conversion c = hand_made();
  c.status = static_cast<conversion_status>(9);
  CHECK(append_json(c, out) == CLICKREF_E_INVALID_ARGUMENT);
  c = hand_made();
  c.source = static_cast<click_id_source>(-1);
  CHECK(append_json(c, out) == CLICKREF_E_INVALID_ARGUMENT);
  c = hand_made();
  c.currency = "dollars";
  CHECK(append_json(c, out) == CLICKREF_E_INVALID_ARGUMENT);
  CHECK(out == "kept");
  CHECK(to_json(c).error() == CLICKREF_E_INVALID_ARGUMENT);
}

// ---------------------------------------------------------------- amounts

TEST_CASE("format_amount: Stripe's exponents", "[conversion][amount]") {
  struct row {
    int64_t amount;
    const char* currency;
    const char* decimal;
  };
  for (const row& r : std::vector<row>{
           {1999, "usd", "19.99"},
           {1999, "USD", "19.99"},
           {5, "eur", "0.05"},
           {50, "eur", "0.50"},
           {0, "eur", "0.00"},
           {-1999, "usd", "-19.99"},
           {-5, "usd", "-0.05"},
           {100, "gbp", "1.00"},
           {500, "jpy", "500"},
           {0, "JPY", "0"},
           {-500, "krw", "-500"},
           {1234, "kwd", "1.234"},
           {1, "bhd", "0.001"},
           {-5, "TND", "-0.005"},
           {12345, "isk", "123.45"},  // Stripe sends ISK ×100
           {INT64_MAX, "usd", "92233720368547758.07"},
           {INT64_MIN, "usd", "-92233720368547758.08"},
           {INT64_MIN, "jpy", "-9223372036854775808"},
           {INT64_MIN, "kwd", "-9223372036854775.808"},
       }) {
    CAPTURE(r.amount, r.currency);
    auto decimal = format_amount(r.amount, r.currency);
    REQUIRE(decimal.ok());
    CHECK(*decimal == r.decimal);
  }
  for (const char* code : {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND",
                           "VUV", "XAF", "XOF", "XPF"}) {
    CAPTURE(code);
    CHECK(*format_amount(1234, code) == "1234");
  }
  for (const char* code : {"BHD", "JOD", "KWD", "OMR", "TND"}) {
    CAPTURE(code);
    CHECK(*format_amount(1234, code) == "1.234");
  }
  for (const char* code : {"CHF", "CAD", "HUF", "TWD", "MXN", "INR", "ZAR"}) {
    CAPTURE(code);
    CHECK(*format_amount(1234, code) == "12.34");
  }
  for (const std::string& bad : {""s, "us"s, "usdd"s, "us1"s, "u d"s, "\xC3\xBCsd"s, "us\0"s}) {
    CAPTURE(bad);
    CHECK(format_amount(100, bad).error() == CLICKREF_E_INVALID_ARGUMENT);
  }
}

// ---------------------------------------------------------------- postback URLs

TEST_CASE("postback_url: Tracknow's parameters, percent-encoded", "[conversion][postback]") {
  const converted_event session = converted(event_fixture("checkout-session-completed"));
  const conversion& c = session.c;
  const std::string params =
      "click_id=" + kClickA + "&order_id=" + kPaymentIntentA + "&amount=49.00&currency=USD";
  const std::string base = "https://acme-tracking.tracknow.info/postback";
  CHECK(*postback_url(c, base) == base + "?" + params);
  CHECK(*postback_url(c, base, "campaign_id=7&goal=sale") ==
        base + "?" + params + "&campaign_id=7&goal=sale");
  // A base with a query, an empty one, one ending in '&', a fragment.
  CHECK(*postback_url(c, base + "?campaign_id=7") == base + "?campaign_id=7&" + params);
  CHECK(*postback_url(c, base + "?") == base + "?" + params);
  CHECK(*postback_url(c, base + "?a=1&") == base + "?a=1&" + params);
  CHECK(*postback_url(c, base + "#top") == base + "?" + params + "#top");
  CHECK(*postback_url(c, base + "?a=1#x?y", "goal=sale") == base + "?a=1&" + params + "&goal=sale#x?y");
  CHECK(*postback_url(c, "HTTP://tracker.example/pb") == "HTTP://tracker.example/pb?" + params);

  // Values are encoded as encodeURIComponent does.
  const converted_event odd = converted(event_fixture("checkout-session-completed-invalid-click-id"));
  CHECK(*postback_url(odd.c, base) ==
        base +
            "?click_id=aff.42%2Fsummer%20sale&order_id=pi_3QuBaDLkdIwHu7ix0BaDc1iD"
            "&amount=9.90&currency=CHF");
  conversion hand = hand_made();
  hand.click_id = "a&b=c?d#e+f%g\xC3\xA9";
  hand.order_id = "ord 1";
  hand.amount = -1234;
  hand.currency = "kwd";
  CHECK(*postback_url(hand, base) ==
        base + "?click_id=a%26b%3Dc%3Fd%23e%2Bf%25g%C3%A9&order_id=ord%201&amount=-1.234&currency=KWD");
}

TEST_CASE("postback_url refuses what would be unattributable or malformed", "[conversion][postback]") {
  const std::string base = "https://acme-tracking.tracknow.info/postback";
  const converted_event dispute = converted(event_fixture("charge-dispute-created"));
  CHECK(postback_url(dispute.c, base).error() == CLICKREF_E_NOT_FOUND);
  conversion c = hand_made();
  c.click_id = "";
  CHECK(postback_url(c, base).error() == CLICKREF_E_NOT_FOUND);
  c = hand_made();
  for (const std::string& bad :
       {""s, "tracknow.info/postback"s, "ftp://x/postback"s, "https://"s, "https:///path"s,
        "https://x/post back"s, "https://x/\xC3\xA9"s, "https://x/\n"s, " https://x/"s}) {
    CAPTURE(bad);
    CHECK(postback_url(c, bad).error() == CLICKREF_E_INVALID_URL);
  }
  for (const std::string& bad : {"goal=sale#x"s, "goal=big sale"s, "goal=\x01"s, "goal=caf\xC3\xA9"s}) {
    CAPTURE(bad);
    CHECK(postback_url(c, base, bad).error() == CLICKREF_E_INVALID_URL);
  }
  c.currency = "";
  CHECK(postback_url(c, base).error() == CLICKREF_E_INVALID_ARGUMENT);
  std::string out = "kept";
  CHECK(append_postback_url(c, base, "", out) == CLICKREF_E_INVALID_ARGUMENT);
  CHECK(out == "kept");
}
