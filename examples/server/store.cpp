#include "store.hpp"

#include <chrono>

namespace server {
namespace {

// The schema, version 1 (PRAGMA user_version). Status values are stored as
// words so that the file reads well in the sqlite3 shell.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events (
  event_id    TEXT PRIMARY KEY,
  event_type  TEXT NOT NULL,
  dedupe_key  TEXT NOT NULL,
  received_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS conversions (
  dedupe_key      TEXT PRIMARY KEY,
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
  events          INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS postbacks (
  dedupe_key      TEXT PRIMARY KEY REFERENCES conversions (dedupe_key),
  url             TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL,
  last_error      TEXT,
  delivered_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS postbacks_due ON postbacks (state, next_attempt_ms);
PRAGMA user_version = 1;
)sql";

constexpr const char* kInsertEvent =
    "INSERT INTO events (event_id, event_type, dedupe_key, received_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (event_id) DO NOTHING";

constexpr const char* kSelectConversion =
    "SELECT dedupe_key, status, click_id, click_id_valid, click_id_source, order_id, amount, currency, "
    "reversed_amount, customer_email, payment_link, livemode, first_event_at, last_event_at, events "
    "FROM conversions WHERE dedupe_key = ?1";

constexpr const char* kUpsertConversion =
    "INSERT INTO conversions (dedupe_key, status, click_id, click_id_valid, click_id_source, order_id, "
    "amount, "
    "currency, reversed_amount, customer_email, payment_link, livemode, first_event_at, last_event_at, "
    "events) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
    "ON CONFLICT (dedupe_key) DO UPDATE SET status = excluded.status, click_id = excluded.click_id, "
    "click_id_valid = excluded.click_id_valid, click_id_source = excluded.click_id_source, "
    "order_id = excluded.order_id, amount = excluded.amount, currency = excluded.currency, "
    "reversed_amount = excluded.reversed_amount, customer_email = excluded.customer_email, "
    "payment_link = excluded.payment_link, livemode = excluded.livemode, "
    "first_event_at = excluded.first_event_at, last_event_at = excluded.last_event_at, events = "
    "excluded.events";

constexpr const char* kInsertPostback =
    "INSERT INTO postbacks (dedupe_key, url, state, attempts, next_attempt_ms) VALUES (?1, ?2, 'pending', 0, "
    "?3) "
    "ON CONFLICT (dedupe_key) DO NOTHING";

constexpr const char* kListConversions =
    "SELECT c.dedupe_key, c.status, c.click_id, c.click_id_valid, c.click_id_source, c.order_id, c.amount, "
    "c.currency, c.reversed_amount, c.customer_email, c.payment_link, c.livemode, c.first_event_at, "
    "c.last_event_at, c.events, p.state, p.attempts, p.delivered_at, p.last_error "
    "FROM conversions c LEFT JOIN postbacks p USING (dedupe_key) "
    "ORDER BY c.first_event_at DESC, c.dedupe_key LIMIT ?1";

constexpr const char* kDuePostback =
    "SELECT dedupe_key, url, attempts FROM postbacks WHERE state = 'pending' AND next_attempt_ms <= ?1 "
    "ORDER BY next_attempt_ms LIMIT 1";

constexpr const char* kNextPostbackDue = "SELECT min(next_attempt_ms) FROM postbacks WHERE state = 'pending'";

constexpr const char* kPostbackDelivered =
    "UPDATE postbacks SET state = 'delivered', attempts = ?2, delivered_at = ?3, last_error = NULL "
    "WHERE dedupe_key = ?1";

constexpr const char* kPostbackFailed =
    "UPDATE postbacks SET state = ?2, attempts = ?3, last_error = ?4, next_attempt_ms = ?5 WHERE dedupe_key "
    "= ?1";

constexpr const char* kPing = "SELECT 1";

int64_t unix_ms_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Reads a conversion row from columns 0–14, in the order of the conversions table.
conversion_row read_row(const sqlite::statement& st) {
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

store::store(const std::string& path, size_t connections) : pool_(path, pool_size(path, connections)) {
  auto db = pool_.acquire();
  // WAL lets readers (the dashboard) run beside the one writer; the setting
  // is stored in the file, so one connection sets it for all.
  db->exec("PRAGMA journal_mode = WAL");
  db->exec(kSchema);
}

record_result store::record(std::string_view event_id, std::string_view event_type, int64_t received_at,
                            const conversion_row& incoming, const postback_policy& policy) {
  auto db = pool_.acquire();
  sqlite::transaction tx(*db);
  db->prepare(kInsertEvent)
      .bind(1, event_id)
      .bind(2, event_type)
      .bind(3, incoming.dedupe_key)
      .bind(4, received_at)
      .run();
  record_result result;
  if (db->changes() == 0) return result;  // seen before: the rollback changes nothing

  result.outcome = record_outcome::recorded;
  result.row = incoming;
  {
    auto st = db->prepare(kSelectConversion);
    st.bind(1, incoming.dedupe_key);
    if (st.step()) result.row = merge(read_row(st), incoming);
  }
  {
    auto st = db->prepare(kUpsertConversion);
    bind_row(st, result.row);
    st.run();
  }
  if (policy) {
    if (const auto url = policy(result.row)) {
      db->prepare(kInsertPostback).bind(1, result.row.dedupe_key).bind(2, *url).bind(3, unix_ms_now()).run();
      result.postback_queued = db->changes() == 1;
    }
  }
  tx.commit();
  return result;
}

std::vector<listed_conversion> store::conversions(int64_t limit) {
  auto db = pool_.acquire();
  auto st = db->prepare(kListConversions);
  st.bind(1, limit);
  std::vector<listed_conversion> out;
  while (st.step()) {
    listed_conversion item;
    item.row = read_row(st);
    if (auto state = st.text(15)) {
      item.postback = postback_state{std::move(*state), st.integer(16), st.nullable_integer(17), st.text(18)};
    }
    out.push_back(std::move(item));
  }
  return out;
}

void store::ping() {
  auto db = pool_.acquire();
  db->prepare(kPing).run();
}

std::optional<postback_job> store::due_postback(int64_t now_ms) {
  auto db = pool_.acquire();
  auto st = db->prepare(kDuePostback);
  st.bind(1, now_ms);
  if (!st.step()) return std::nullopt;
  return postback_job{st.text(0).value_or(""), st.text(1).value_or(""), st.integer(2)};
}

std::optional<int64_t> store::next_postback_due() {
  auto db = pool_.acquire();
  auto st = db->prepare(kNextPostbackDue);
  if (!st.step()) return std::nullopt;
  return st.nullable_integer(0);
}

void store::postback_delivered(const std::string& dedupe_key, int64_t attempts, int64_t now_s) {
  auto db = pool_.acquire();
  db->prepare(kPostbackDelivered).bind(1, dedupe_key).bind(2, attempts).bind(3, now_s).run();
}

void store::postback_failed(const std::string& dedupe_key, int64_t attempts, const std::string& error,
                            std::optional<int64_t> retry_at_ms) {
  auto db = pool_.acquire();
  db->prepare(kPostbackFailed)
      .bind(1, dedupe_key)
      .bind(2, std::string_view(retry_at_ms ? "pending" : "failed"))
      .bind(3, attempts)
      .bind(4, error)
      .bind(5, retry_at_ms.value_or(0))
      .run();
}

}  // namespace server
