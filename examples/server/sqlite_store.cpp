#include "sqlite_store.hpp"

#include "store_sql.hpp"
#include "unix_time.hpp"

namespace server {
namespace {

using namespace sql;

// The schema, version 2 (PRAGMA user_version). Status values are stored as
// words so that the file reads well in the sqlite3 shell. Every table is
// keyed by tenant first ('' in the single-tenant mode): one tenant's
// deliveries can never touch another's rows, whatever ids they carry.
constexpr const char* kTables = R"sql(
CREATE TABLE IF NOT EXISTS events (
  tenant      TEXT NOT NULL DEFAULT '',
  event_id    TEXT NOT NULL,
  event_type  TEXT NOT NULL,
  dedupe_key  TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, event_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS conversions (
  tenant          TEXT NOT NULL DEFAULT '',
  dedupe_key      TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'declined', 'approved', 'reversed')),
  click_id        TEXT,
  click_id_valid  INTEGER NOT NULL,
  click_id_source TEXT,
  order_id        TEXT,
  amount          INTEGER,
  currency        TEXT,
  reversed_amount INTEGER NOT NULL,
  customer_email  TEXT,
  payment_link    TEXT,
  livemode        INTEGER NOT NULL,
  first_event_at  INTEGER NOT NULL,
  last_event_at   INTEGER NOT NULL,
  events          INTEGER NOT NULL,
  PRIMARY KEY (tenant, dedupe_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS postbacks (
  tenant          TEXT NOT NULL DEFAULT '',
  dedupe_key      TEXT NOT NULL,
  url             TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL,
  last_error      TEXT,
  delivered_at    INTEGER,
  PRIMARY KEY (tenant, dedupe_key),
  FOREIGN KEY (tenant, dedupe_key) REFERENCES conversions (tenant, dedupe_key)
) WITHOUT ROWID;
)sql";

// Version 1 had no tenant column: its rows become the implicit tenant's.
constexpr const char* kRenameVersion1 = R"sql(
ALTER TABLE events RENAME TO events_v1;
ALTER TABLE conversions RENAME TO conversions_v1;
ALTER TABLE postbacks RENAME TO postbacks_v1;
)sql";
constexpr const char* kCopyVersion1 = R"sql(
INSERT INTO events SELECT '', * FROM events_v1;
INSERT INTO conversions SELECT '', * FROM conversions_v1;
INSERT INTO postbacks SELECT '', * FROM postbacks_v1;
DROP TABLE postbacks_v1;
DROP TABLE conversions_v1;
DROP TABLE events_v1;
)sql";

constexpr const char* kIndexes = R"sql(
CREATE INDEX IF NOT EXISTS postbacks_due ON postbacks (state, next_attempt_ms);
CREATE INDEX IF NOT EXISTS conversions_by_time ON conversions (first_event_at);
PRAGMA user_version = 2;
)sql";

}  // namespace

conversion_row read_conversion_row(const sqlite::statement& st) {
  conversion_row row;
  row.dedupe_key = st.text(0).value_or("");
  row.status = status_from_label(st.text(1).value_or("")).value_or(CLICKREF_CONVERSION_PENDING);
  row.click_id = st.text(2);
  row.click_id_valid = st.integer(3) != 0;
  row.click_id_source = st.text(4);
  row.order_id = st.text(5);
  row.amount = st.nullable_integer(6);
  row.currency = st.text(7);
  row.reversed_amount = st.integer(8);
  row.customer_email = st.text(9);
  row.payment_link = st.text(10);
  row.livemode = st.integer(11) != 0;
  row.first_event_at = st.integer(12);
  row.last_event_at = st.integer(13);
  row.events = st.integer(14);
  return row;
}

namespace {

void bind_row(sqlite::statement& st, const conversion_row& row) {
  st.bind(1, row.dedupe_key)
      .bind(2, status_label(row.status))
      .bind(3, row.click_id)
      .bind(4, int64_t{row.click_id_valid})
      .bind(5, row.click_id_source)
      .bind(6, row.order_id)
      .bind(7, row.amount)
      .bind(8, row.currency)
      .bind(9, row.reversed_amount)
      .bind(10, row.customer_email)
      .bind(11, row.payment_link)
      .bind(12, int64_t{row.livemode})
      .bind(13, row.first_event_at)
      .bind(14, row.last_event_at)
      .bind(15, row.events);
}

size_t pool_size(const std::string& path, size_t connections) {
  const bool private_memory = path == ":memory:" || path.empty();
  return private_memory ? 1 : std::max<size_t>(connections, 1);
}

}  // namespace

sqlite_store::sqlite_store(const std::string& path, size_t connections)
    : pool_(path, pool_size(path, connections)), writes_(pool_) {
  auto db = pool_.acquire();
  // WAL lets readers (the dashboard) run beside the one writer; the setting
  // is stored in the file, so one connection sets it for all.
  db->exec("PRAGMA journal_mode = WAL");
  sqlite::transaction tx(*db);
  int64_t version = 0;
  {
    auto st = db->prepare("PRAGMA user_version");
    if (st.step()) version = st.integer(0);
  }
  if (version == 1) db->exec(kRenameVersion1);
  db->exec(kTables);
  if (version == 1) db->exec(kCopyVersion1);
  db->exec(kIndexes);
  tx.commit();
}

record_result sqlite_store::record(std::string_view tenant, std::string_view event_id, std::string_view event_type,
                                   int64_t received_at, const conversion_row& incoming, const postback_policy& policy) {
  record_result result;
  writes_.run([&](sqlite::connection& db) {
    db.prepare(kInsertEvent)
        .bind(1, event_id)
        .bind(2, event_type)
        .bind(3, incoming.dedupe_key)
        .bind(4, received_at)
        .bind(5, tenant)
        .run();
    if (db.changes() == 0) return;  // seen before

    result.outcome = record_outcome::recorded;
    result.row = incoming;
    {
      auto st = db.prepare(kSelectConversion);
      st.bind(1, incoming.dedupe_key).bind(2, tenant);
      if (st.step()) result.row = merge(read_conversion_row(st), incoming);
    }
    {
      auto st = db.prepare(kUpsertConversion);
      bind_row(st, result.row);
      st.bind(16, tenant);
      st.run();
    }
    if (policy) {
      if (const auto url = policy(result.row)) {
        db.prepare(kInsertPostback).bind(1, result.row.dedupe_key).bind(2, *url).bind(3, unix_ms_now()).bind(4, tenant).run();
        result.postback_queued = db.changes() == 1;
      }
    }
  });
  return result;
}

void sqlite_store::ping() {
  auto db = pool_.acquire();
  db->prepare(kPing).run();
}

std::optional<postback_job> sqlite_store::claim_due_postback(int64_t now_ms) {
  auto db = pool_.acquire();
  auto st = db->prepare(kClaimPostback);
  st.bind(1, now_ms).bind(2, now_ms + kPostbackClaimMs);
  if (!st.step()) return std::nullopt;
  return postback_job{st.text(0).value_or(""), st.text(1).value_or(""), st.integer(2), st.text(3).value_or("")};
}

std::optional<int64_t> sqlite_store::next_postback_due() {
  auto db = pool_.acquire();
  auto st = db->prepare(kNextPostbackDue);
  if (!st.step()) return std::nullopt;
  return st.nullable_integer(0);
}

void sqlite_store::postback_delivered(const postback_job& job, int64_t attempts, int64_t now_s) {
  auto db = pool_.acquire();
  db->prepare(kPostbackDelivered).bind(1, job.dedupe_key).bind(2, attempts).bind(3, now_s).bind(4, job.tenant).run();
}

void sqlite_store::postback_failed(const postback_job& job, int64_t attempts, const std::string& error,
                            std::optional<int64_t> retry_at_ms) {
  auto db = pool_.acquire();
  db->prepare(kPostbackFailed)
      .bind(1, job.dedupe_key)
      .bind(2, std::string_view(retry_at_ms ? "pending" : "failed"))
      .bind(3, attempts)
      .bind(4, error)
      .bind(5, retry_at_ms.value_or(0))
      .bind(6, job.tenant)
      .run();
}

}  // namespace server
