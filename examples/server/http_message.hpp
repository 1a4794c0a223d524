// One HTTP/1.1 request as the receiver's routes see it, and the response
// they fill in. http_server.hpp reads the first and writes the second.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace server {

struct http_request {
  std::string method;                                        // as sent: methods are case-sensitive
  std::string target;                                        // the request target as sent, query included
  std::string path;                                          // the target before '?', not decoded
  std::string query;                                         // the target after '?', not decoded
  std::vector<std::pair<std::string, std::string>> headers;  // in order, values trimmed
  std::string body;                                          // exactly the bytes received
  std::string peer;                                          // the client's address: "127.0.0.1", "::1"
  bool keep_alive = true;

  // The first value of the header `name` (any case), or "" when absent.
  std::string_view header(std::string_view name) const;
  // Every value of the header `name`, in order.
  std::vector<std::string_view> headers_named(std::string_view name) const;
  // The query parameter `name`, decoded as application/x-www-form-urlencoded
  // ('+' is a space, %XX a byte); the first one when repeated.
  std::optional<std::string> param(std::string_view name) const;
};

struct http_response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Length is added when sent
  std::string body;

  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  void set_content(std::string content, std::string_view content_type) {
    body = std::move(content);
    set_header("Content-Type", std::string(content_type));
  }
};

// The standard reason phrase of `status`, for the status line.
std::string_view reason_phrase(int status);

// application/x-www-form-urlencoded, both ways: `encode_query_value` escapes
// every byte but unreserved ones, so the result is safe in any URL query.
std::string decode_query_value(std::string_view text);
std::string encode_query_value(std::string_view text);

}  // namespace server
