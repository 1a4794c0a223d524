// Percent-encoding and -decoding, as the web platform does them.
#pragma once

#include <string>
#include <string_view>

namespace clickref::detail {

// Appends `s` encoded as JavaScript's encodeURIComponent does: every byte
// except A-Z a-z 0-9 - _ . ! ~ * ' ( ) becomes %XX (upper-case hex). Bytes
// are encoded as they are; the caller decides what invalid UTF-8 means.
void append_uri_component(std::string& out, std::string_view s);

// Value of an ASCII hex digit, or -1.
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The byte that the escape "%XX" at s[at] stands for, or -1 when there is no
// such escape there (not '%', fewer than two bytes left, or not hex digits).
constexpr int escaped_byte(std::string_view s, size_t at) noexcept {
  if (at >= s.size() || s.size() - at < 3 || s[at] != '%') return -1;
  const int high = hex_value(s[at + 1]);
  const int low = hex_value(s[at + 2]);
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

}  // namespace clickref::detail
