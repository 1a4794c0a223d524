#include "stored_conversion.hpp"

#include <cstdint>

namespace server {
namespace {

// Format 1: the version byte, then the integers, then the strings, each
// string as its length and its bytes; lengths and integers as LEB128
// varints (the signed ones zigzag-encoded). Only what fold_purchase reads
// is kept: the ids that only link events (event, object, order, payment
// intent, invoice, charge) are in the events and purchase_links tables.
constexpr unsigned char kFormat = 1;

constexpr int64_t clickref_conversion::*kIntegers[] = {
    &clickref_conversion::amount, &clickref_conversion::created, &clickref_conversion::amount_refunded};
constexpr int32_t clickref_conversion::*kSmallIntegers[] = {
    &clickref_conversion::status,         &clickref_conversion::livemode, &clickref_conversion::click_id_source,
    &clickref_conversion::click_id_valid, &clickref_conversion::effect,   &clickref_conversion::recurrence};
constexpr clickref_str clickref_conversion::*kStrings[] = {
    &clickref_conversion::event_type,     &clickref_conversion::click_id,     &clickref_conversion::payment_link,
    &clickref_conversion::customer_email, &clickref_conversion::currency,     &clickref_conversion::customer,
    &clickref_conversion::subscription,   &clickref_conversion::account,      &clickref_conversion::promotion_code,
    &clickref_conversion::coupon,         &clickref_conversion::refund_id};

uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

void put(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

class reader {
 public:
  explicit reader(std::string_view bytes) : rest_(bytes) {}

  bool take(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (rest_.empty()) return false;
      const auto byte = static_cast<unsigned char>(rest_.front());
      rest_.remove_prefix(1);
      v |= uint64_t{byte & 0x7fu} << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;  // longer than any 64-bit value
  }

  bool take(std::string_view& s, uint64_t len) {
    if (rest_.size() < len) return false;
    s = rest_.substr(0, static_cast<size_t>(len));
    rest_.remove_prefix(static_cast<size_t>(len));
    return true;
  }

  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace

std::string encode_conversion(const clickref_conversion& c) {
  std::string out(1, static_cast<char>(kFormat));
  for (const auto field : kIntegers) put(out, zigzag(c.*field));
  for (const auto field : kSmallIntegers) put(out, zigzag(c.*field));
  for (const auto field : kStrings) {
    const clickref_str s = c.*field;
    put(out, s.len);
    if (s.len) out.append(s.data, s.len);
  }
  return out;
}

bool decode_conversion(std::string_view bytes, clickref_conversion& out) {
  out = clickref_conversion{};
  clickref_conversion c{};
  reader in(bytes);
  uint64_t v = 0;
  if (!in.take(v) || v != kFormat) return false;
  for (const auto field : kIntegers) {
    if (!in.take(v)) return false;
    c.*field = unzigzag(v);
  }
  for (const auto field : kSmallIntegers) {
    if (!in.take(v)) return false;
    const int64_t n = unzigzag(v);
    if (n < INT32_MIN || n > INT32_MAX) return false;
    c.*field = static_cast<int32_t>(n);
  }
  for (const auto field : kStrings) {
    std::string_view s;
    if (!in.take(v) || !in.take(s, v)) return false;
    c.*field = clickref_str{s.empty() ? nullptr : s.data(), s.size()};
  }
  if (!in.done()) return false;
  out = c;
  return true;
}

}  // namespace server
