// The PostgreSQL backend, for several server instances behind one load
// balancer sharing one database. Each delivery is its own READ COMMITTED
// transaction; concurrent deliveries of one purchase, on any instance, are
// serialised by the purchase's row lock, so the merge rules hold as they do
// under SQLite's single writer. Postbacks are claimed with
// FOR UPDATE SKIP LOCKED, so that no two instances send the same one.
#pragma once

#include "postgres.hpp"
#include "store.hpp"

namespace server {

class postgres_store final : public store {
 public:
  // Connects `connections` times to `uri` and brings the schema up to the
  // newest version this server knows; refuses a database whose schema is
  // newer than that.
  postgres_store(const std::string& uri, size_t connections);

  // Runs the delivery's transaction on this thread: `done` is called before this returns.
  void record(std::string_view tenant, const delivery& d, const crediting_rules& rules, record_done done) override;
  std::vector<listed_conversion> conversions(const conversion_filter& filter) override;
  conversion_summary summary(const conversion_filter& filter) override;
  bool records_without_waiting() const override { return false; }
  void ping() override;
  std::optional<postback_job> claim_due_postback(int64_t now_ms) override;
  std::optional<int64_t> next_postback_due() override;
  void postback_delivered(const postback_job& job, int64_t attempts, int64_t now_s) override;
  void postback_failed(const postback_job& job, int64_t attempts, const std::string& error,
                       std::optional<int64_t> retry_at_ms) override;

 private:
  // The delivery's transaction, retried on a serialization failure or deadlock.
  record_result record_now(std::string_view tenant, const delivery& d, const crediting_rules& rules);

  postgres::pool pool_;
};

}  // namespace server
