#include "conversion_row.hpp"

#include "clickref_calls.hpp"

#include <algorithm>
#include <map>

namespace server {
namespace {

// Events of one purchase agree on these fields when they carry them; taking
// the smaller value when they do not keeps the fold order-independent.
void keep_smaller(std::optional<std::string>& kept, clickref_str s) {
  if (s.len == 0) return;
  const std::string_view v = view(s);
  if (!kept || v < *kept) kept = std::string(v);
}

// Which payment status a purchase has reached: a declined delayed payment
// can still be followed by a successful one (the customer pays another way).
int payment_rank(int32_t status) {
  switch (status) {
    case CLICKREF_CONVERSION_APPROVED:
      return 3;
    case CLICKREF_CONVERSION_DECLINED:
      return 2;
    case CLICKREF_CONVERSION_PENDING:
      return 1;
    default:
      return 0;
  }
}

// How directly a click id came with the purchase.
int source_rank(int32_t source) { return source == CLICKREF_CLICK_ID_CLIENT_REFERENCE_ID ? 1 : 0; }

bool better_click_id(const clickref_conversion& a, const clickref_conversion* b) {
  if (a.click_id.len == 0) return false;
  if (!b) return true;
  if ((a.click_id_valid != 0) != (b->click_id_valid != 0)) return a.click_id_valid != 0;
  if (source_rank(a.click_id_source) != source_rank(b->click_id_source))
    return source_rank(a.click_id_source) > source_rank(b->click_id_source);
  return view(a.click_id) < view(b->click_id);
}

// Of two events about one refund or one dispute, the later one says how it
// stands; at the same second, the one that undoes less money (a refund that
// failed, a dispute that was won), since that is where both end.
bool later_refund_state(const clickref_conversion& a, const clickref_conversion& b) {
  if (a.created != b.created) return a.created > b.created;
  return a.amount_refunded < b.amount_refunded;
}
bool later_dispute_state(const clickref_conversion& a, const clickref_conversion& b) {
  if (a.created != b.created) return a.created > b.created;
  return a.status != CLICKREF_CONVERSION_REVERSED && b.status == CLICKREF_CONVERSION_REVERSED;
}

int recurrence_rank(int32_t r) {
  switch (r) {
    case CLICKREF_RECURRENCE_FIRST:
      return 3;
    case CLICKREF_RECURRENCE_RENEWAL:
      return 2;
    case CLICKREF_RECURRENCE_ONE_TIME:
      return 1;
    default:
      return 0;
  }
}

bool is_purchase_event(std::string_view type) {
  for (const std::string_view prefix : {"checkout.session.", "invoice.", "invoice_payment."}) {
    if (type.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

}  // namespace

std::string_view unqualified(std::string_view dedupe_key) {
  const size_t slash = dedupe_key.find('/');
  return slash == std::string_view::npos ? dedupe_key : dedupe_key.substr(slash + 1);
}

conversion_row fold_purchase(std::string dedupe_key, const std::vector<clickref_conversion>& events) {
  conversion_row row;
  row.dedupe_key = std::move(dedupe_key);
  row.order_id = std::string(unqualified(row.dedupe_key));
  row.events = static_cast<int64_t>(events.size());
  if (!events.empty()) row.first_event_at = row.last_event_at = events.front().created;

  int32_t payment_status = 0;
  const clickref_conversion* click = nullptr;
  std::map<std::string_view, const clickref_conversion*> refunds;  // by refund id: its latest state
  int64_t charge_refunded = 0;  // the largest cumulative total a charge.refunded reported
  const clickref_conversion* dispute = nullptr;
  for (const clickref_conversion& e : events) {
    row.first_event_at = std::min(row.first_event_at, e.created);
    row.last_event_at = std::max(row.last_event_at, e.created);
    row.livemode = row.livemode || e.livemode != 0;
    row.sale = row.sale || is_purchase_event(view(e.event_type));
    if (recurrence_rank(e.recurrence) > recurrence_rank(row.recurrence)) row.recurrence = e.recurrence;
    if (better_click_id(e, click)) click = &e;
    keep_smaller(row.currency, e.currency);
    keep_smaller(row.customer_email, e.customer_email);
    keep_smaller(row.payment_link, e.payment_link);
    keep_smaller(row.account, e.account);
    keep_smaller(row.customer, e.customer);
    keep_smaller(row.subscription, e.subscription);
    keep_smaller(row.promotion_code, e.promotion_code);
    keep_smaller(row.coupon, e.coupon);
    switch (e.effect) {
      case CLICKREF_EFFECT_REFUND:
        if (e.refund_id.len == 0) {
          charge_refunded = std::max(charge_refunded, e.amount_refunded);
        } else {
          const clickref_conversion*& latest = refunds[view(e.refund_id)];
          if (!latest || later_refund_state(e, *latest)) latest = &e;
        }
        break;
      case CLICKREF_EFFECT_DISPUTE:
        if (!dispute || later_dispute_state(e, *dispute)) dispute = &e;
        break;
      default:
        if (payment_rank(e.status) > payment_rank(payment_status)) {
          payment_status = e.status;
          row.amount = e.amount;
        } else if (e.status == payment_status) {
          row.amount = std::max(*row.amount, e.amount);
        }
    }
  }

  if (click) {
    row.click_id = std::string(view(click->click_id));
    row.click_id_valid = click->click_id_valid != 0;
    row.click_id_source = click->click_id_source == CLICKREF_CLICK_ID_METADATA ? "metadata" : "client_reference_id";
    row.sale = true;
  }
  int64_t refunded = 0;
  for (const auto& entry : refunds) refunded += entry.second->amount_refunded;
  refunded = std::max(refunded, charge_refunded);
  const int64_t lost = dispute && dispute->status == CLICKREF_CONVERSION_REVERSED ? dispute->amount : 0;
  row.reversed_amount = refunded + lost;
  if (row.amount) row.reversed_amount = std::min(row.reversed_amount, *row.amount);

  row.status = payment_status != 0 ? payment_status : CLICKREF_CONVERSION_PENDING;
  const bool fully_refunded = row.status == CLICKREF_CONVERSION_APPROVED && row.amount.value_or(0) > 0 &&
                              refunded >= *row.amount;
  if (lost > 0 || fully_refunded) row.status = CLICKREF_CONVERSION_REVERSED;
  return row;
}

std::string_view status_label(int32_t status) {
  switch (status) {
    case CLICKREF_CONVERSION_APPROVED:
      return "approved";
    case CLICKREF_CONVERSION_PENDING:
      return "pending";
    case CLICKREF_CONVERSION_DECLINED:
      return "declined";
    case CLICKREF_CONVERSION_REVERSED:
      return "reversed";
    default:
      return "unknown";
  }
}

std::optional<int32_t> status_from_label(std::string_view label) {
  for (const int32_t s : {CLICKREF_CONVERSION_APPROVED, CLICKREF_CONVERSION_PENDING,
                          CLICKREF_CONVERSION_DECLINED, CLICKREF_CONVERSION_REVERSED}) {
    if (status_label(s) == label) return s;
  }
  return std::nullopt;
}

std::string_view recurrence_label(int32_t recurrence) {
  switch (recurrence) {
    case CLICKREF_RECURRENCE_ONE_TIME:
      return "one_time";
    case CLICKREF_RECURRENCE_FIRST:
      return "first";
    case CLICKREF_RECURRENCE_RENEWAL:
      return "renewal";
    default:
      return "unknown";
  }
}

std::optional<int32_t> recurrence_from_label(std::string_view label) {
  for (const int32_t r : {CLICKREF_RECURRENCE_UNKNOWN, CLICKREF_RECURRENCE_ONE_TIME, CLICKREF_RECURRENCE_FIRST,
                          CLICKREF_RECURRENCE_RENEWAL}) {
    if (recurrence_label(r) == label) return r;
  }
  return std::nullopt;
}

}  // namespace server
