// Reading an HTTP/1.1 request head (RFC 9112), strictly: what the receiver
// does not understand it refuses with a status, rather than guessing, since
// a proxy in front may read the same bytes differently (request smuggling).
// Pure functions over bytes; http_server.cpp feeds them what a connection
// has read so far.
#pragma once

#include "http_message.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace server {

struct head_limits {
  size_t request_line = 8 * 1024;  // beyond: 414
  size_t header_line = 8 * 1024;   // one "name: value" line; beyond: 431
  size_t head = 32 * 1024;         // request line and every header; beyond: 431
  size_t header_count = 100;       // beyond: 431
  uint64_t body = 1024 * 1024;     // Content-Length; beyond: 413
};

// Why a request is answered by the HTTP layer instead of a route; the
// connection is closed after the answer, since where the next request starts
// is no longer certain.
struct http_refusal {
  int status;
  std::string_view error;    // a stable word for the JSON body and the log
  std::string_view message;  // for a person
};

// What a complete head says about the rest of the request.
struct request_framing {
  uint64_t content_length = 0;
  bool expect_continue = false;  // the client waits for "100 Continue" before the body
};

// Where the head in `bytes` ends (just past its blank line), or 0 while it
// is incomplete. Lines end in CRLF or a bare LF. `from`: bytes already
// searched by an earlier call on the same growing buffer.
size_t find_head_end(std::string_view bytes, size_t from);

// For a head that is still incomplete: the refusal when it can no longer
// become acceptable however it continues (a line or the head already too
// long), else nothing.
std::optional<http_refusal> refuse_incomplete_head(std::string_view bytes, const head_limits& limits);

// Parses a complete head (`find_head_end` bytes) into `req` (method,
// target, path, query, headers, keep_alive) and returns how its body is
// framed, or why it is refused.
std::variant<request_framing, http_refusal> parse_head(std::string_view head, const head_limits& limits,
                                                       http_request& req);

}  // namespace server
