// A thin C++ layer over SQLite: connections with cached prepared
// statements, IMMEDIATE transactions, and a pool of connections. SQLite
// failures are thrown as sqlite::error, a storage_error.
#pragma once

#include "connection_pool.hpp"
#include "storage_error.hpp"
#include "transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace server::sqlite {

class error : public storage_error {
 public:
  error(const std::string& what, int code) : storage_error(what), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

// One use of a prepared statement: bind, step through the rows, and on
// destruction the statement is reset for the next use. Parameters and
// columns are numbered as SQLite numbers them (parameters from 1, columns
// from 0).
class statement {
 public:
  statement(sqlite3_stmt* stmt, sqlite3* db) noexcept : stmt_(stmt), db_(db) {}
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  statement& bind(int index, std::string_view value);
  statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  statement& bind(int index, int64_t value);
  statement& bind(int index, const std::optional<std::string>& value);  // NULL when absent
  statement& bind(int index, const std::optional<int64_t>& value);      // NULL when absent

  // Advances to the next row: true when there is one, false when done.
  bool step();
  // Runs a statement that returns no rows.
  void run();

  int columns() const;
  std::optional<std::string> text(int column) const;  // nullopt for NULL
  int64_t integer(int column) const;
  std::optional<int64_t> nullable_integer(int column) const;

 private:
  sqlite3_stmt* stmt_;
  sqlite3* db_;
};

class connection {
 public:
  // Opens (creating if needed) the database at `path` (":memory:" for a
  // private in-memory database) with a busy timeout, foreign keys on and
  // synchronous=FULL.
  explicit connection(const std::string& path);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  // Runs one or more statements that return no rows.
  void exec(const char* sql);
  // The statement for `sql`, prepared on first use and cached. `sql` must be
  // a string with static storage: the cache is keyed by its address.
  statement prepare(const char* sql);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t changes() const;
  // Whether a transaction is open (SQLite ends one by itself after some
  // errors, such as SQLITE_FULL).
  bool in_transaction() const;

  // scoped_transaction's.
  void begin() { exec("BEGIN IMMEDIATE"); }
  void commit() { exec("COMMIT"); }
  void rollback() { exec("ROLLBACK"); }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

// BEGIN IMMEDIATE … COMMIT. IMMEDIATE takes the write lock up front (waiting
// under the busy timeout), so a transaction never fails half-way with
// SQLITE_BUSY when it upgrades from reading to writing.
using transaction = scoped_transaction<connection>;

// The connections to one database file, lent to one thread at a time.
using pool = connection_pool<connection>;

}  // namespace server::sqlite
