#include "postgres_store.hpp"

#include "purchase_ledger.hpp"
#include "store_reads.hpp"
#include "store_sql.hpp"
#include "unix_time.hpp"

#include <iterator>

namespace server {
namespace {

using namespace sql;

// Text from events (ids, e-mails, URLs) is stored as bytea, byte for byte
// (postgres.hpp says why); the status words are text, so that they read in
// psql. Every table is keyed by tenant first, as in SQLite.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE events (
  tenant      bytea NOT NULL,
  event_id    bytea NOT NULL,
  event_type  bytea NOT NULL,
  dedupe_key  bytea NOT NULL,
  received_at bigint NOT NULL,
  PRIMARY KEY (tenant, event_id)
);
CREATE TABLE conversions (
  tenant          bytea NOT NULL,
  dedupe_key      bytea NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'declined', 'approved', 'reversed')),
  click_id        bytea,
  click_id_valid  boolean NOT NULL,
  click_id_source bytea,
  order_id        bytea,
  amount          bigint,
  currency        bytea,
  reversed_amount bigint NOT NULL,
  customer_email  bytea,
  payment_link    bytea,
  livemode        boolean NOT NULL,
  first_event_at  bigint NOT NULL,
  last_event_at   bigint NOT NULL,
  events          bigint NOT NULL,
  PRIMARY KEY (tenant, dedupe_key)
);
CREATE TABLE postbacks (
  tenant          bytea NOT NULL,
  dedupe_key      bytea NOT NULL,
  url             bytea NOT NULL,
  state           text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        bigint NOT NULL,
  next_attempt_ms bigint NOT NULL,
  last_error      bytea,
  delivered_at    bigint,
  PRIMARY KEY (tenant, dedupe_key),
  FOREIGN KEY (tenant, dedupe_key) REFERENCES conversions (tenant, dedupe_key)
);
CREATE INDEX postbacks_due ON postbacks (next_attempt_ms) WHERE state = 'pending';
CREATE INDEX conversions_by_time ON conversions (first_event_at);
)sql";

// Instances starting together take turns: the lock is held to COMMIT.
constexpr const char* kLockSchema = "SELECT pg_advisory_xact_lock(hashtext('clickref-server schema'))";
constexpr const char* kSchemaTable =
    "CREATE TABLE IF NOT EXISTS clickref_schema (version bigint PRIMARY KEY, "
    "applied_at timestamptz NOT NULL DEFAULT now())";
constexpr const char* kSchemaVersion = "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM clickref_schema";
constexpr const char* kRecordVersion = "INSERT INTO clickref_schema (version) VALUES (?1)";

// A delivery that lost a deadlock or serialisation race is run again.
constexpr int kMaxAttempts = 3;

// Version 2 keeps every event's conversion and links a purchase's ids, so that a
// purchase is folded from all its events (purchase_ledger.hpp); rows
// recorded before are kept as they were, in legacy_rows, and take part in
// their purchase's fold.
constexpr const char* kVersion2 = R"sql(
ALTER TABLE events ADD COLUMN purchase bytea, ADD COLUMN conversion bytea;
UPDATE events SET purchase = dedupe_key;
ALTER TABLE conversions
  ADD COLUMN recurrence text NOT NULL DEFAULT 'unknown'
    CHECK (recurrence IN ('unknown', 'one_time', 'first', 'renewal')),
  ADD COLUMN account bytea, ADD COLUMN customer bytea, ADD COLUMN subscription bytea,
  ADD COLUMN promotion_code bytea, ADD COLUMN coupon bytea,
  ADD COLUMN sale boolean NOT NULL DEFAULT true;
CREATE TABLE legacy_rows AS SELECT tenant, dedupe_key AS purchase, status, click_id, click_id_valid,
  click_id_source, order_id, amount, currency, reversed_amount, customer_email, payment_link, livemode,
  first_event_at, last_event_at, events FROM conversions;
CREATE TABLE purchase_links (
  tenant   bytea NOT NULL,
  id       bytea NOT NULL,
  purchase bytea NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE TABLE subscription_clicks (
  tenant          bytea NOT NULL,
  account         bytea NOT NULL,
  subscription    bytea NOT NULL,
  click_id        bytea NOT NULL,
  click_id_valid  boolean NOT NULL,
  click_id_source bytea NOT NULL,
  bought_at       bigint NOT NULL,
  purchase        bytea NOT NULL,
  PRIMARY KEY (tenant, account, subscription)
);
CREATE INDEX events_by_purchase ON events (tenant, purchase);
CREATE INDEX purchase_links_by_purchase ON purchase_links (tenant, purchase);
CREATE INDEX legacy_rows_by_purchase ON legacy_rows (tenant, purchase);
CREATE INDEX subscription_clicks_by_purchase ON subscription_clicks (tenant, purchase);
CREATE INDEX conversions_by_subscription ON conversions (tenant, subscription) WHERE subscription IS NOT NULL;
)sql";

// Every schema version, in order; a new version is appended, never edited.
constexpr const char* kMigrations[] = {kVersion1, kVersion2};
constexpr int64_t kNewestVersion = static_cast<int64_t>(std::size(kMigrations));

// One connection's statements as sql_session runs them.
class postgres_session final : public sql_session {
 public:
  explicit postgres_session(postgres::connection& db) : db_(db) {}

  sql_rows query(const char* sql, const sql_args& args) override {
    const auto r = db_.run(sql, bound(args));
    sql_rows rows;
    for (int i = 0; i < r.rows(); ++i) {
      std::vector<sql_rows::cell> row(static_cast<size_t>(r.columns()));
      for (int c = 0; c < r.columns(); ++c) {
        if (r.is_integer(c)) {
          row[c].number = r.nullable_integer(i, c);
        } else {
          row[c].text = r.bytes(i, c);
        }
      }
      rows.add_row(std::move(row));
    }
    return rows;
  }

  int64_t execute(const char* sql, const sql_args& args) override { return db_.run(sql, bound(args)).changed(); }

  void execute_later(const char* sql, const sql_args& args) override { db_.run_later(sql, bound(args)); }

  bool lock(uint64_t key) override {
    db_.run_later(kAdvisoryLock, postgres::params().add(static_cast<int64_t>(key)));
    return true;
  }

 private:
  static postgres::params bound(const sql_args& args) {
    postgres::params p;
    for (const sql_value& v : args.values()) {
      switch (v.type) {
        case sql_value::kind::bytes:
          p.add(v.text);
          break;
        case sql_value::kind::word:
          p.add_word(v.text);
          break;
        case sql_value::kind::integer:
          p.add(v.number);
          break;
        case sql_value::kind::flag:
          p.add_flag(v.number.value_or(0) != 0);
          break;
      }
    }
    return p;
  }

  postgres::connection& db_;
};

bool worth_retrying(const postgres::error& e) {
  return e.sqlstate() == "40001" || e.sqlstate() == "40P01";  // serialization_failure, deadlock_detected
}

}  // namespace

postgres_store::postgres_store(const std::string& uri, size_t connections)
    : pool_(uri, std::max<size_t>(connections, 1)) {
  auto db = pool_.acquire();
  postgres::transaction tx(*db);
  db->exec(kLockSchema);
  db->exec(kSchemaTable);
  const int64_t version = db->run(kSchemaVersion).integer(0, 0);
  if (version > kNewestVersion) {
    throw postgres::error("the database's schema is version " + std::to_string(version) +
                              ", newer than this server knows (" + std::to_string(kNewestVersion) + ")",
                          "");
  }
  for (int64_t v = version + 1; v <= kNewestVersion; ++v) {
    db->exec(kMigrations[v - 1]);
    db->run(kRecordVersion, postgres::params().add(v));
  }
  tx.commit();
}

void postgres_store::record(std::string_view tenant, const delivery& d, const crediting_rules& rules,
                            record_done done) {
  record_result result;
  try {
    result = record_now(tenant, d, rules);
  } catch (const storage_error&) {
    done({}, std::current_exception());
    return;
  }
  done(std::move(result), nullptr);
}

record_result postgres_store::record_now(std::string_view tenant, const delivery& d, const crediting_rules& rules) {
  for (int attempt = 1;; ++attempt) {
    try {
      auto db = pool_.acquire();
      postgres::transaction tx(*db);
      postgres_session session(*db);
      record_result result = record_delivery(session, tenant, d, rules);
      if (result.outcome == record_outcome::duplicate) return result;  // rolls back, having written nothing
      tx.commit();
      return result;
    } catch (const postgres::error& e) {
      if (attempt == kMaxAttempts || !worth_retrying(e)) throw;
    }
  }
}

void postgres_store::ping() { pool_.acquire()->run(kPing); }

std::optional<postback_job> postgres_store::claim_due_postback(int64_t now_ms) {
  auto db = pool_.acquire();
  const auto r = db->run(kClaimPostbackSkipLocked, postgres::params().add(now_ms).add(now_ms + kPostbackClaimMs));
  if (r.rows() == 0) return std::nullopt;
  return postback_job{r.bytes(0, 0).value_or(""), r.bytes(0, 1).value_or(""), r.integer(0, 2),
                      r.bytes(0, 3).value_or("")};
}

std::optional<int64_t> postgres_store::next_postback_due() {
  return pool_.acquire()->run(kNextPostbackDue).nullable_integer(0, 0);
}

void postgres_store::postback_delivered(const postback_job& job, int64_t attempts, int64_t now_s) {
  pool_.acquire()->run(kPostbackDelivered,
                       postgres::params().add(job.dedupe_key).add(attempts).add(now_s).add(job.tenant));
}

void postgres_store::postback_failed(const postback_job& job, int64_t attempts, const std::string& error,
                                     std::optional<int64_t> retry_at_ms) {
  pool_.acquire()->run(kPostbackFailed, postgres::params()
                                            .add(job.dedupe_key)
                                            .add_word(std::string_view(retry_at_ms ? "pending" : "failed"))
                                            .add(attempts)
                                            .add(error)
                                            .add(retry_at_ms.value_or(0))
                                            .add(job.tenant));
}

std::vector<listed_conversion> postgres_store::conversions(const conversion_filter& filter) {
  auto db = pool_.acquire();
  postgres_session session(*db);
  return list_conversions(session, filter);
}

conversion_summary postgres_store::summary(const conversion_filter& filter) {
  auto db = pool_.acquire();
  postgres_session session(*db);
  return summarize(session, filter);
}

}  // namespace server
