// One purchase as the dashboard shows it: every Stripe event of the purchase
// (its Checkout Session's, its invoice's, its charge's, its refunds' and
// disputes') folded into a single row.
#pragma once

#include <clickref/clickref.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace server {

struct conversion_row {
  std::string dedupe_key;  // the purchase: its invoice, else its payment intent, else its own id; "<account>/…" for Connect
  int32_t status = CLICKREF_CONVERSION_PENDING;  // CLICKREF_CONVERSION_*
  std::optional<std::string> click_id;
  bool click_id_valid = false;
  // "client_reference_id", "metadata", "promotion_code", or "subscription"
  // (a renewal credited to the click that bought its subscription).
  std::optional<std::string> click_id_source;
  std::optional<std::string> order_id;  // dedupe_key without the account
  std::optional<int64_t> amount;        // minor units: what the sale's payment events reported
  std::optional<std::string> currency;
  int64_t reversed_amount = 0;  // refunded plus lost to a dispute, at most `amount`
  std::optional<std::string> customer_email;
  std::optional<std::string> payment_link;
  bool livemode = false;
  int64_t first_event_at = 0;  // event.created of the earliest event
  int64_t last_event_at = 0;   // event.created of the latest
  int64_t events = 1;          // how many distinct events were folded
  // ABI 2: what kind of purchase, whose, and with which discount.
  int32_t recurrence = CLICKREF_RECURRENCE_UNKNOWN;  // CLICKREF_RECURRENCE_*
  std::optional<std::string> account;                // Connect
  std::optional<std::string> customer;
  std::optional<std::string> subscription;
  std::optional<std::string> promotion_code;
  std::optional<std::string> coupon;
  // A sale: the row has a session, invoice or invoice-payment event, or a
  // click id. A row of charge events alone is a payment the receiver could
  // not link to its purchase (a subscription's charge on 2025-03-31.basil to
  // 2025-05-27.basil, whose charges and invoices name nothing of each
  // other); it is listed, never credited.
  bool sale = false;

  // A click id Stripe would have kept: the sale can be credited to an affiliate.
  bool attributed() const { return click_id && click_id_valid; }
};

// A purchase's id without its "<account>/" prefix (Connect): its order_id.
std::string_view unqualified(std::string_view dedupe_key);

// The row of purchase `dedupe_key` from the conversions of all its events,
// in any order: the result is the same for every permutation.
//   - status and amount: the best payment status (approved, then declined,
//     then pending) and the largest amount reported with it; pending with no
//     amount when no payment event has arrived yet.
//   - refunds add up by refund id, each at its latest state (a failed or
//     canceled refund counts 0), and never below the largest cumulative total
//     a charge.refunded reported.
//   - the latest dispute event decides a chargeback: lost (or still open)
//     reverses its amount; won or warning_closed restores the sale.
//   - refunded and lost amounts reaching the sale's amount reverse the sale.
//   - the click id: one Stripe keeps over one it drops, then
//     client_reference_id over metadata, then the smaller; ids, e-mail and
//     the like: the smaller of two non-empty values (events agree on them).
conversion_row fold_purchase(std::string dedupe_key, const std::vector<clickref_conversion>& events);

// "pending", "declined", "approved", "reversed".
std::string_view status_label(int32_t status);
// The CLICKREF_CONVERSION_* value for a label, or nullopt.
std::optional<int32_t> status_from_label(std::string_view label);

// "unknown", "one_time", "first", "renewal".
std::string_view recurrence_label(int32_t recurrence);
std::optional<int32_t> recurrence_from_label(std::string_view label);

}  // namespace server
