// A conversion as one JSON object.
#include <clickref/event.hpp>

#include "currency.hpp"

#include <charconv>

namespace clickref {

namespace {

std::string_view status_name(conversion_status s) {
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
  return {};
}

// The JSON value of click_id_source (a name, or an empty optional for null),
// or nullopt for a value outside the enum.
std::optional<std::optional<std::string_view>> source_name(click_id_source s) {
  switch (s) {
    case click_id_source::client_reference_id:
      return std::optional<std::string_view>("client_reference_id");
    case click_id_source::metadata:
      return std::optional<std::string_view>("metadata");
    case click_id_source::none:
      return std::optional<std::string_view>();
  }
  return std::nullopt;
}

std::string_view effect_name(conversion_effect e) {
  switch (e) {
    case conversion_effect::payment:
      return "payment";
    case conversion_effect::refund:
      return "refund";
    case conversion_effect::dispute:
      return "dispute";
  }
  return {};
}

std::string_view recurrence_name(recurrence r) {
  switch (r) {
    case recurrence::unknown:
      return "unknown";
    case recurrence::one_time:
      return "one_time";
    case recurrence::first:
      return "first";
    case recurrence::renewal:
      return "renewal";
  }
  return {};
}

// Writes one JSON object's members in order. Keys are given with their
// quotes and colon ("\"amount\":"), so that each costs one append.
class object_writer {
 public:
  explicit object_writer(std::string& out) : out_(out) {}

  // Appends the key; the caller appends the value.
  std::string& key(std::string_view quoted_key) {
    out_ += first_ ? '{' : ',';
    first_ = false;
    out_ += quoted_key;
    return out_;
  }

  void string(std::string_view quoted_key, std::string_view value) {
    append_json_string(key(quoted_key), value);
  }

  void string_or_null(std::string_view quoted_key, std::optional<std::string_view> value) {
    if (value) {
      string(quoted_key, *value);
    } else {
      key(quoted_key) += "null";
    }
  }

  void boolean(std::string_view quoted_key, bool value) { key(quoted_key) += value ? "true" : "false"; }

  void integer(std::string_view quoted_key, int64_t value) {
    char digits[24];
    const std::to_chars_result r = std::to_chars(digits, digits + sizeof digits, value);
    key(quoted_key).append(digits, static_cast<size_t>(r.ptr - digits));
  }

  void close() { out_ += '}'; }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace

status append_json(const conversion& c, std::string& out) {
  // Everything that can fail is checked before anything is appended.
  const std::string_view status_text = status_name(c.status);
  const auto source = source_name(c.source);
  const std::string_view effect_text = effect_name(c.effect);
  const std::string_view recurrence_text = recurrence_name(c.recurrence);
  if (status_text.empty() || !source || effect_text.empty() || recurrence_text.empty() ||
      !detail::is_currency_code(c.currency))
    return CLICKREF_E_INVALID_ARGUMENT;
  const std::array<char, 3> currency = detail::upper_currency(c.currency);

  // One allocation at most: the keys, numbers and punctuation take under
  // 800 bytes; escaping may still grow the strings.
  const std::optional<std::string_view> linking_ids[] = {
      c.customer, c.subscription, c.invoice, c.charge, c.account, c.billing_reason,
      c.promotion_code, c.coupon, c.refund_id};
  size_t strings =
      c.event_id.size() + c.event_type.size() + c.object_id.size() + c.order_id.size() + c.dedupe_key.size();
  for (const auto& s : {c.click_id, c.payment_intent, c.payment_link, c.customer_email})
    strings += s ? s->size() : 0;
  for (const auto& s : linking_ids) strings += s ? s->size() : 0;
  if (out.capacity() - out.size() < strings + 800) out.reserve(out.size() + strings + 800);

  object_writer json(out);
  json.string("\"event_id\":", c.event_id);
  json.string("\"event_type\":", c.event_type);
  json.boolean("\"livemode\":", c.livemode);
  json.integer("\"created\":", c.created);
  json.string("\"status\":", status_text);
  json.string_or_null("\"click_id\":", c.click_id);
  json.string_or_null("\"click_id_source\":", *source);
  json.boolean("\"click_id_valid\":", c.click_id_valid);
  json.string("\"order_id\":", c.order_id);
  json.string("\"object_id\":", c.object_id);
  json.string_or_null("\"payment_intent\":", c.payment_intent);
  json.string_or_null("\"payment_link\":", c.payment_link);
  json.string_or_null("\"customer_email\":", c.customer_email);
  json.integer("\"amount\":", c.amount);
  json.key("\"amount_decimal\":\"");
  (void)append_amount(c.amount, c.currency, out);  // cannot fail: the currency is checked
  out += '"';
  json.string("\"currency\":", std::string_view(currency.data(), currency.size()));
  json.string("\"dedupe_key\":", c.dedupe_key);
  json.string("\"effect\":", effect_text);
  json.string("\"recurrence\":", recurrence_text);
  json.string_or_null("\"customer\":", c.customer);
  json.string_or_null("\"subscription\":", c.subscription);
  json.string_or_null("\"invoice\":", c.invoice);
  json.string_or_null("\"charge\":", c.charge);
  json.string_or_null("\"account\":", c.account);
  json.string_or_null("\"billing_reason\":", c.billing_reason);
  json.string_or_null("\"promotion_code\":", c.promotion_code);
  json.string_or_null("\"coupon\":", c.coupon);
  json.string_or_null("\"refund_id\":", c.refund_id);
  json.integer("\"amount_refunded\":", c.amount_refunded);
  json.key("\"amount_refunded_decimal\":\"");
  (void)append_amount(c.amount_refunded, c.currency, out);
  out += '"';
  json.close();
  return CLICKREF_OK;
}

result<std::string> to_json(const conversion& c) {
  std::string out;
  if (status s = append_json(c, out); s != CLICKREF_OK) return s;
  return out;
}

}  // namespace clickref
