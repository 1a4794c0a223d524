// From a parsed event to the conversion an affiliate dashboard records.
#include <clickref/click_id.hpp>
#include <clickref/event.hpp>

#include "event_state.hpp"

namespace clickref {

namespace {

std::optional<std::string_view> non_empty(std::optional<std::string_view> s) {
  return s && !s->empty() ? s : std::nullopt;
}

std::optional<std::string_view> first_of(std::optional<std::string_view> a,
                                         std::optional<std::string_view> b) {
  return non_empty(a) ? non_empty(a) : non_empty(b);
}

// What a purchase is keyed by, whichever of its events this is.
void set_purchase_keys(conversion& c, std::string_view object_id,
                       std::optional<std::string_view> payment_intent,
                       std::optional<std::string_view> invoice) {
  c.object_id = object_id;
  c.payment_intent = non_empty(payment_intent);
  c.order_id = c.payment_intent.value_or(object_id);
  c.dedupe_key = first_of(payment_intent, invoice).value_or(object_id);
}

void set_click_id(conversion& c, std::optional<std::string_view> id, click_id_source source) {
  if (!non_empty(id)) return;
  c.click_id = id;
  c.source = source;
  c.click_id_valid = click_id_valid(*id);
}

// The status a checkout.session.* event gives, or nullopt for none.
std::optional<conversion_status> session_status(std::string_view type, const checkout_session_view& s) {
  if (s.mode == "setup") return std::nullopt;  // saves a payment method; nothing is bought
  if (type == "checkout.session.completed") {
    if (s.payment_status == "paid" || s.payment_status == "no_payment_required")
      return conversion_status::approved;
    // Delayed methods (SEPA Direct Debit, ACH, …) settle days later, with
    // checkout.session.async_payment_succeeded or _failed.
    if (s.payment_status == "unpaid") return conversion_status::pending;
    return std::nullopt;
  }
  if (type == "checkout.session.async_payment_succeeded") return conversion_status::approved;
  if (type == "checkout.session.async_payment_failed") return conversion_status::declined;
  return std::nullopt;
}

status map_session(std::string_view type, const checkout_session_view& s, const conversion_options& options,
                   conversion& c) {
  const std::optional<conversion_status> status = session_status(type, s);
  if (!status) return CLICKREF_E_UNSUPPORTED_EVENT;
  c.status = *status;
  c.amount = s.amount_total.value_or(0);  // present whenever mode is not setup
  set_purchase_keys(c, s.id, s.payment_intent, s.invoice);
  c.payment_link = non_empty(s.payment_link);
  c.customer_email = first_of(s.customer_details_email, s.customer_email);
  if (non_empty(s.client_reference_id)) {
    set_click_id(c, s.client_reference_id, click_id_source::client_reference_id);
  } else {
    set_click_id(c, s.metadata.find(options.metadata_key), click_id_source::metadata);
  }
  return CLICKREF_OK;
}

status map_charge(std::string_view type, const charge_view& ch, const conversion_options& options,
                  conversion& c) {
  if (type == "charge.succeeded") {
    c.status = conversion_status::approved;
    c.amount = ch.amount_captured.value_or(0) > 0 ? *ch.amount_captured : ch.amount;
  } else if (type == "charge.refunded") {
    c.status = conversion_status::reversed;
    c.amount = ch.amount_refunded;
  } else {
    return CLICKREF_E_UNSUPPORTED_EVENT;
  }
  set_purchase_keys(c, ch.id, ch.payment_intent, ch.invoice);
  c.customer_email = first_of(ch.billing_details_email, ch.receipt_email);
  // Charges carry no client_reference_id: only metadata can hold a click id.
  set_click_id(c, ch.metadata.find(options.metadata_key), click_id_source::metadata);
  return CLICKREF_OK;
}

status map_dispute(std::string_view type, const dispute_view& d, conversion& c) {
  if (type != "charge.dispute.created") return CLICKREF_E_UNSUPPORTED_EVENT;
  c.status = conversion_status::reversed;
  c.amount = d.amount;
  set_purchase_keys(c, d.id, d.payment_intent, std::nullopt);
  return CLICKREF_OK;
}

}  // namespace

result<conversion> to_conversion(const event& ev, const conversion_options& options) {
  const detail::event_state* st = detail::event_access::of(ev);
  if (!ev.has_value() || st == nullptr) return CLICKREF_E_UNSUPPORTED_EVENT;
  conversion c;
  c.event_id = st->id;
  c.event_type = st->type;
  c.created = st->created;
  c.livemode = st->livemode;
  c.currency = st->currency_upper;
  status s = CLICKREF_E_UNSUPPORTED_EVENT;
  if (const auto* session = ev.checkout_session()) s = map_session(st->type, *session, options, c);
  if (const auto* charge = ev.charge()) s = map_charge(st->type, *charge, options, c);
  if (const auto* dispute = ev.dispute()) s = map_dispute(st->type, *dispute, c);
  if (s != CLICKREF_OK) return s;
  return c;
}

}  // namespace clickref
