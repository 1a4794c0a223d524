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

clickref_conversion to_c(const conversion& c) {
  clickref_conversion out{};
  out.event_id = to_c(c.event_id);
  out.event_type = to_c(c.event_type);
  out.object_id = to_c(c.object_id);
  out.click_id = to_c(c.click_id);
  out.order_id = to_c(c.order_id);
  out.payment_intent = to_c(c.payment_intent);
  out.payment_link = to_c(c.payment_link);
  out.customer_email = to_c(c.customer_email);
  out.currency = to_c(c.currency);
  out.dedupe_key = to_c(c.dedupe_key);
  out.amount = c.amount;
  out.created = c.created;
  out.status = static_cast<int32_t>(c.status);
  out.livemode = c.livemode ? 1 : 0;
  out.click_id_source = static_cast<int32_t>(c.source);
  out.click_id_valid = c.click_id_valid ? 1 : 0;
  out.customer = to_c(c.customer);
  out.subscription = to_c(c.subscription);
  out.invoice = to_c(c.invoice);
  out.charge = to_c(c.charge);
  out.account = to_c(c.account);
  out.billing_reason = to_c(c.billing_reason);
  out.promotion_code = to_c(c.promotion_code);
  out.coupon = to_c(c.coupon);
  out.refund_id = to_c(c.refund_id);
  out.amount_refunded = c.amount_refunded;
  out.effect = static_cast<int32_t>(c.effect);
  out.recurrence = static_cast<int32_t>(c.recurrence);
  return out;
}

// A conversion the caller may have filled in itself: every string must be a
// valid input, and the flags 0 or 1. (The enums are checked by the C++ API.)
bool from_c(const clickref_conversion& in, conversion& out) {
  for (const clickref_str* s :
       {&in.event_id, &in.event_type, &in.object_id, &in.click_id, &in.order_id, &in.payment_intent,
        &in.payment_link, &in.customer_email, &in.currency, &in.dedupe_key, &in.customer, &in.subscription,
        &in.invoice, &in.charge, &in.account, &in.billing_reason, &in.promotion_code, &in.coupon,
        &in.refund_id}) {
    if (!is_valid(*s)) return false;
  }
  if ((in.livemode != 0 && in.livemode != 1) || (in.click_id_valid != 0 && in.click_id_valid != 1))
    return false;
  out.event_id = from_c(in.event_id);
  out.event_type = from_c(in.event_type);
  out.object_id = from_c(in.object_id);
  out.click_id = optional_from_c(in.click_id);
  out.order_id = from_c(in.order_id);
  out.payment_intent = optional_from_c(in.payment_intent);
  out.payment_link = optional_from_c(in.payment_link);
  out.customer_email = optional_from_c(in.customer_email);
  out.currency = from_c(in.currency);
  out.dedupe_key = from_c(in.dedupe_key);
  out.amount = in.amount;
  out.created = in.created;
  out.status = static_cast<conversion_status>(in.status);
  out.livemode = in.livemode == 1;
  out.source = static_cast<click_id_source>(in.click_id_source);
  out.click_id_valid = in.click_id_valid == 1;
  out.customer = optional_from_c(in.customer);
  out.subscription = optional_from_c(in.subscription);
  out.invoice = optional_from_c(in.invoice);
  out.charge = optional_from_c(in.charge);
  out.account = optional_from_c(in.account);
  out.billing_reason = optional_from_c(in.billing_reason);
  out.promotion_code = optional_from_c(in.promotion_code);
  out.coupon = optional_from_c(in.coupon);
  out.refund_id = optional_from_c(in.refund_id);
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
