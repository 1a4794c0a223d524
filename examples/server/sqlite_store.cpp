#include "sqlite_store.hpp"

#include "purchase_ledger.hpp"
#include "store_reads.hpp"
#include "store_sql.hpp"
#include "unix_time.hpp"

namespace server {
namespace {

using namespace sql;

// The schema of version 2 (PRAGMA user_version); kVersion3 adds to it. Status values are stored as
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

// Version 3 keeps every event's conversion and links a purchase's ids, so that a
// purchase is folded from all its events; rows recorded before are kept as
// they were, in legacy_rows, and take part in their purchase's fold.
//
// The sqlite_stat1 rows tell the query planner what ANALYZE would find on a
// busy database: a tenant is thousands of rows, a purchase a few. Without
// them, SQLite searches a WITHOUT ROWID table by its primary key's first
// column (the tenant: every row of it) rather than by the (tenant, purchase)
// index, and each delivery reads all the tenant's events. A real ANALYZE
// replaces them.
constexpr const char* kVersion3 = R"sql(
ALTER TABLE events ADD COLUMN purchase TEXT;
ALTER TABLE events ADD COLUMN conversion BLOB;
UPDATE events SET purchase = dedupe_key;
ALTER TABLE conversions ADD COLUMN recurrence TEXT NOT NULL DEFAULT 'unknown'
  CHECK (recurrence IN ('unknown', 'one_time', 'first', 'renewal'));
ALTER TABLE conversions ADD COLUMN account TEXT;
ALTER TABLE conversions ADD COLUMN customer TEXT;
ALTER TABLE conversions ADD COLUMN subscription TEXT;
ALTER TABLE conversions ADD COLUMN promotion_code TEXT;
ALTER TABLE conversions ADD COLUMN coupon TEXT;
ALTER TABLE conversions ADD COLUMN sale INTEGER NOT NULL DEFAULT 1;
CREATE TABLE legacy_rows AS SELECT tenant, dedupe_key AS purchase, status, click_id, click_id_valid,
  click_id_source, order_id, amount, currency, reversed_amount, customer_email, payment_link, livemode,
  first_event_at, last_event_at, events FROM conversions;
CREATE TABLE purchase_links (
  tenant   TEXT NOT NULL,
  id       TEXT NOT NULL,
  purchase TEXT NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE TABLE subscription_clicks (
  tenant          TEXT NOT NULL,
  account         TEXT NOT NULL,
  subscription    TEXT NOT NULL,
  click_id        TEXT NOT NULL,
  click_id_valid  INTEGER NOT NULL,
  click_id_source TEXT NOT NULL,
  bought_at       INTEGER NOT NULL,
  purchase        TEXT NOT NULL,
  PRIMARY KEY (tenant, account, subscription)
) WITHOUT ROWID;
CREATE INDEX events_by_purchase ON events (tenant, purchase);
CREATE INDEX purchase_links_by_purchase ON purchase_links (tenant, purchase);
CREATE INDEX legacy_rows_by_purchase ON legacy_rows (tenant, purchase);
CREATE INDEX subscription_clicks_by_purchase ON subscription_clicks (tenant, purchase);
CREATE INDEX conversions_by_subscription ON conversions (tenant, subscription) WHERE subscription IS NOT NULL;
ANALYZE sqlite_schema;
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
  ('events', 'events', '1000000 100000 1'),
  ('events', 'events_by_purchase', '1000000 100000 3'),
  ('purchase_links', 'purchase_links', '1000000 100000 1'),
  ('purchase_links', 'purchase_links_by_purchase', '1000000 100000 3'),
  ('conversions', 'conversions', '1000000 100000 1'),
  ('conversions', 'conversions_by_subscription', '1000000 100000 12'),
  ('conversions', 'conversions_by_time', '1000000 10');
ANALYZE sqlite_schema;
PRAGMA user_version = 3;
)sql";

// One connection's statements as sql_session runs them.
class sqlite_session final : public sql_session {
 public:
  explicit sqlite_session(sqlite::connection& db) : db_(db) {}

  sql_rows query(const char* sql, const sql_args& args) override {
    auto st = db_.prepare(sql);
    bind(st, args);
    sql_rows rows;
    while (st.step()) {
      std::vector<sql_rows::cell> row(static_cast<size_t>(st.columns()));
      for (int c = 0; c < st.columns(); ++c) row[c] = {st.text(c), st.nullable_integer(c)};
      rows.add_row(std::move(row));
    }
    return rows;
  }

  int64_t execute(const char* sql, const sql_args& args) override {
    auto st = db_.prepare(sql);
    bind(st, args);
    st.run();
    return db_.changes();
  }

  void execute_later(const char* sql, const sql_args& args) override { execute(sql, args); }

  bool lock(uint64_t) override { return false; }  // the commit queue is the only writer

 private:
  static void bind(sqlite::statement& st, const sql_args& args) {
    int i = 1;
    for (const sql_value& v : args.values()) {
      if (v.type == sql_value::kind::bytes || v.type == sql_value::kind::word) {
        st.bind(i++, v.text);
      } else {
        st.bind(i++, v.number);
      }
    }
  }

  sqlite::connection& db_;
};

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
  if (version > 3) {
    throw sqlite::error("the database's schema is version " + std::to_string(version) +
                            ", newer than this server knows (3)",
                        0);
  }
  if (version < 2) {
    if (version == 1) db->exec(kRenameVersion1);
    db->exec(kTables);
    if (version == 1) db->exec(kCopyVersion1);
    db->exec(kIndexes);
  }
  if (version < 3) db->exec(kVersion3);
  tx.commit();
}

void sqlite_store::record(std::string_view tenant, const delivery& d, const crediting_rules& rules,
                          record_done done) {
  auto result = std::make_shared<record_result>();
  writes_.submit(
      [tenant = std::string(tenant), &d, &rules, result](sqlite::connection& db) {
        sqlite_session session(db);
        *result = record_delivery(session, tenant, d, rules);
      },
      [result, done = std::move(done)](std::exception_ptr error) { done(std::move(*result), error); });
}

std::vector<listed_conversion> sqlite_store::conversions(const conversion_filter& filter) {
  auto db = pool_.acquire();
  sqlite_session session(*db);
  return list_conversions(session, filter);
}

conversion_summary sqlite_store::summary(const conversion_filter& filter) {
  auto db = pool_.acquire();
  sqlite_session session(*db);
  return summarize(session, filter);
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
