// A thin C++ layer over libpq: connections that prepare each statement once
// and reconnect by themselves after the server went away, typed query
// parameters, binary results, and transactions. Failures are thrown as
// postgres::error, a storage_error.
#pragma once

#include "connection_pool.hpp"
#include "storage_error.hpp"
#include "transaction.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct pg_conn;
struct pg_result;

namespace server::postgres {

class error : public storage_error {
 public:
  error(const std::string& what, std::string sqlstate) : storage_error(what), sqlstate_(std::move(sqlstate)) {}
  // The five-character SQLSTATE ("40P01": deadlock), or empty when the
  // failure was the connection's.
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// The parameters of one statement, $1, $2, … in the order they are added;
// nullopt is SQL NULL. Strings from events go as bytea, byte for byte: a
// PostgreSQL text value cannot hold a NUL, which JSON's \u0000 can.
class params {
 public:
  params& add(std::string_view bytes);  // bytea
  params& add(const std::string& bytes) { return add(std::string_view(bytes)); }
  params& add(const std::optional<std::string>& bytes);
  params& add_word(std::string_view word);  // text: the status words
  params& add_word(const std::optional<std::string>& word);
  params& add(int64_t value);               // bigint
  params& add(const std::optional<int64_t>& value);
  params& add_flag(bool value);  // boolean

  int size() const { return static_cast<int>(values_.size()); }
  const unsigned* types() const { return types_.data(); }
  const char* const* values() const;
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  void push(unsigned type, std::optional<std::string> value, int format);

  std::vector<unsigned> types_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  mutable std::vector<const char*> pointers_;
};

// The rows a statement returned, in binary form; columns numbered from 0.
class result {
 public:
  explicit result(pg_result* res) noexcept : res_(res) {}
  result(result&& other) noexcept : res_(other.res_) { other.res_ = nullptr; }
  result& operator=(result&&) = delete;
  result(const result&) = delete;
  ~result();

  // Whether the statement succeeded (a null result is a failure too).
  bool ok() const;
  pg_result* get() const noexcept { return res_; }
  int rows() const;
  // Rows an INSERT, UPDATE or DELETE changed.
  int64_t changed() const;
  int columns() const;
  // Whether a column is a bigint, integer, smallint or boolean (else bytes or text).
  bool is_integer(int column) const;
  // A bytea or text column's bytes; nullopt for NULL.
  std::optional<std::string> bytes(int row, int column) const;
  // A bigint, integer or boolean column; 0 for NULL.
  int64_t integer(int row, int column) const;
  std::optional<int64_t> nullable_integer(int row, int column) const;

 private:
  pg_result* res_;
};

class connection {
 public:
  // Connects to `uri` (a postgresql:// connection URI).
  explicit connection(const std::string& uri);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  // Runs one or more statements without parameters (schema changes), after
  // what run_later queued.
  void exec(const char* sql);
  // Runs `sql` with `args`, prepared on this connection on first use and
  // cached. `sql` must be a string with static storage: the cache is keyed
  // by its address. What run_later queued is sent first, in the same round
  // trip (libpq's pipeline mode), and a failure of any of them is thrown.
  result run(const char* sql, const params& args = params());
  // Both reconnect first if the connection was lost (the database
  // restarted, say). A connection is found lost only when a call fails, so
  // a call made outside a transaction that fails that way is made once more
  // on a new connection; inside a transaction the failure is thrown, since
  // the transaction died with the connection. (A transaction whose BEGIN is
  // still queued is wholly in the call, and so made once more too.)

  // Queues `sql` for the next call that waits for the server (run, exec,
  // commit): for a statement whose result the caller does not read, so
  // that it costs no round trip of its own. The server runs the statements
  // in the order they were queued and run, each as if run by itself.
  void run_later(const char* sql, params args);

  // scoped_transaction's: BEGIN is queued, to go with the transaction's
  // first statement; COMMIT is sent with what is still queued; rollback
  // drops what is queued, and sends ROLLBACK only if the server saw BEGIN.
  void begin();
  void commit();
  void rollback();

 private:
  struct queued {
    const char* sql;
    params args;
  };
  struct statement {
    const char* sql;
    const params* args;
  };

  void reconnect_if_lost();
  void exec_once(const char* sql);
  // Sends what is queued and then `last` (when given), and returns the last
  // statement's result.
  result run_queued(const statement* last);
  result run_once(const std::vector<statement>& batch);
  const std::string& prepared(const statement& s);
  // Whether a failed call outside a transaction lost the connection.
  bool worth_another_try(bool was_idle) const;

  pg_conn* conn_ = nullptr;
  std::unordered_map<const char*, std::string> prepared_;  // sql -> statement name
  std::vector<queued> queued_;
};

// BEGIN … COMMIT, in READ COMMITTED.
using transaction = scoped_transaction<connection>;

using pool = connection_pool<connection>;

}  // namespace server::postgres
