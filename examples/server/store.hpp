// The receiver's database: which Stripe events were seen (idempotency), one
// conversion row per purchase, and the postbacks still to deliver. SQLite in
// WAL mode, so that the dashboard reads while deliveries write.
#pragma once

#include "conversion_row.hpp"
#include "sqlite.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace server {

enum class record_outcome {
  recorded,   // a new event: its conversion was merged into the purchase's row
  duplicate,  // an event id seen before: nothing changed
};

struct record_result {
  record_outcome outcome = record_outcome::duplicate;
  conversion_row row;            // the purchase's row after the merge (when recorded)
  bool postback_queued = false;  // this event made the row due for forwarding
};

struct postback_state {
  std::string state;  // "pending", "delivered" or "failed" (attempts exhausted)
  int64_t attempts = 0;
  std::optional<int64_t> delivered_at;  // unix seconds
  std::optional<std::string> last_error;
};

struct listed_conversion {
  conversion_row row;
  std::optional<postback_state> postback;  // nullopt: never forwarded
};

struct postback_job {
  std::string dedupe_key;
  std::string url;
  int64_t attempts = 0;  // failed attempts so far
};

// Given a merged row, the postback URL to send for it, or nullopt when the
// row is not (or not yet) to be forwarded.
using postback_policy = std::function<std::optional<std::string>(const conversion_row&)>;

class store {
 public:
  // Opens or creates the database with `connections` connections (one when
  // the database is ":memory:", which is private to its connection).
  store(const std::string& path, size_t connections);

  // Records one verified event in one transaction: the event id (a repeated
  // id changes nothing), the purchase's row merged with `incoming`, and a
  // postback when `policy` asks for one and none exists for the purchase.
  record_result record(std::string_view event_id, std::string_view event_type, int64_t received_at,
                       const conversion_row& incoming, const postback_policy& policy);

  // The most recent conversions first (by their first event), at most `limit`.
  std::vector<listed_conversion> conversions(int64_t limit);

  // Checks the database answers.
  void ping();

  // The pending postback due earliest, if it is due at `now_ms`.
  std::optional<postback_job> due_postback(int64_t now_ms);
  // When the next pending postback falls due (unix ms), or nullopt.
  std::optional<int64_t> next_postback_due();
  void postback_delivered(const std::string& dedupe_key, int64_t attempts, int64_t now_s);
  // Records a failed attempt; `retry_at_ms` nullopt means give up.
  void postback_failed(const std::string& dedupe_key, int64_t attempts, const std::string& error,
                       std::optional<int64_t> retry_at_ms);

 private:
  sqlite::pool pool_;
};

}  // namespace server
