// Delivers queued Tracknow postbacks in the background, with retries and
// exponential backoff. The queue lives in the database, so a restart neither
// loses a postback nor sends a delivered one again.
#pragma once

#include "store.hpp"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace server {

struct retry_policy {
  int64_t first_delay_ms = 1000;  // doubled after each failed attempt, up to max_delay_ms
  int64_t max_delay_ms = int64_t{3600} * 1000;
  int max_attempts = 10;  // then the postback is marked failed
};

class postback_worker {
 public:
  postback_worker(store& db, retry_policy retry);
  postback_worker(const postback_worker&) = delete;
  postback_worker& operator=(const postback_worker&) = delete;
  // Stops, letting a delivery in flight finish.
  ~postback_worker();

  // A postback was queued: look now rather than at the next scheduled time.
  void wake();

 private:
  void run();
  void deliver(const postback_job& job);
  // Waits until `due_ms` (unix ms; nullopt: until woken) or a wake-up.
  void wait_until(std::optional<int64_t> due_ms);

  store& db_;
  retry_policy retry_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace server
