#include "sqlite.hpp"

#include <sqlite3.h>

#include <climits>

namespace server::sqlite {
namespace {

// Long enough to ride out another connection's write transaction (they take
// milliseconds), short enough that a stuck database fails the request.
constexpr int kBusyTimeoutMs = 5000;

[[noreturn]] void fail(sqlite3* db, int code, std::string_view doing) {
  std::string what(doing);
  what += ": ";
  what += db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  throw error(what, code);
}

void check(sqlite3* db, int code, std::string_view doing) {
  if (code != SQLITE_OK) fail(db, code, doing);
}

int text_length(std::string_view value) {
  if (value.size() > static_cast<size_t>(INT_MAX)) throw error("value too large for SQLite", SQLITE_TOOBIG);
  return static_cast<int>(value.size());
}

// SQLite counts every allocation under one process-wide mutex unless told
// not to before it starts, and the writer allocates on every statement; the
// server never reads the counts (sqlite3_memory_used). If SQLite was started
// already (by another part of the process), it keeps counting.
void stop_counting_allocations() {
  static const int once = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)once;
}

}  // namespace

statement::~statement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

statement& statement::bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's buffer may go.
  check(db_, sqlite3_bind_text(stmt_, index, value.data(), text_length(value), SQLITE_TRANSIENT), "bind");
  return *this;
}

statement& statement::bind(int index, int64_t value) {
  check(db_, sqlite3_bind_int64(stmt_, index, value), "bind");
  return *this;
}

statement& statement::bind(int index, const std::optional<std::string>& value) {
  if (value) return bind(index, std::string_view(*value));
  check(db_, sqlite3_bind_null(stmt_, index), "bind");
  return *this;
}

statement& statement::bind(int index, const std::optional<int64_t>& value) {
  if (value) return bind(index, *value);
  check(db_, sqlite3_bind_null(stmt_, index), "bind");
  return *this;
}

bool statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, "step");
}

void statement::run() {
  while (step()) {
  }
}

int statement::columns() const { return sqlite3_column_count(stmt_); }

std::optional<std::string> statement::text(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  const int len = sqlite3_column_bytes(stmt_, column);
  return std::string(data ? data : "", static_cast<size_t>(len));
}

int64_t statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<int64_t> statement::nullable_integer(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return integer(column);
}

connection::connection(const std::string& path) {
  stop_counting_allocations();
  // NOMUTEX: the pool guarantees one thread per connection at a time.
  const int rc = sqlite3_open_v2(path.c_str(), &db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string what = "open " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close(db_);
    throw error(what, rc);
  }
  check(db_, sqlite3_busy_timeout(db_, kBusyTimeoutMs), "busy_timeout");
  // synchronous=FULL: once the receiver has answered 200, Stripe never sends
  // that event again, so a commit must survive a power cut, not only a crash.
  exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;");
}

connection::~connection() {
  for (auto& entry : statements_) sqlite3_finalize(entry.second);
  sqlite3_close(db_);
}

void connection::exec(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    const std::string what = std::string("exec: ") + (message ? message : sqlite3_errstr(rc));
    sqlite3_free(message);
    throw error(what, rc);
  }
}

statement connection::prepare(const char* sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    check(db_, sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr), "prepare");
    found = statements_.emplace(sql, stmt).first;
  }
  return statement(found->second, db_);
}

int64_t connection::changes() const { return sqlite3_changes64(db_); }

bool connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace server::sqlite
