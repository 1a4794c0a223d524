// One structured log line per HTTP request.
//
// A request is routed on one worker thread from begin() to write(), so
// what a handler wants on its request's line (the event id, what happened
// to it) waits in thread-local storage in between.
#pragma once

#include "http_message.hpp"
#include "http_parser.hpp"

#include <string_view>

namespace server::access_log {

// Called before routing: starts the request's clock and forgets stale notes.
void begin();

// Adds a field to the current request's line.
void note(std::string_view key, std::string_view value);

// Writes the line: method, path (without the query), status, duration, peer,
// then the notes.
void write(const http_request& req, const http_response& res);

// The line for a request the HTTP layer refused without routing it (what
// of the request was read: perhaps nothing), on the I/O thread.
void refused(const http_request& partial, const http_refusal& why);

}  // namespace server::access_log
