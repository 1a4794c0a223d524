// The receiver's database: which Stripe events were seen (idempotency), one
// conversion row per purchase, and the postbacks still to deliver. Two
// backends keep the same rows under the same merge rules: SQLite, the
// default that needs no setup (sqlite_store.hpp), and PostgreSQL, for several
// server instances behind one load balancer (postgres_store.hpp).
#pragma once

#include "conversion_row.hpp"
#include "renewal_policy.hpp"
#include "storage_error.hpp"

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
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
  conversion_row row;            // the purchase's row after the event (when recorded)
  bool postback_queued = false;  // this event made a row due for forwarding
};

struct postback_state {
  std::string state;  // "pending", "delivered" or "failed" (attempts exhausted)
  int64_t attempts = 0;
  std::optional<int64_t> delivered_at;  // unix seconds
  std::optional<std::string> last_error;
};

struct listed_conversion {
  std::string tenant;
  conversion_row row;
  std::optional<postback_state> postback;  // nullopt: never forwarded
};

struct postback_job {
  std::string dedupe_key;
  std::string url;
  int64_t attempts = 0;  // failed attempts so far
  std::string tenant;
};

// Which conversions a listing or a summary covers. Each unset field matches everything.
struct conversion_filter {
  std::optional<std::string> tenant;
  std::optional<std::string> status;  // a status label
  std::optional<int64_t> from_s;      // first_event_at >= from_s
  std::optional<int64_t> until_s;     // first_event_at < until_s
  int64_t limit = 500;                // the listing's page; not the summary's
  int64_t offset = 0;
};

// Sums over a group of conversions, in minor units of `currency`.
struct conversion_totals {
  std::string key;                      // the group: a currency, click id or status label
  std::optional<std::string> currency;  // nullopt: conversions without an amount yet
  int64_t count = 0;
  int64_t amount = 0;    // sum of the sale amounts
  int64_t approved = 0;  // sum of the amounts of approved sales: what is credited
  int64_t reversed = 0;  // sum of refunded and disputed amounts
};

struct day_totals {
  int64_t day = 0;  // days since 1970-01-01 (UTC) of first_event_at
  std::optional<std::string> currency;
  int64_t count = 0;
  int64_t approved = 0;
};

// What the dashboard shows above the table, over every row the filter
// matches (not only the page).
struct conversion_summary {
  int64_t matching = 0;
  std::vector<conversion_totals> by_currency;
  std::vector<conversion_totals> by_status;  // key: status label, per currency
  std::vector<conversion_totals> by_click;   // key: click id, per currency; the top kMaxClickGroups
  std::vector<day_totals> by_day;            // per currency; the latest kMaxChartDays days with rows
};

constexpr int64_t kMaxClickGroups = 50;
constexpr int64_t kMaxChartDays = 92;

// Given a purchase's row, the postback URL to send for it, or nullopt when
// the row is not (or not yet) to be forwarded.
using postback_policy = std::function<std::optional<std::string>(const conversion_row&)>;

// Promotion code or coupon id → the click id its purchases are credited to.
using promotion_clicks = std::map<std::string, std::string, std::less<>>;

// How a tenant credits its purchases beyond the click id they carry.
struct crediting_rules {
  postback_policy postback;                      // empty: nothing is forwarded
  const promotion_clicks* promotions = nullptr;  // coupon-based affiliates
  renewal_policy renewals;                       // recurring commission
};

// One verified delivery's conversion: kept with the event, so that its
// purchase is always folded from all its events.
struct delivery {
  int64_t received_at = 0;
  const clickref_conversion* conversion = nullptr;
};

// How long a claimed postback is left to the instance that claimed it. Far
// longer than one HTTP attempt takes; if the instance dies mid-attempt,
// another one retries the postback once the claim runs out.
constexpr int64_t kPostbackClaimMs = int64_t{5} * 60 * 1000;

// Every method is safe to call from many threads at once, and throws
// storage_error when the database fails.
class store {
 public:
  virtual ~store() = default;

  // Records one delivery as purchase_ledger.hpp describes: the event (a
  // repeated id changes nothing), its purchase's row folded again, the
  // subscription's renewals credited, and a postback for each row the
  // rules forward that has none. Calls `done` once the record is durable,
  // or with the storage_error when nothing could be recorded. `done` may
  // run on another thread, after this returns (SQLite: the writer's, after
  // the batch's fsync), or before it returns (PostgreSQL); what `d` and
  // `rules` point to must stay alive until `done` has run.
  using record_done = std::function<void(record_result, std::exception_ptr)>;
  virtual void record(std::string_view tenant, const delivery& d, const crediting_rules& rules,
                      record_done done) = 0;
  // Whether record() returns without waiting for the database (it hands the
  // work to a writer), so that a caller on an event loop may call it there.
  virtual bool records_without_waiting() const = 0;

  // The conversions the filter matches, the most recent first (by their
  // first event), one page of filter.limit from filter.offset.
  virtual std::vector<listed_conversion> conversions(const conversion_filter& filter) = 0;
  virtual conversion_summary summary(const conversion_filter& filter) = 0;

  // Checks the database answers.
  virtual void ping() = 0;

  // Claims the pending postback due earliest, if one is due at `now_ms`: it
  // is not due again, for this or any other instance on the same database,
  // until kPostbackClaimMs from now, unless postback_failed reschedules it.
  virtual std::optional<postback_job> claim_due_postback(int64_t now_ms) = 0;
  // When the next pending postback falls due (unix ms), or nullopt.
  virtual std::optional<int64_t> next_postback_due() = 0;
  virtual void postback_delivered(const postback_job& job, int64_t attempts, int64_t now_s) = 0;
  // Records a failed attempt; `retry_at_ms` nullopt means give up.
  virtual void postback_failed(const postback_job& job, int64_t attempts, const std::string& error,
                               std::optional<int64_t> retry_at_ms) = 0;
};

// Opens (creating or migrating the schema if needed) the database `location`
// names: a postgresql:// or postgres:// connection URI, or else a SQLite
// file (":memory:" for a private in-memory database). `connections` is the
// number of connections kept open.
std::unique_ptr<store> open_store(const std::string& location, size_t connections);

// `location` fit for the log: a connection URI's password (in its user
// information or as ?password=) replaced by "***".
std::string location_for_log(const std::string& location);

}  // namespace server
