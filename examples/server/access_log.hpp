// One structured log line per HTTP request.
//
// A request is routed on one worker thread from begin(), so what a handler
// wants on its request's line (the event id, what happened to it) waits in
// thread-local storage until write(). A request answered later on another
// thread (a webhook, after its commit) takes its line along: detach() it
// before handing over, resume() it where the answer is made.
#pragma once

#include "http_message.hpp"
#include "http_parser.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace server::access_log {

// Called before routing: starts the request's clock and forgets stale notes.
void begin();

// Adds a field to the current request's line.
void note(std::string_view key, std::string_view value);

// A request's line before it is written.
struct pending_line {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, std::string>> notes;
};

// The current request's line so far, taken off this thread.
pending_line detach();
// Makes `line` this thread's current request line again.
void resume(pending_line line);

// Writes the line: method, path (without the query), status, duration, peer,
// then the notes.
void write(const http_request& req, const http_response& res);

// The line for a request the HTTP layer refused without routing it (what
// of the request was read: perhaps nothing), on the I/O thread.
void refused(const http_request& partial, const http_refusal& why);

}  // namespace server::access_log
