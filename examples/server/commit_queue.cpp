#include "commit_queue.hpp"

#include "log.hpp"

namespace server {
namespace {

// A bound on one transaction, so that a burst still gets answered in
// slices and one batch's failure costs a bounded number of retries.
constexpr size_t kMaxBatch = 1024;

}  // namespace

commit_queue::commit_queue(sqlite::pool& pool) : pool_(pool), writer_([this] { write_batches(); }) {}

commit_queue::~commit_queue() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_one();
  writer_.join();
}

void commit_queue::submit(work w, finished done) {
  bool was_idle;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    was_idle = waiting_.empty();
    waiting_.push_back(job{std::move(w), std::move(done), nullptr});
  }
  // While a batch is being written the writer is not waiting: no wake-up
  // is needed for the work queued behind it.
  if (was_idle) queued_.notify_one();
}

void commit_queue::write_batches() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    queued_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
    if (waiting_.empty()) return;  // stopping, and nothing left to write
    std::deque<job> batch;
    while (!waiting_.empty() && batch.size() < kMaxBatch) {
      batch.push_back(std::move(waiting_.front()));
      waiting_.pop_front();
    }
    // Callers queue the next batch while this one is written.
    lock.unlock();
    apply(batch);
    {
      const log::batch lines;  // the batch's answers log in one write
      for (job& j : batch) j.done(j.error);
    }
    batch.clear();  // what the jobs hold goes before the lock is taken again
    lock.lock();
  }
}

// Work rarely fails, so a batch first runs without a savepoint per piece
// of work (two statements fewer per delivery). If a piece throws, that
// transaction is rolled back and the batch runs again, each piece under its
// own savepoint, so that only the failing piece's writes are undone.
void commit_queue::apply(std::deque<job>& batch) {
  if (!try_apply(batch, false)) try_apply(batch, true);
}

bool commit_queue::try_apply(std::deque<job>& batch, bool isolated) {
  try {
    auto db = pool_.acquire();
    sqlite::transaction tx(*db);
    for (job& j : batch) {
      if (isolated) db->prepare("SAVEPOINT delivery").run();
      try {
        j.w(*db);
        if (isolated) db->prepare("RELEASE delivery").run();
      } catch (...) {
        if (!isolated) return false;  // the transaction rolls back; the batch runs again
        j.error = std::current_exception();
        // After SQLITE_FULL or an I/O error SQLite may have rolled the whole
        // transaction back already; then no savepoint is left to return to.
        if (!db->in_transaction()) throw;
        db->prepare("ROLLBACK TO delivery").run();
        db->prepare("RELEASE delivery").run();
      }
    }
    tx.commit();
  } catch (...) {
    // BEGIN, COMMIT or the transaction itself failed: nothing was kept.
    const std::exception_ptr failure = std::current_exception();
    for (job& j : batch)
      if (!j.error) j.error = failure;
  }
  return true;
}

}  // namespace server
