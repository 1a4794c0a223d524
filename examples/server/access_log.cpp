#include "access_log.hpp"

#include "log.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace server::access_log {
namespace {

thread_local pending_line current;

}  // namespace

void begin() { current = pending_line{}; }

pending_line detach() { return std::exchange(current, pending_line{}); }

void resume(pending_line line) { current = std::move(line); }

void note(std::string_view key, std::string_view value) { current.notes.emplace_back(key, value); }

void write(const http_request& req, const http_response& res) {
  using namespace std::chrono;
  const double ms = duration<double, std::milli>(steady_clock::now() - current.start).count();
  const char* level = res.status >= 500 ? "error" : res.status >= 400 ? "warn" : "info";
  auto line = log::line(level, "request");
  line.str("method", req.method)
      .str("path", req.path)
      .num("status", res.status)
      .real("ms", ms)
      .str("peer", req.peer);
  for (const auto& [key, value] : current.notes) line.str(key, value);
  log::emit(line);
  current.notes.clear();
}

void refused(const http_request& partial, const http_refusal& why) {
  auto line = log::line(why.status >= 500 ? "error" : "warn", "request");
  if (!partial.method.empty()) line.str("method", partial.method).str("path", partial.path);
  line.num("status", why.status).str("peer", partial.peer).str("refused", why.error);
  log::emit(line);
}

}  // namespace server::access_log
