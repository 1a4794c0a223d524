#include "conversion_row.hpp"

#include "clickref_calls.hpp"

#include <algorithm>

namespace server {
namespace {

// How far along its life a purchase is. A declined delayed payment can still
// be followed by a successful charge (the customer pays another way), and
// any sale can later be refunded or disputed.
int status_rank(int32_t status) {
  switch (status) {
    case CLICKREF_CONVERSION_PENDING:
      return 0;
    case CLICKREF_CONVERSION_DECLINED:
      return 1;
    case CLICKREF_CONVERSION_APPROVED:
      return 2;
    case CLICKREF_CONVERSION_REVERSED:
      return 3;
    default:
      return -1;
  }
}

std::optional<std::string> optional_text(clickref_str s) {
  if (s.len == 0) return std::nullopt;
  return std::string(view(s));
}

// Events of one purchase agree on these fields when both carry them; taking
// the smaller value when they do not keeps the merge order-independent.
std::optional<std::string> either(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

std::optional<int64_t> larger(const std::optional<int64_t>& a, const std::optional<int64_t>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

// How directly a click id came with the purchase: the Checkout Session's
// client_reference_id, then metadata, then a configured promotion code.
int source_rank(const std::optional<std::string>& source) {
  if (source == std::string("client_reference_id")) return 2;
  if (source == std::string("metadata")) return 1;
  return 0;
}

// Which click id a row keeps: one Stripe would keep over one it would drop,
// the more direct source, and the smaller of two equals so that arrival
// order never decides.
bool better_click_id(const conversion_row& a, const conversion_row& b) {
  if (!a.click_id) return false;
  if (!b.click_id) return true;
  if (a.click_id_valid != b.click_id_valid) return a.click_id_valid;
  const int a_rank = source_rank(a.click_id_source), b_rank = source_rank(b.click_id_source);
  if (a_rank != b_rank) return a_rank > b_rank;
  return *a.click_id < *b.click_id;
}

}  // namespace

conversion_row row_from_event(const clickref_conversion& c) {
  conversion_row row;
  row.dedupe_key = std::string(view(c.dedupe_key));
  row.status = c.status;
  row.click_id = optional_text(c.click_id);
  row.click_id_valid = row.click_id && c.click_id_valid != 0;
  if (row.click_id) {
    row.click_id_source =
        c.click_id_source == CLICKREF_CLICK_ID_METADATA ? "metadata" : "client_reference_id";
  }
  row.order_id = optional_text(c.order_id);
  row.currency = optional_text(c.currency);
  switch (c.effect) {
    case CLICKREF_EFFECT_REFUND:
      // charge.refunded carries the charge's total refunded and its amount; a
      // refund event only that refund, which is not the sale's amount.
      row.reversed_amount = c.amount_refunded;
      if (c.refund_id.len == 0) row.amount = c.amount;
      break;
    case CLICKREF_EFFECT_DISPUTE:
      if (c.status == CLICKREF_CONVERSION_REVERSED) row.reversed_amount = c.amount;
      break;
    default:
      row.amount = c.amount;
  }
  row.customer_email = optional_text(c.customer_email);
  row.payment_link = optional_text(c.payment_link);
  row.livemode = c.livemode != 0;
  row.first_event_at = c.created;
  row.last_event_at = c.created;
  row.events = 1;
  return row;
}

conversion_row merge(const conversion_row& stored, const conversion_row& incoming) {
  conversion_row out = stored;
  if (status_rank(incoming.status) > status_rank(stored.status)) out.status = incoming.status;
  if (better_click_id(incoming, stored)) {
    out.click_id = incoming.click_id;
    out.click_id_valid = incoming.click_id_valid;
    out.click_id_source = incoming.click_id_source;
  }
  out.order_id = either(stored.order_id, incoming.order_id);
  out.amount = larger(stored.amount, incoming.amount);
  out.currency = either(stored.currency, incoming.currency);
  out.reversed_amount = std::max(stored.reversed_amount, incoming.reversed_amount);
  out.customer_email = either(stored.customer_email, incoming.customer_email);
  out.payment_link = either(stored.payment_link, incoming.payment_link);
  out.livemode = stored.livemode || incoming.livemode;
  out.first_event_at = std::min(stored.first_event_at, incoming.first_event_at);
  out.last_event_at = std::max(stored.last_event_at, incoming.last_event_at);
  out.events = stored.events + incoming.events;
  return out;
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

}  // namespace server
