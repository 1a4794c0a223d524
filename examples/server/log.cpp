#include "log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace server::log {
namespace {

std::string utc_now_iso8601() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t seconds = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  char text[48];
  std::snprintf(text, sizeof text, "%s.%03dZ", date, static_cast<int>(millis));
  return text;
}

std::mutex stderr_mutex;

void write_out(const std::string& text) {
  if (text.empty()) return;
  const std::lock_guard<std::mutex> lock(stderr_mutex);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

thread_local bool batching = false;
thread_local std::string held;  // a batch's lines so far

}  // namespace

json_object line(std::string_view level, std::string_view msg) {
  json_object out;
  out.str("time", utc_now_iso8601()).str("level", level).str("msg", msg);
  return out;
}

void emit(json_object& line) {
  if (batching) {  // appended where it is held, not copied there
    held += line.take();
    held += '\n';
    return;
  }
  std::string text = line.take();
  text += '\n';
  write_out(text);
}

batch::batch() : outermost_(!batching) { batching = true; }

batch::~batch() {
  if (!outermost_) return;
  batching = false;
  write_out(held);
  held.clear();
}

}  // namespace server::log
