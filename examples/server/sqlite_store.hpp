// The SQLite backend, the default: one file, no setup. WAL mode lets the
// dashboard read while deliveries write; deliveries are written by one
// writer in group commits (commit_queue.hpp).
#pragma once

#include "commit_queue.hpp"
#include "sqlite.hpp"
#include "store.hpp"

namespace server {

class sqlite_store final : public store {
 public:
  // Opens or creates the database with `connections` connections (one when
  // the database is ":memory:", which is private to its connection).
  sqlite_store(const std::string& path, size_t connections);

  void record(std::string_view tenant, const delivery& d, const crediting_rules& rules, record_done done) override;
  std::vector<listed_conversion> conversions(const conversion_filter& filter) override;
  conversion_summary summary(const conversion_filter& filter) override;
  bool records_without_waiting() const override { return true; }
  void ping() override;
  std::optional<postback_job> claim_due_postback(int64_t now_ms) override;
  std::optional<int64_t> next_postback_due() override;
  void postback_delivered(const postback_job& job, int64_t attempts, int64_t now_s) override;
  void postback_failed(const postback_job& job, int64_t attempts, const std::string& error,
                       std::optional<int64_t> retry_at_ms) override;

 private:
  sqlite::pool pool_;
  commit_queue writes_;  // after pool_: stops before the connections close
};

// Reads a conversion row from columns 0–14 in the order of kSelectConversion
// (store_sql.hpp): dedupe_key, status, click_id, …, events.
}  // namespace server
