#include "postgres_store.hpp"

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

// Every schema version, in order; a new version is appended, never edited.
constexpr const char* kMigrations[] = {kVersion1};
constexpr int64_t kNewestVersion = static_cast<int64_t>(std::size(kMigrations));

// Instances starting together take turns: the lock is held to COMMIT.
constexpr const char* kLockSchema = "SELECT pg_advisory_xact_lock(hashtext('clickref-server schema'))";
constexpr const char* kSchemaTable =
    "CREATE TABLE IF NOT EXISTS clickref_schema (version bigint PRIMARY KEY, "
    "applied_at timestamptz NOT NULL DEFAULT now())";
constexpr const char* kSchemaVersion = "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM clickref_schema";
constexpr const char* kRecordVersion = "INSERT INTO clickref_schema (version) VALUES (?1)";

// A delivery that lost a deadlock or serialisation race is run again.
constexpr int kMaxAttempts = 3;

postgres::params row_params(const conversion_row& row, std::string_view tenant) {
  postgres::params p;
  p.add(row.dedupe_key)
      .add_word(status_label(row.status))
      .add(row.click_id)
      .add_flag(row.click_id_valid)
      .add(row.click_id_source)
      .add(row.order_id)
      .add(row.amount)
      .add(row.currency)
      .add(row.reversed_amount)
      .add(row.customer_email)
      .add(row.payment_link)
      .add_flag(row.livemode)
      .add(row.first_event_at)
      .add(row.last_event_at)
      .add(row.events)
      .add(tenant);
  return p;
}

// Columns 0–14 in kSelectConversion's order.
conversion_row read_row(const postgres::result& r, int i) {
  conversion_row row;
  row.dedupe_key = r.bytes(i, 0).value_or("");
  row.status = status_from_label(r.bytes(i, 1).value_or("")).value_or(CLICKREF_CONVERSION_PENDING);
  row.click_id = r.bytes(i, 2);
  row.click_id_valid = r.integer(i, 3) != 0;
  row.click_id_source = r.bytes(i, 4);
  row.order_id = r.bytes(i, 5);
  row.amount = r.nullable_integer(i, 6);
  row.currency = r.bytes(i, 7);
  row.reversed_amount = r.integer(i, 8);
  row.customer_email = r.bytes(i, 9);
  row.payment_link = r.bytes(i, 10);
  row.livemode = r.integer(i, 11) != 0;
  row.first_event_at = r.integer(i, 12);
  row.last_event_at = r.integer(i, 13);
  row.events = r.integer(i, 14);
  return row;
}

postgres::params filter_params(const conversion_filter& f) {
  postgres::params p;
  p.add(f.tenant).add_word(f.status).add(f.from_s).add(f.until_s);
  return p;
}

std::vector<conversion_totals> totals(postgres::connection& db, const char* query, const conversion_filter& f,
                                      std::optional<int64_t> limit = std::nullopt) {
  auto p = filter_params(f);
  if (limit) p.add(*limit);
  const auto r = db.run(query, p);
  std::vector<conversion_totals> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.bytes(i, 0).value_or(""), r.bytes(i, 1), r.integer(i, 2), r.integer(i, 3), r.integer(i, 4),
                   r.integer(i, 5)});
  }
  return out;
}

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

record_result postgres_store::record(std::string_view tenant, std::string_view event_id, std::string_view event_type,
                                     int64_t received_at, const conversion_row& incoming,
                                     const postback_policy& policy) {
  for (int attempt = 1;; ++attempt) {
    try {
      auto db = pool_.acquire();
      postgres::transaction tx(*db);
      record_result result;
      const auto event = db->run(
          kInsertEvent,
          postgres::params().add(event_id).add(event_type).add(incoming.dedupe_key).add(received_at).add(tenant));
      if (event.changed() == 0) return result;  // seen before; the transaction rolls back having written nothing

      result.outcome = record_outcome::recorded;
      result.row = incoming;
      if (db->run(kInsertNewConversion, row_params(incoming, tenant)).changed() == 0) {
        const auto stored =
            db->run(kLockConversion, postgres::params().add(incoming.dedupe_key).add(tenant));
        if (stored.rows() == 1) result.row = merge(read_row(stored, 0), incoming);
        db->run(kUpsertConversion, row_params(result.row, tenant));
      }
      if (policy) {
        if (const auto url = policy(result.row)) {
          result.postback_queued =
              db->run(kInsertPostback,
                      postgres::params().add(result.row.dedupe_key).add(*url).add(unix_ms_now()).add(tenant))
                  .changed() == 1;
        }
      }
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
  auto p = filter_params(filter);
  p.add(filter.limit).add(filter.offset);
  const auto r = pool_.acquire()->run(kListConversions, p);
  std::vector<listed_conversion> out;
  for (int i = 0; i < r.rows(); ++i) {
    listed_conversion item;
    item.row = read_row(r, i);
    if (auto state = r.bytes(i, 15)) {
      item.postback = postback_state{std::move(*state), r.integer(i, 16), r.nullable_integer(i, 17), r.bytes(i, 18)};
    }
    item.tenant = r.bytes(i, 19).value_or("");
    out.push_back(std::move(item));
  }
  return out;
}

conversion_summary postgres_store::summary(const conversion_filter& filter) {
  auto db = pool_.acquire();
  conversion_summary s;
  s.matching = db->run(kCount, filter_params(filter)).integer(0, 0);
  s.by_currency = totals(*db, kByCurrency, filter);
  s.by_status = totals(*db, kByStatus, filter);
  s.by_click = totals(*db, kByClick, filter, kMaxClickGroups);
  auto p = filter_params(filter);
  p.add(kMaxChartDays);
  const auto r = db->run(kByDay, p);
  for (int i = 0; i < r.rows(); ++i) s.by_day.push_back({r.integer(i, 0), r.bytes(i, 1), r.integer(i, 2), r.integer(i, 3)});
  return s;
}

}  // namespace server
