// Writing JSON: the server's responses and its log lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace server {

// Appends `s` as a JSON string literal. Quotes, backslashes and control
// characters are escaped; bytes that are not valid UTF-8 become U+FFFD, so
// whatever a webhook or a request carried, the output is valid JSON.
void append_json_string(std::string& out, std::string_view s);

// Builds one JSON object, member by member, in insertion order.
class json_object {
 public:
  json_object& str(std::string_view key, std::string_view value);
  json_object& str(std::string_view key, const char* value) { return str(key, std::string_view(value)); }
  json_object& str(std::string_view key, const std::string& value) {
    return str(key, std::string_view(value));
  }
  json_object& str(std::string_view key, const std::optional<std::string>& value);  // null when absent
  json_object& num(std::string_view key, int64_t value);
  json_object& num(std::string_view key, const std::optional<int64_t>& value);  // null when absent
  json_object& real(std::string_view key, double value);
  json_object& boolean(std::string_view key, bool value);
  json_object& null(std::string_view key);
  // `json` must already be one JSON value (an object or array built elsewhere).
  json_object& raw(std::string_view key, std::string_view json);

  // The object, closed. The builder is left empty.
  std::string take();

 private:
  void key(std::string_view k);
  std::string out_ = "{";
};

}  // namespace server
