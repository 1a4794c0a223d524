#include "signature_header.hpp"

#include "percent_encoding.hpp"

#include <limits>

namespace clickref::detail {

namespace {

// Strictly decimal digits (no sign, no white space inside) that fit int64.
bool parse_unix_seconds(std::string_view text, int64_t& out) noexcept {
  if (text.empty()) return false;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const int digit = c - '0';
    if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  out = value;
  return true;
}

}  // namespace

status parse_signature_header(std::string_view header, signature_header& out, size_t& error_offset) {
  error_offset = 0;
  size_t t_count = 0;
  bool has_v1 = false;
  bool t_valid = false;
  size_t bad_t_offset = 0;
  for_each_item(header, [&](std::string_view key, std::string_view value, size_t offset) {
    if (key == "t") {
      ++t_count;
      if (t_count == 1) {
        t_valid = parse_unix_seconds(value, out.timestamp);
        out.timestamp_text = value;
        bad_t_offset = offset;
      } else {
        bad_t_offset = offset;  // the duplicate is the problem
      }
    } else if (key == "v1") {
      has_v1 = true;
    }
  });
  if (t_count == 0) return CLICKREF_E_SIG_MALFORMED_HEADER;
  if (t_count > 1 || !t_valid) {
    error_offset = bad_t_offset;
    return CLICKREF_E_SIG_MALFORMED_HEADER;
  }
  if (!has_v1) return CLICKREF_E_SIG_NO_V1;
  out.items = header;
  return CLICKREF_OK;
}

bool decode_v1(std::string_view hex, sha256_digest& out) noexcept {
  if (hex.size() != out.size() * 2) return false;
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

}  // namespace clickref::detail
