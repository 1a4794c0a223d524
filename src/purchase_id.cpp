// The purchase id of each object kind. A purchase is one payment: a one-time
// PaymentIntent, or one invoice. Every rule prefers the id that the most
// events of the purchase carry: an invoice-billed payment's charge names the
// invoice (before API version 2025-03-31.basil), its session names the
// invoice but no payment_intent; a one-time payment's objects all name the
// payment_intent.
#include "purchase_id.hpp"

#include <initializer_list>

namespace clickref::detail {

namespace {

std::string_view first_of(std::initializer_list<std::optional<std::string_view>> ids,
                          std::string_view otherwise) {
  for (const std::optional<std::string_view>& id : ids) {
    if (id && !id->empty()) return *id;
  }
  return otherwise;
}

std::string_view purchase_id_of(const event_state& st) {
  switch (st.kind) {
    case object_kind::checkout_session:
      return first_of({st.session.payment_intent, st.session.invoice}, st.session.id);
    case object_kind::charge:
      return first_of({st.charge.invoice, st.charge.payment_intent}, st.charge.id);
    case object_kind::invoice:
      return st.invoice.id;
    case object_kind::invoice_payment:
      return st.invoice_payment.invoice;
    case object_kind::refund:
      return first_of({st.refund.payment_intent, st.refund.charge}, st.refund.id);
    case object_kind::dispute:
      return first_of({st.dispute.payment_intent, st.dispute.charge}, st.dispute.id);
    case object_kind::other:
      break;
  }
  return {};
}

}  // namespace

void set_purchase_id(event_state& st) {
  st.purchase_id = purchase_id_of(st);
  if (st.purchase_id.empty() || !st.account || st.account->empty()) {
    st.dedupe_key = st.purchase_id;
    return;
  }
  // Connected accounts' ids come from separate namespaces as far as a
  // platform can know: the account is part of the key.
  st.connect_key.assign(*st.account).append(1, '/').append(st.purchase_id);
  st.dedupe_key = st.connect_key;
}

}  // namespace clickref::detail
