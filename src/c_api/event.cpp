// C ABI: events and conversions (a thin layer over clickref/event.hpp).
#include <clickref/clickref.h>
#include <clickref/event.hpp>

#include "c_api/boundary.hpp"

#include <string>

using namespace clickref;
using namespace clickref::c_api;

struct clickref_event {
  clickref::event impl;
};

namespace {

clickref_str to_c(std::string_view s) { return clickref_str{s.data(), s.size()}; }

clickref_str to_c(std::optional<std::string_view> s) { return s ? to_c(*s) : clickref_str{nullptr, 0}; }

bool is_valid(const clickref_str& s) { return is_valid_input(s.data, s.len); }

std::string_view from_c(const clickref_str& s) { return view(s.data, s.len); }

std::optional<std::string_view> optional_from_c(const clickref_str& s) {
  if (s.data == nullptr) return std::nullopt;
  return std::string_view(s.data, s.len);
}

// The string fields of the two records, pairwise, each named once for both
// directions and for the check of a caller's record.
template <class Value>
struct string_field {
  clickref_str clickref_conversion::*c;
  Value conversion::*cpp;
};

constexpr string_field<std::string_view> kStrings[] = {
    {&clickref_conversion::event_id, &conversion::event_id},
    {&clickref_conversion::event_type, &conversion::event_type},
    {&clickref_conversion::object_id, &conversion::object_id},
    {&clickref_conversion::order_id, &conversion::order_id},
    {&clickref_conversion::currency, &conversion::currency},
    {&clickref_conversion::dedupe_key, &conversion::dedupe_key},
};

constexpr string_field<std::optional<std::string_view>> kOptionalStrings[] = {
    {&clickref_conversion::click_id, &conversion::click_id},
    {&clickref_conversion::payment_intent, &conversion::payment_intent},
    {&clickref_conversion::payment_link, &conversion::payment_link},
    {&clickref_conversion::customer_email, &conversion::customer_email},
    {&clickref_conversion::customer, &conversion::customer},
    {&clickref_conversion::subscription, &conversion::subscription},
    {&clickref_conversion::invoice, &conversion::invoice},
    {&clickref_conversion::charge, &conversion::charge},
    {&clickref_conversion::account, &conversion::account},
    {&clickref_conversion::billing_reason, &conversion::billing_reason},
    {&clickref_conversion::promotion_code, &conversion::promotion_code},
    {&clickref_conversion::coupon, &conversion::coupon},
    {&clickref_conversion::refund_id, &conversion::refund_id},
};

clickref_conversion to_c(const conversion& c) {
  clickref_conversion out{};
  for (const auto& f : kStrings) out.*f.c = to_c(c.*f.cpp);
  for (const auto& f : kOptionalStrings) out.*f.c = to_c(c.*f.cpp);
  out.amount = c.amount;
  out.created = c.created;
  out.status = static_cast<int32_t>(c.status);
  out.livemode = c.livemode ? 1 : 0;
  out.click_id_source = static_cast<int32_t>(c.source);
  out.click_id_valid = c.click_id_valid ? 1 : 0;
  out.amount_refunded = c.amount_refunded;
  out.effect = static_cast<int32_t>(c.effect);
  out.recurrence = static_cast<int32_t>(c.recurrence);
  return out;
}

// A conversion the caller may have filled in itself: every string must be a
// valid input, and the flags 0 or 1. (The enums are checked by the C++ API.)
bool from_c(const clickref_conversion& in, conversion& out) {
  for (const auto& f : kStrings) {
    if (!is_valid(in.*f.c)) return false;
  }
  for (const auto& f : kOptionalStrings) {
    if (!is_valid(in.*f.c)) return false;
  }
  if ((in.livemode != 0 && in.livemode != 1) || (in.click_id_valid != 0 && in.click_id_valid != 1))
    return false;
  for (const auto& f : kStrings) out.*f.cpp = from_c(in.*f.c);
  for (const auto& f : kOptionalStrings) out.*f.cpp = optional_from_c(in.*f.c);
  out.amount = in.amount;
  out.created = in.created;
  out.status = static_cast<conversion_status>(in.status);
  out.livemode = in.livemode == 1;
  out.source = static_cast<click_id_source>(in.click_id_source);
  out.click_id_valid = in.click_id_valid == 1;
  out.amount_refunded = in.amount_refunded;
  out.effect = static_cast<conversion_effect>(in.effect);
  out.recurrence = static_cast<clickref::recurrence>(in.recurrence);
  return true;
}

}  // namespace

extern "C" {

clickref_status clickref_event_parse(const char* payload, size_t len, clickref_event** out,
                                     clickref_error* err) {
  if (out == nullptr) return report(err, CLICKREF_E_INVALID_ARGUMENT);
  *out = nullptr;
  if (!is_valid_input(payload, len)) return report(err, CLICKREF_E_INVALID_ARGUMENT);
  const clickref_status s = guarded([&]() -> clickref_status {
    auto ev = parse_event(view(payload, len), err);
    if (!ev) return ev.error();
    *out = new clickref_event{std::move(*ev)};
    return CLICKREF_OK;
  });
  // The C++ parse fills `err` itself; an exception caught at the boundary did not.
  if (s == CLICKREF_E_NO_MEMORY || s == CLICKREF_E_INTERNAL) report(err, s);
  return s;
}

void clickref_event_free(clickref_event* ev) { delete ev; }

clickref_status clickref_event_conversion(const clickref_event* ev, clickref_conversion* out) {
  if (out == nullptr) return CLICKREF_E_INVALID_ARGUMENT;
  *out = clickref_conversion{};
  if (ev == nullptr) return CLICKREF_E_INVALID_ARGUMENT;
  return guarded([&]() -> clickref_status {
    auto c = to_conversion(ev->impl);
    if (!c) return c.error();
    *out = to_c(*c);
    return CLICKREF_OK;
  });
}

clickref_status clickref_conversion_to_json(const clickref_conversion* c, char* out, size_t cap,
                                            size_t* out_len) {
  if (c == nullptr || out_len == nullptr) return CLICKREF_E_INVALID_ARGUMENT;
  return guarded([&]() -> clickref_status {
    conversion conv;
    if (!from_c(*c, conv)) return CLICKREF_E_INVALID_ARGUMENT;
    std::string json;
    if (status s = append_json(conv, json); s != CLICKREF_OK) return s;
    return write_output(json, out, cap, out_len);
  });
}

clickref_status clickref_format_amount(int64_t amount, const char* currency, size_t currency_len, char* out,
                                       size_t cap, size_t* out_len) {
  if (!is_valid_input(currency, currency_len) || out_len == nullptr) return CLICKREF_E_INVALID_ARGUMENT;
  return guarded([&]() -> clickref_status {
    std::string decimal;
    if (status s = append_amount(amount, view(currency, currency_len), decimal); s != CLICKREF_OK) return s;
    return write_output(decimal, out, cap, out_len);
  });
}

clickref_status clickref_postback_url(const clickref_conversion* c, const char* base, size_t base_len,
                                      const char* extra_query, size_t extra_len, char* out, size_t cap,
                                      size_t* out_len) {
  if (c == nullptr || out_len == nullptr || !is_valid_input(base, base_len) ||
      !is_valid_input(extra_query, extra_len)) {
    return CLICKREF_E_INVALID_ARGUMENT;
  }
  return guarded([&]() -> clickref_status {
    conversion conv;
    if (!from_c(*c, conv)) return CLICKREF_E_INVALID_ARGUMENT;
    std::string url;
    const status s = append_postback_url(conv, view(base, base_len), view(extra_query, extra_len), url);
    if (s != CLICKREF_OK) return s;
    return write_output(url, out, cap, out_len);
  });
}

}  // extern "C"
