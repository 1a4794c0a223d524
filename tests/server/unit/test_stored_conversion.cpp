// stored_conversion: what the events table keeps of each event's conversion.
#include "stored_conversion.hpp"

#include <string>
#include <string_view>

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

using server::decode_conversion;
using server::encode_conversion;

namespace {

clickref_str str(std::string_view s) { return clickref_str{s.data(), s.size()}; }
std::string_view text(clickref_str s) { return s.len ? std::string_view(s.data, s.len) : std::string_view(); }

clickref_conversion sample() {
  clickref_conversion c{};
  c.event_id = str("evt_1");
  c.event_type = str("refund.updated");
  c.order_id = str("pi_1");
  c.dedupe_key = str("acct_1/pi_1");
  c.click_id = str(std::string_view("aff_\0x", 6));  // a NUL inside is kept
  c.click_id_valid = 1;
  c.click_id_source = CLICKREF_CLICK_ID_METADATA;
  c.currency = str("USD");
  c.account = str("acct_1");
  c.subscription = str("sub_1");
  c.refund_id = str("re_1");
  c.amount = -5;  // negative amounts survive the zigzag encoding
  c.amount_refunded = INT64_MAX;
  c.created = 1764547200;
  c.status = CLICKREF_CONVERSION_APPROVED;
  c.effect = CLICKREF_EFFECT_REFUND;
  c.recurrence = CLICKREF_RECURRENCE_RENEWAL;
  c.livemode = 1;
  return c;
}

}  // namespace

TEST_CASE("stored conversion: what the fold reads survives the round trip", "[stored]") {
  const clickref_conversion c = sample();
  const std::string bytes = encode_conversion(c);
  clickref_conversion d{};
  REQUIRE(decode_conversion(bytes, d));
  CHECK(text(d.event_type) == "refund.updated");
  CHECK(text(d.click_id) == std::string_view("aff_\0x", 6));
  CHECK(text(d.currency) == "USD");
  CHECK(text(d.account) == "acct_1");
  CHECK(text(d.subscription) == "sub_1");
  CHECK(text(d.refund_id) == "re_1");
  CHECK(text(d.customer_email).empty());
  CHECK((d.amount == -5 && d.amount_refunded == INT64_MAX && d.created == 1764547200));
  CHECK((d.status == c.status && d.effect == c.effect && d.recurrence == c.recurrence));
  CHECK((d.livemode == 1 && d.click_id_valid == 1 && d.click_id_source == CLICKREF_CLICK_ID_METADATA));
  // The linking ids are not kept: the events and purchase_links tables hold them.
  CHECK(text(d.event_id).empty());
  CHECK(text(d.dedupe_key).empty());
  CHECK(bytes.size() < 80);
}

TEST_CASE("stored conversion: truncated, foreign or padded bytes are refused", "[stored]") {
  const std::string bytes = encode_conversion(sample());
  clickref_conversion d{};
  for (size_t n = 0; n < bytes.size(); ++n) {
    CHECK_FALSE(decode_conversion(std::string_view(bytes.data(), n), d));
    CHECK(d.event_type.len == 0);
  }
  CHECK_FALSE(decode_conversion(bytes + "x", d));
  std::string other = bytes;
  other[0] = 2;
  CHECK_FALSE(decode_conversion(other, d));
  // A varint longer than any 64-bit value, and a length past the end.
  CHECK_FALSE(decode_conversion(std::string("\x01") + std::string(11, '\xff'), d));
  CHECK_FALSE(decode_conversion(std::string("\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f", 11), d));
}
