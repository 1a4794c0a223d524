// A transaction that rolls back unless committed, for either backend's
// connection: `Connection` begins, commits and rolls back (begin, commit,
// rollback), and throws a storage_error when that fails.
#pragma once

#include "storage_error.hpp"

namespace server {

template <class Connection>
class scoped_transaction {
 public:
  explicit scoped_transaction(Connection& db) : db_(db) { db_.begin(); }
  scoped_transaction(const scoped_transaction&) = delete;
  scoped_transaction& operator=(const scoped_transaction&) = delete;
  ~scoped_transaction() {
    if (!open_) return;
    try {
      db_.rollback();
    } catch (const storage_error&) {
      // Nothing is left to undo: SQLite ends a transaction by itself after
      // some errors (SQLITE_FULL), and a lost PostgreSQL connection takes
      // its transaction with it.
    }
  }

  // A COMMIT that fails leaves the transaction to the destructor, which
  // rolls back what SQLite still holds open (after SQLITE_BUSY, say).
  void commit() {
    db_.commit();
    open_ = false;
  }

 private:
  Connection& db_;
  bool open_ = true;
};

}  // namespace server
