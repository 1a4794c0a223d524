#include "json_diagnosis.hpp"

#include "utf8.hpp"

#include <charconv>
#include <system_error>

namespace clickref::detail {

namespace {

enum class number_kind { valid, malformed, out_of_range };

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// What ends a scalar token: white space and the structural characters.
bool is_delimiter(char c) noexcept {
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case ',':
    case ':':
    case '[':
    case ']':
    case '{':
    case '}':
    case '"':
      return true;
    default:
      return false;
  }
}

// Whether the decimal integer `digits` (no sign, no leading zeros) exceeds
// `limit`, a decimal string of the same kind.
bool exceeds(std::string_view digits, std::string_view limit) noexcept {
  return digits.size() > limit.size() || (digits.size() == limit.size() && digits > limit);
}

// The sign of the decimal exponent of a number's leading non-zero digit
// (1e3 → +, 0.05 → -, 7 → 0), telling an overflow from an underflow. The
// exponent is read saturated: only its sign and rough size matter.
long leading_magnitude(std::string_view int_digits, std::string_view frac_digits, std::string_view exp) {
  long lead = 0;
  const size_t first = int_digits.find_first_not_of('0');
  if (first != std::string_view::npos) {
    lead = static_cast<long>(int_digits.size() - first - 1);
  } else {
    const size_t frac_first = frac_digits.find_first_not_of('0');
    if (frac_first == std::string_view::npos) return 0;  // zero: never out of range
    lead = -static_cast<long>(frac_first + 1);
  }
  long e = 0;
  const bool negative = !exp.empty() && exp[0] == '-';
  for (char c : exp) {
    if (is_digit(c) && e < 1000000) e = e * 10 + (c - '0');
  }
  return lead + (negative ? -e : e);
}

// RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, then the range
// simdjson parses: integers in [INT64_MIN, UINT64_MAX], floats up to DBL_MAX
// (smaller ones underflow to zero, which simdjson accepts).
number_kind classify(std::string_view token) noexcept {
  size_t i = 0;
  const size_t n = token.size();
  const bool negative = token[0] == '-';
  if (negative) ++i;
  const size_t int_begin = i;
  if (i < n && token[i] == '0') {
    ++i;
  } else if (i < n && is_digit(token[i])) {
    while (i < n && is_digit(token[i])) ++i;
  } else {
    return number_kind::malformed;
  }
  const std::string_view int_digits = token.substr(int_begin, i - int_begin);
  std::string_view frac_digits, exp;
  if (i < n && token[i] == '.') {
    const size_t begin = ++i;
    while (i < n && is_digit(token[i])) ++i;
    if (i == begin) return number_kind::malformed;
    frac_digits = token.substr(begin, i - begin);
  }
  bool has_exponent = false;
  if (i < n && (token[i] == 'e' || token[i] == 'E')) {
    has_exponent = true;
    const size_t begin = ++i;
    if (i < n && (token[i] == '+' || token[i] == '-')) ++i;
    const size_t digits = i;
    while (i < n && is_digit(token[i])) ++i;
    if (i == digits) return number_kind::malformed;
    exp = token.substr(begin, i - begin);
  }
  if (i != n) return number_kind::malformed;

  if (frac_digits.empty() && !has_exponent) {
    const bool beyond =
        negative ? exceeds(int_digits, "9223372036854775808") : exceeds(int_digits, "18446744073709551615");
    return beyond ? number_kind::out_of_range : number_kind::valid;
  }
  double value = 0;
  const std::from_chars_result parsed = std::from_chars(token.data(), token.data() + n, value);
  if (parsed.ec == std::errc::result_out_of_range && leading_magnitude(int_digits, frac_digits, exp) > 0) {
    return number_kind::out_of_range;
  }
  return number_kind::valid;
}

// The index just past the string literal that opens at json[open].
size_t end_of_string(std::string_view json, size_t open) noexcept {
  size_t i = open + 1;
  while (i < json.size()) {
    if (json[i] == '\\') {
      i += 2;
    } else if (json[i] == '"') {
      return i + 1;
    } else {
      ++i;
    }
  }
  return json.size();
}

}  // namespace

size_t first_invalid_utf8(std::string_view json) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(json.data());
  size_t i = 0;
  while (i < json.size()) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const size_t len = utf8_sequence_length(p + i, json.size() - i);
    if (len == 0) return i;
    i += len;
  }
  return json.size();
}

number_problem find_number_problem(std::string_view json) noexcept {
  size_t i = 0;
  while (i < json.size()) {
    const char c = json[i];
    if (c == '"') {
      i = end_of_string(json, i);
    } else if (c == '-' || is_digit(c)) {
      size_t end = i;
      while (end < json.size() && !is_delimiter(json[end])) ++end;
      switch (classify(json.substr(i, end - i))) {
        case number_kind::malformed:
          return {i, false};
        case number_kind::out_of_range:
          return {i, true};
        case number_kind::valid:
          break;
      }
      i = end;
    } else {
      ++i;
    }
  }
  return {};
}

}  // namespace clickref::detail
