// One structured log line per HTTP request.
//
// httplib runs the pre-routing hook, the route's handler and the logger on
// the same thread, one request after the other, so what a handler wants on
// its request's line (the event id, what happened to it) waits in
// thread-local storage between the three.
#pragma once

#include <string_view>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace server::access_log {

// Called before routing: starts the request's clock and forgets stale notes.
void begin();

// Adds a field to the current request's line.
void note(std::string_view key, std::string_view value);

// Writes the line: method, path (without the query), status, duration, peer,
// then the notes.
void write(const httplib::Request& req, const httplib::Response& res);

}  // namespace server::access_log
