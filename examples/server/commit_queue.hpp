// Group commit: the one writer of the receiver's database. Every delivery's
// writes wait here; the writer applies all that are waiting in one
// transaction, so that one fsync makes a whole batch durable instead of one
// fsync (and one turn at SQLite's write lock) per delivery.
#pragma once

#include "sqlite.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace server {

class commit_queue {
 public:
  // The writer takes a connection from `pool` for each batch, so that a
  // private ":memory:" database (a pool of one) works the same as a file.
  explicit commit_queue(sqlite::pool& pool);
  commit_queue(const commit_queue&) = delete;
  commit_queue& operator=(const commit_queue&) = delete;
  // Applies what is still queued, then stops the writer.
  ~commit_queue();

  // Runs `work` inside the writer's next transaction and returns once that
  // transaction is committed and durable. Each piece of work runs under its
  // own savepoint: if it throws, only its writes are undone and the
  // exception is rethrown here. If the transaction as a whole fails (the
  // database is locked by another process, full, or failing), every piece
  // of work in it throws, and nothing of any of them remains.
  void run(const std::function<void(sqlite::connection&)>& work);

 private:
  struct job {
    const std::function<void(sqlite::connection&)>* work;
    std::exception_ptr error;
    bool done = false;
  };

  void write_batches();
  void apply(std::deque<job*>& batch);

  sqlite::pool& pool_;
  std::mutex mutex_;
  std::condition_variable queued_;    // the writer waits for work
  std::condition_variable finished_;  // callers wait for their batch
  std::deque<job*> waiting_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace server
