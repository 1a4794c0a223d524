// commit_queue: group commit, and a failing piece of work undoing only its own writes.
#include "commit_queue.hpp"

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// Waits for every `done` of the work submitted, recording which failed.
struct outcomes {
  std::mutex mutex;
  std::condition_variable all_done;
  std::vector<std::string> failed;
  int finished = 0;

  server::commit_queue::finished for_piece(std::string name) {
    return [this, name](std::exception_ptr error) {
      const std::lock_guard<std::mutex> lock(mutex);
      if (error) failed.push_back(name);
      ++finished;
      all_done.notify_all();
    };
  }
  void wait_for(int count) {
    std::unique_lock<std::mutex> lock(mutex);
    all_done.wait(lock, [&] { return finished == count; });
  }
};

server::commit_queue::work insert(const char* sql) {
  return [sql](server::sqlite::connection& db) { db.prepare(sql).run(); };
}

std::vector<std::string> names(server::sqlite::pool& pool) {
  auto db = pool.acquire();
  auto st = db->prepare("SELECT name FROM t ORDER BY name");
  std::vector<std::string> out;
  while (st.step()) out.emplace_back(*st.text(0));
  return out;
}

}  // namespace

TEST_CASE("a piece of work that throws in a batch loses only its own writes") {
  server::sqlite::pool pool(":memory:", 1);
  pool.acquire()->exec("CREATE TABLE t (name TEXT PRIMARY KEY)");
  outcomes seen;
  {
    server::commit_queue queue(pool);
    // A first piece holds the writer until the three are queued behind it,
    // so that they are in one batch (with it, or the next).
    std::promise<void> queued;
    queue.submit([held = queued.get_future().share()](server::sqlite::connection&) { held.wait(); },
                 seen.for_piece("holding"));
    queue.submit(insert("INSERT INTO t VALUES ('first')"), seen.for_piece("first"));
    queue.submit(
        [](server::sqlite::connection& db) {
          db.prepare("INSERT INTO t VALUES ('failing')").run();
          throw std::runtime_error("the work failed after writing");
        },
        seen.for_piece("failing"));
    queue.submit(insert("INSERT INTO t VALUES ('third')"), seen.for_piece("third"));
    queued.set_value();
    seen.wait_for(4);
  }
  CHECK(seen.failed == std::vector<std::string>{"failing"});
  CHECK(names(pool) == std::vector<std::string>{"first", "third"});
}

TEST_CASE("work that succeeds is all kept") {
  server::sqlite::pool pool(":memory:", 1);
  pool.acquire()->exec("CREATE TABLE t (name TEXT PRIMARY KEY)");
  outcomes seen;
  {
    server::commit_queue queue(pool);
    queue.submit(insert("INSERT INTO t VALUES ('a')"), seen.for_piece("a"));
    queue.submit(insert("INSERT INTO t VALUES ('b')"), seen.for_piece("b"));
    seen.wait_for(2);
  }
  CHECK(seen.failed.empty());
  CHECK(names(pool) == std::vector<std::string>{"a", "b"});
}
