// What the backend-neutral code (recording a delivery, the dashboard's
// reads) needs of a database: run one of the statements in store_sql.hpp
// with parameters and read its rows. Each backend adapts its connection to
// this (sqlite_store.cpp, postgres_store.cpp), so the logic above it is
// written once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace server {

// One parameter, typed as both backends bind it.
struct sql_value {
  enum class kind {
    bytes,    // ids, e-mails, URLs, bodies: stored byte for byte
    word,     // the status and recurrence words: text that reads in a SQL shell
    integer,  // 64-bit
    flag,     // a boolean
  };
  kind type = kind::bytes;
  std::optional<std::string> text;  // bytes and word; nullopt is NULL
  std::optional<int64_t> number;    // integer and flag; nullopt is NULL
};

class sql_args {
 public:
  sql_args& bytes(std::string_view v) { return push({sql_value::kind::bytes, std::string(v), {}}); }
  sql_args& bytes(const std::string& v) { return bytes(std::string_view(v)); }
  sql_args& bytes(const char* v) { return bytes(std::string_view(v)); }
  sql_args& bytes(const std::optional<std::string>& v) { return push({sql_value::kind::bytes, v, {}}); }
  sql_args& word(std::string_view v) { return push({sql_value::kind::word, std::string(v), {}}); }
  sql_args& word(const std::string& v) { return word(std::string_view(v)); }
  sql_args& word(const std::optional<std::string>& v) { return push({sql_value::kind::word, v, {}}); }
  sql_args& integer(std::optional<int64_t> v) { return push({sql_value::kind::integer, {}, v}); }
  sql_args& flag(bool v) { return push({sql_value::kind::flag, {}, int64_t{v}}); }

  const std::vector<sql_value>& values() const { return values_; }

 private:
  sql_args& push(sql_value v) {
    values_.push_back(std::move(v));
    return *this;
  }
  std::vector<sql_value> values_;
};

// The rows a statement returned, read into memory; columns from 0.
class sql_rows {
 public:
  struct cell {
    std::optional<std::string> text;  // a text or bytes column
    std::optional<int64_t> number;    // an integer or boolean column
  };

  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  const std::optional<std::string>& text(size_t row, size_t column) const { return rows_[row][column].text; }
  std::optional<int64_t> number(size_t row, size_t column) const { return rows_[row][column].number; }
  int64_t integer(size_t row, size_t column) const { return number(row, column).value_or(0); }

  void add_row(std::vector<cell> row) { rows_.push_back(std::move(row)); }

 private:
  std::vector<std::vector<cell>> rows_;
};

class sql_session {
 public:
  virtual ~sql_session() = default;
  // Runs `sql` (a string with static storage, from store_sql.hpp) and
  // returns its rows.
  virtual sql_rows query(const char* sql, const sql_args& args) = 0;
  // Runs `sql` and returns how many rows it inserted, updated or deleted.
  virtual int64_t execute(const char* sql, const sql_args& args) = 0;
  // Runs `sql` as execute() does, for a caller that does not read how many
  // rows it changed: a database across a network (PostgreSQL) sends it with
  // the next statement whose answer is read, or with COMMIT, in one round
  // trip, and a failure is thrown there. Statements still run in the order
  // they are called, so what a later query reads is the same.
  virtual void execute_later(const char* sql, const sql_args& args) = 0;
  // Holds `key` until the transaction ends, so that deliveries that touch
  // the same purchase or subscription on other instances wait for this one.
  // Like execute_later, the lock may be taken when the next statement is
  // sent (before that statement runs). Returns whether it took a lock: a
  // database with one writer at a time (SQLite) needs none, and returns
  // false.
  virtual bool lock(uint64_t key) = 0;
};

}  // namespace server
