#include "postback_worker.hpp"

#include "log.hpp"
#include "unix_time.hpp"

#include <httplib.h>

#include <algorithm>
#include <chrono>

namespace server {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// A failed store call (the disk is full, say) is retried after this long.
constexpr int64_t kStoreRetryMs = 5000;

struct split_url {
  std::string origin;  // scheme://host[:port]
  std::string target;  // /path?query
};

split_url split(const std::string& url) {
  const size_t authority = url.find("://");
  const size_t path = url.find_first_of("/?#", authority == std::string::npos ? 0 : authority + 3);
  if (path == std::string::npos) return {url, "/"};
  std::string target = url.substr(path);
  if (target.front() != '/') target.insert(0, "/");
  return {url.substr(0, path), target};
}

// Sends one postback; returns "" on a 2xx answer, else what went wrong.
std::string send(const std::string& url) {
  const split_url parts = split(url);
  httplib::Client client(parts.origin);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  client.set_write_timeout(10, 0);
  const auto response = client.Get(parts.target);
  if (!response) return "request failed: " + httplib::to_string(response.error());
  if (response->status < 200 || response->status > 299) return "HTTP " + std::to_string(response->status);
  return "";
}

// The delay before attempt `failed_attempts + 1`: first_delay_ms, doubled
// for each further failure, never more than max_delay_ms.
int64_t backoff_ms(const retry_policy& retry, int64_t failed_attempts) {
  int64_t delay = retry.first_delay_ms;
  for (int64_t i = 1; i < failed_attempts && delay < retry.max_delay_ms; ++i) delay *= 2;
  return std::min(delay, retry.max_delay_ms);
}

}  // namespace

postback_worker::postback_worker(store& db, retry_policy retry)
    : db_(db), retry_(retry), thread_([this] { run(); }) {}

postback_worker::~postback_worker() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void postback_worker::wake() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  changed_.notify_all();
}

void postback_worker::run() {
  for (;;) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      woken_ = false;  // whatever woke us is in the database now, and is read next
    }
    std::optional<int64_t> next_due;
    try {
      if (const auto job = db_.claim_due_postback(unix_ms_now())) {
        deliver(*job);
        continue;
      }
      next_due = db_.next_postback_due();
    } catch (const storage_error& e) {
      auto line = log::line("error", "postback queue");
      line.str("error", e.what());
      log::emit(line);
      next_due = unix_ms_now() + kStoreRetryMs;
    }
    wait_until(next_due);
  }
}

void postback_worker::deliver(const postback_job& job) {
  const std::string error = send(job.url);
  const int64_t attempts = job.attempts + 1;
  auto line = log::line(error.empty() ? "info" : "warn", "postback");
  line.str("tenant", job.tenant).str("dedupe_key", job.dedupe_key).num("attempt", attempts);
  if (error.empty()) {
    db_.postback_delivered(job, attempts, unix_ms_now() / 1000);
    line.str("outcome", "delivered");
  } else {
    const bool give_up = attempts >= retry_.max_attempts;
    const int64_t delay = backoff_ms(retry_, attempts);
    const auto retry_at = give_up ? std::nullopt : std::optional<int64_t>(unix_ms_now() + delay);
    db_.postback_failed(job, attempts, error, retry_at);
    line.str("outcome", give_up ? "given up" : "will retry").str("error", error);
    if (!give_up) line.num("retry_in_ms", delay);
  }
  log::emit(line);
}

void postback_worker::wait_until(std::optional<int64_t> due_ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto ready = [&] { return stopping_ || woken_; };
  if (due_ms) {
    changed_.wait_until(lock, system_clock::time_point(milliseconds(*due_ms)), ready);
  } else {
    changed_.wait(lock, ready);
  }
}

}  // namespace server
