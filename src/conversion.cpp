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

bool is(std::optional<std::string_view> s, std::string_view value) { return s && *s == value; }

void set_click_id(conversion& c, std::optional<std::string_view> id, click_id_source source) {
  if (!non_empty(id)) return;
  c.click_id = id;
  c.source = source;
  c.click_id_valid = click_id_valid(*id);
}

void set_discount(conversion& c, const discount_view& d) {
  c.promotion_code = non_empty(d.promotion_code);
  c.coupon = non_empty(d.coupon);
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
  c.recurrence = s.mode == "subscription" ? recurrence::first : recurrence::one_time;
  c.payment_intent = non_empty(s.payment_intent);
  c.payment_link = non_empty(s.payment_link);
  c.customer_email = first_of(s.customer_details_email, s.customer_email);
  c.customer = non_empty(s.customer);
  c.subscription = non_empty(s.subscription);
  c.invoice = non_empty(s.invoice);
  set_discount(c, s.discount);
  if (non_empty(s.client_reference_id)) {
    set_click_id(c, s.client_reference_id, click_id_source::client_reference_id);
  } else {
    set_click_id(c, s.metadata.find(options.metadata_key), click_id_source::metadata);
  }
  return CLICKREF_OK;
}

int64_t charged_amount(const charge_view& ch) {
  return ch.amount_captured.value_or(0) > 0 ? *ch.amount_captured : ch.amount;
}

status map_charge(std::string_view type, const charge_view& ch, const conversion_options& options,
                  conversion& c) {
  c.amount = charged_amount(ch);
  if (type == "charge.succeeded") {
    c.status = conversion_status::approved;
  } else if (type == "charge.refunded") {
    c.effect = conversion_effect::refund;
    c.amount_refunded = ch.amount_refunded;
    c.status = ch.amount_refunded >= c.amount ? conversion_status::reversed : conversion_status::approved;
  } else {
    return CLICKREF_E_UNSUPPORTED_EVENT;
  }
  c.payment_intent = non_empty(ch.payment_intent);
  c.invoice = non_empty(ch.invoice);
  c.charge = ch.id;
  c.customer = non_empty(ch.customer);
  c.customer_email = first_of(ch.billing_details_email, ch.receipt_email);
  // Charges carry no client_reference_id: only metadata can hold a click id.
  set_click_id(c, ch.metadata.find(options.metadata_key), click_id_source::metadata);
  return CLICKREF_OK;
}

recurrence invoice_recurrence(const invoice_view& in) {
  if (!non_empty(in.subscription)) return recurrence::one_time;
  return is(in.billing_reason, "subscription_create") ? recurrence::first : recurrence::renewal;
}

status map_invoice(std::string_view type, const invoice_view& in, const conversion_options& options,
                   conversion& c) {
  if (type != "invoice.paid" && type != "invoice.payment_succeeded") return CLICKREF_E_UNSUPPORTED_EVENT;
  c.status = conversion_status::approved;
  c.amount = in.amount_paid;
  c.recurrence = invoice_recurrence(in);
  c.billing_reason = non_empty(in.billing_reason);
  c.invoice = in.id;
  c.payment_intent = non_empty(in.payment_intent);
  c.charge = non_empty(in.charge);
  c.customer = non_empty(in.customer);
  c.subscription = non_empty(in.subscription);
  c.customer_email = non_empty(in.customer_email);
  set_discount(c, in.discount);
  // Checkout copies subscription_data.metadata to the subscription, and each
  // invoice carries a snapshot of it.
  set_click_id(c, first_of(in.metadata.find(options.metadata_key),
                           in.subscription_metadata.find(options.metadata_key)),
               click_id_source::metadata);
  return CLICKREF_OK;
}

status map_invoice_payment(std::string_view type, const invoice_payment_view& ip, conversion& c) {
  if (type != "invoice_payment.paid") return CLICKREF_E_UNSUPPORTED_EVENT;
  c.status = conversion_status::approved;
  c.amount = ip.amount_paid.value_or(0);
  c.invoice = ip.invoice;
  c.payment_intent = non_empty(ip.payment_intent);
  c.charge = non_empty(ip.charge);
  return CLICKREF_OK;
}

status map_refund(std::string_view type, const refund_view& r, conversion& c) {
  if (type != "refund.created" && type != "refund.updated" && type != "charge.refund.updated")
    return CLICKREF_E_UNSUPPORTED_EVENT;
  c.effect = conversion_effect::refund;
  c.status = conversion_status::approved;  // one refund alone never shows whether it was the whole sale
  c.amount = r.amount;
  const bool returned = !is(r.status, "failed") && !is(r.status, "canceled");
  c.amount_refunded = returned ? r.amount : 0;
  c.refund_id = r.id;
  c.payment_intent = non_empty(r.payment_intent);
  c.charge = non_empty(r.charge);
  return CLICKREF_OK;
}

status map_dispute(std::string_view type, const dispute_view& d, conversion& c) {
  if (type == "charge.dispute.created") {
    c.status = conversion_status::reversed;  // the funds are withdrawn when it opens
  } else if (type == "charge.dispute.closed" && is(d.status, "lost")) {
    c.status = conversion_status::reversed;
  } else if (type == "charge.dispute.closed" && (is(d.status, "won") || is(d.status, "warning_closed"))) {
    c.status = conversion_status::approved;
  } else {
    return CLICKREF_E_UNSUPPORTED_EVENT;
  }
  c.effect = conversion_effect::dispute;
  c.amount = d.amount;
  c.payment_intent = non_empty(d.payment_intent);
  c.charge = non_empty(d.charge);
  return CLICKREF_OK;
}

status map_object(const detail::event_state& st, const conversion_options& options, conversion& c) {
  switch (st.kind) {
    case detail::object_kind::checkout_session:
      return map_session(st.type, st.session, options, c);
    case detail::object_kind::charge:
      return map_charge(st.type, st.charge, options, c);
    case detail::object_kind::invoice:
      return map_invoice(st.type, st.invoice, options, c);
    case detail::object_kind::invoice_payment:
      return map_invoice_payment(st.type, st.invoice_payment, c);
    case detail::object_kind::refund:
      return map_refund(st.type, st.refund, c);
    case detail::object_kind::dispute:
      return map_dispute(st.type, st.dispute, c);
    case detail::object_kind::other:
      break;
  }
  return CLICKREF_E_UNSUPPORTED_EVENT;
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
  c.object_id = st->object_id.value_or(std::string_view());
  c.order_id = st->purchase_id;
  c.dedupe_key = st->dedupe_key;
  c.account = non_empty(st->account);
  if (status s = map_object(*st, options, c); s != CLICKREF_OK) return s;
  return c;
}

}  // namespace clickref
