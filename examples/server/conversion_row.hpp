// One purchase as the dashboard shows it: every Stripe event that shares a
// dedupe_key (the Checkout Session's events, the charge's, a refund) merged
// into a single row.
#pragma once

#include <clickref/clickref.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace server {

struct conversion_row {
  std::string dedupe_key;
  int32_t status = CLICKREF_CONVERSION_PENDING;  // CLICKREF_CONVERSION_*
  std::optional<std::string> click_id;
  bool click_id_valid = false;
  std::optional<std::string> click_id_source;  // "client_reference_id", "metadata" or "promotion_code"
  std::optional<std::string> order_id;
  std::optional<int64_t> amount;  // minor units, as the sale events reported it
  std::optional<std::string> currency;
  int64_t reversed_amount = 0;  // refunded or disputed, minor units
  std::optional<std::string> customer_email;
  std::optional<std::string> payment_link;
  bool livemode = false;
  int64_t first_event_at = 0;  // event.created of the earliest event merged
  int64_t last_event_at = 0;   // event.created of the latest
  int64_t events = 1;          // how many distinct events were merged

  // A click id Stripe would have kept: the sale can be credited to an affiliate.
  bool attributed() const { return click_id && click_id_valid; }
};

// The row one event contributes on its own. Refunds and disputes report the
// reversed amount: a charge's total refunded, one refund's amount, or a lost
// (or open) dispute's amount. Refund events merge by maximum, so several
// refunds of one charge add up only through charge.refunded's running total.
conversion_row row_from_event(const clickref_conversion& c);

// The row after `incoming` joins `stored`. The result does not depend on the
// order events arrive in: every field is merged by a commutative, associative
// rule (maximum status, maximum amounts, earliest and latest times, the
// better click id), so any permutation of one purchase's events ends in the
// same row. The status therefore only moves forward along
// pending → declined → approved → reversed, and nothing moves it back from
// reversed.
conversion_row merge(const conversion_row& stored, const conversion_row& incoming);

// "pending", "declined", "approved", "reversed".
std::string_view status_label(int32_t status);
// The CLICKREF_CONVERSION_* value for a label, or nullopt.
std::optional<int32_t> status_from_label(std::string_view label);

}  // namespace server
