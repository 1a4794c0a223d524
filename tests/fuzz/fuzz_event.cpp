// Event parsing, conversion, JSON output and postback URLs.
// Input: a webhook body.
// Invariants: only the documented statuses, with agreeing error detail; an
// unsupported event zeroes the conversion; a conversion's fields are in
// their documented ranges; its JSON parses back (simdjson) to the same
// values; its postback URL carries the click id and order id back out
// through clickref_click_id_from_url.
#include "fuzz_support.hpp"

#include <simdjson.h>

#include <cstring>

namespace {

using clickref::fuzz::write_both_ways;

std::string_view view(clickref_str s) {
  return s.data ? std::string_view(s.data, s.len) : std::string_view();
}

// Absent is {NULL, 0}; a NULL pointer never comes with a length.
bool is_well_formed(clickref_str s) { return s.data != nullptr || s.len == 0; }

void check_fields(const clickref_conversion& c) {
  const clickref_str strings[] = {c.event_id,       c.event_type,     c.object_id,    c.click_id,
                                  c.order_id,       c.payment_intent, c.payment_link, c.customer_email,
                                  c.currency,       c.dedupe_key,     c.customer,     c.subscription,
                                  c.invoice,        c.charge,         c.account,      c.billing_reason,
                                  c.promotion_code, c.coupon,         c.refund_id};
  for (const clickref_str& s : strings) {
    FUZZ_CHECK(is_well_formed(s));
    FUZZ_CHECK(simdjson::validate_utf8(s.data ? s.data : "", s.len));
  }
  FUZZ_CHECK(c.status >= CLICKREF_CONVERSION_APPROVED && c.status <= CLICKREF_CONVERSION_REVERSED);
  FUZZ_CHECK(c.livemode == 0 || c.livemode == 1);
  FUZZ_CHECK(c.click_id_source >= CLICKREF_CLICK_ID_NONE && c.click_id_source <= CLICKREF_CLICK_ID_METADATA);
  FUZZ_CHECK((c.click_id_source == CLICKREF_CLICK_ID_NONE) == (c.click_id.len == 0));
  FUZZ_CHECK(c.click_id_valid == clickref_click_id_valid(c.click_id.data, c.click_id.len));
  for (char ch : view(c.currency)) FUZZ_CHECK(!(ch >= 'a' && ch <= 'z'));
  FUZZ_CHECK(c.effect >= CLICKREF_EFFECT_PAYMENT && c.effect <= CLICKREF_EFFECT_DISPUTE);
  FUZZ_CHECK(c.recurrence >= CLICKREF_RECURRENCE_UNKNOWN && c.recurrence <= CLICKREF_RECURRENCE_RENEWAL);
  FUZZ_CHECK((c.refund_id.len != 0) <= (c.effect == CLICKREF_EFFECT_REFUND));
  // The key is the order id, or the account's: "<account>/<order id>".
  const std::string_view key = view(c.dedupe_key), order = view(c.order_id), account = view(c.account);
  FUZZ_CHECK(account.empty() ? key == order
                             : key.size() == account.size() + 1 + order.size() && key.substr(0, account.size()) == account &&
                                   key[account.size()] == '/' && key.substr(account.size() + 1) == order);
}

// The JSON must parse, and say what the struct says.
void check_json(const clickref_conversion& c, const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  FUZZ_CHECK(parser.parse(json).get(object) == simdjson::SUCCESS);
  int64_t amount = 0;
  FUZZ_CHECK(object["amount"].get(amount) == simdjson::SUCCESS && amount == c.amount);
  int64_t created = 0;
  FUZZ_CHECK(object["created"].get(created) == simdjson::SUCCESS && created == c.created);
  const std::pair<const char*, clickref_str> strings[] = {{"event_id", c.event_id},
                                                          {"click_id", c.click_id},
                                                          {"order_id", c.order_id},
                                                          {"customer_email", c.customer_email},
                                                          {"dedupe_key", c.dedupe_key},
                                                          {"subscription", c.subscription},
                                                          {"invoice", c.invoice},
                                                          {"account", c.account},
                                                          {"promotion_code", c.promotion_code},
                                                          {"refund_id", c.refund_id}};
  for (const auto& [key, expected] : strings) {
    simdjson::dom::element value;
    FUZZ_CHECK(object[key].get(value) == simdjson::SUCCESS);
    if (expected.data == nullptr) {
      FUZZ_CHECK(value.is_null());
    } else {
      std::string_view text;
      FUZZ_CHECK(value.get(text) == simdjson::SUCCESS && text == view(expected));
    }
  }
}

// Reads `param` back out of a postback URL with the library's own
// URLSearchParams decoding: what was encoded must come back byte for byte.
void check_postback_param(const std::string& url, const char* param, clickref_str expected) {
  if (expected.len == 0) return;
  std::string value;
  const clickref_status s = write_both_ways(
      [&](char* out, size_t cap, size_t* out_len) {
        return clickref_click_id_from_url(url.data(), url.size(), param, std::strlen(param), out, cap,
                                          out_len);
      },
      value);
  FUZZ_CHECK(s == CLICKREF_OK && value == view(expected));
}

void check_outputs(const clickref_conversion& c) {
  std::string json;
  FUZZ_CHECK(
      write_both_ways([&](char* out, size_t cap,
                          size_t* out_len) { return clickref_conversion_to_json(&c, out, cap, out_len); },
                      json) == CLICKREF_OK);
  check_json(c, json);

  std::string amount;
  const clickref_status a = write_both_ways(
      [&](char* out, size_t cap, size_t* out_len) {
        return clickref_format_amount(c.amount, c.currency.data, c.currency.len, out, cap, out_len);
      },
      amount);
  FUZZ_CHECK(a == CLICKREF_OK || a == CLICKREF_E_INVALID_ARGUMENT);

  static constexpr char kBase[] = "https://track.example/postback?campaign=1";
  static constexpr char kExtra[] = "goal=sale";
  std::string postback;
  const clickref_status p = write_both_ways(
      [&](char* out, size_t cap, size_t* out_len) {
        return clickref_postback_url(&c, kBase, sizeof kBase - 1, kExtra, sizeof kExtra - 1, out, cap,
                                     out_len);
      },
      postback);
  if (c.click_id.len == 0) {
    FUZZ_CHECK(p == CLICKREF_E_NOT_FOUND);
    return;
  }
  FUZZ_CHECK(p == CLICKREF_OK);
  check_postback_param(postback, "click_id", c.click_id);
  check_postback_param(postback, "order_id", c.order_id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace clickref::fuzz;
  const std::string_view payload = as_view(data, size);

  clickref_event* event = nullptr;
  clickref_error err{};
  const clickref_status s = clickref_event_parse(payload.data(), payload.size(), &event, &err);
  FUZZ_CHECK(is_one_of(s, {CLICKREF_OK, CLICKREF_E_JSON, CLICKREF_E_JSON_TOO_DEEP, CLICKREF_E_NOT_AN_EVENT,
                           CLICKREF_E_BAD_FIELD}));
  if (s != CLICKREF_OK) {
    FUZZ_CHECK(err.code == s && err.message != nullptr && err.offset <= size);
    return 0;
  }
  FUZZ_CHECK(event != nullptr);

  clickref_conversion c;
  std::memset(&c, 0xA5, sizeof c);  // so that "zeroed" is visible
  const clickref_status cs = clickref_event_conversion(event, &c);
  FUZZ_CHECK(cs == CLICKREF_OK || cs == CLICKREF_E_UNSUPPORTED_EVENT);
  if (cs == CLICKREF_OK) {
    check_fields(c);
    check_outputs(c);
  } else {
    const clickref_conversion zero{};
    FUZZ_CHECK(std::memcmp(&c, &zero, sizeof c) == 0);
  }
  clickref_event_free(event);
  return 0;
}
