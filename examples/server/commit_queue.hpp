// Group commit: the one writer of the receiver's database. Every delivery's
// writes wait here; the writer applies all that are waiting in one
// transaction, so that one fsync makes a whole batch durable instead of one
// fsync (and one turn at SQLite's write lock) per delivery.
//
// Submitting does not wait: each piece of work comes with what to do once
// its transaction is durable (or has failed), and the writer calls that
// itself, so no thread sleeps per delivery while a batch is written.
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
  using work = std::function<void(sqlite::connection&)>;
  // nullptr: committed and durable. Otherwise why not, and nothing of the work remains.
  using finished = std::function<void(std::exception_ptr)>;

  // The writer takes a connection from `pool` for each batch, so that a
  // private ":memory:" database (a pool of one) works the same as a file.
  explicit commit_queue(sqlite::pool& pool);
  commit_queue(const commit_queue&) = delete;
  commit_queue& operator=(const commit_queue&) = delete;
  // Applies what is still queued, then stops the writer.
  ~commit_queue();

  // Runs `w` inside the writer's next transaction, then `done` on the
  // writer's thread once that transaction is committed and durable. Each
  // piece of work stands alone: if it throws, only its writes are undone
  // (it may have been run twice, so it must only write to the database and
  // to what it alone owns) and `done` gets the exception. If the transaction as
  // a whole fails (the database is locked by another process, full, or
  // failing), every `done` of the batch gets the failure.
  void submit(work w, finished done);

 private:
  struct job {
    work w;
    finished done;
    std::exception_ptr error;
  };

  void write_batches();
  void apply(std::deque<job>& batch);
  // One transaction for the batch, each piece of work under its own
  // savepoint when `isolated`. Returns false, having kept nothing, when a
  // piece threw outside a savepoint.
  bool try_apply(std::deque<job>& batch, bool isolated);

  sqlite::pool& pool_;
  std::mutex mutex_;
  std::condition_variable queued_;  // the writer waits for work
  std::deque<job> waiting_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace server
