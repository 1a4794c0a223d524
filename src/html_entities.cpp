// Attribute-value decoding, following the WHATWG tokenizer's character
// reference states with the "return state" an attribute value.
#include "html_entities.hpp"

#include "percent_encoding.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace clickref::detail {

namespace {

struct named_reference {
  const char* name;  // without the leading '&'; most end with ';'
  const char* utf8;
};

constexpr named_reference kNamedReferences[] = {
#include "html_entities_table.inc"
};

// The longest name without ';' (the legacy ones: "frac12", "middot", …).
constexpr size_t kLongestLegacyName = 6;
// The longest name, ';' included ("CounterClockwiseContourIntegral;").
constexpr size_t kLongestName = 32;

constexpr uint32_t kReplacementCharacter = 0xFFFD;
constexpr uint32_t kMaxCodePoint = 0x10FFFF;

// What "&#128;" … "&#159;" mean: windows-1252's characters, where it has
// one (0 = the code point is kept as it is).
constexpr uint16_t kWindows1252C1[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                         0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                         0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                         0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_ascii_alphanumeric(char c) noexcept {
  return is_ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The tokenizer's "numeric character reference end state".
uint32_t numeric_reference_value(uint32_t cp) noexcept {
  if (cp == 0 || cp > kMaxCodePoint || (cp >= 0xD800 && cp <= 0xDFFF)) return kReplacementCharacter;
  if (cp >= 0x80 && cp <= 0x9F && kWindows1252C1[cp - 0x80] != 0) return kWindows1252C1[cp - 0x80];
  return cp;
}

const char* find_named_reference(std::string_view name) noexcept {
  const auto* end = std::end(kNamedReferences);
  const auto* it = std::lower_bound(
      std::begin(kNamedReferences), end, name,
      [](const named_reference& r, std::string_view n) { return std::string_view(r.name) < n; });
  return it != end && std::string_view(it->name) == name ? it->utf8 : nullptr;
}

// Decodes the reference at raw[at] == '&'. Appends what it stands for (or the
// '&' alone when it is literal) and returns the index after what it used.
size_t append_reference(std::string& out, std::string_view raw, size_t at) {
  size_t i = at + 1;
  if (i < raw.size() && raw[i] == '#') {
    ++i;
    const bool hex = i < raw.size() && (raw[i] == 'x' || raw[i] == 'X');
    if (hex) ++i;
    const size_t digits_begin = i;
    uint32_t cp = 0;
    for (; i < raw.size(); ++i) {
      const int digit = hex ? hex_value(raw[i]) : (is_ascii_digit(raw[i]) ? raw[i] - '0' : -1);
      if (digit < 0) break;
      // Saturate: any value past U+10FFFF means the same (U+FFFD).
      cp = cp > kMaxCodePoint ? cp : cp * (hex ? 16u : 10u) + static_cast<uint32_t>(digit);
    }
    if (i == digits_begin) {  // "&#" or "&#x" without digits: literal
      out.append(raw.substr(at, i - at));
      return i;
    }
    if (i < raw.size() && raw[i] == ';') ++i;
    append_utf8(out, numeric_reference_value(cp));
    return i;
  }

  if (raw.compare(i, 4, "amp;") == 0) {  // by far the most common one in a URL
    out.push_back('&');
    return i + 4;
  }
  size_t run_end = i;
  while (run_end < raw.size() && is_ascii_alphanumeric(raw[run_end])) ++run_end;
  // A name ending in ';' can only match the whole run of letters and digits
  // followed by the ';'.
  if (run_end < raw.size() && raw[run_end] == ';' && run_end + 1 - i <= kLongestName) {
    if (const char* utf8 = find_named_reference(raw.substr(i, run_end + 1 - i))) {
      out.append(utf8);
      return run_end + 1;
    }
  }
  // Otherwise the longest legacy name the run starts with. In an attribute
  // value it counts only when followed by neither '=' nor a letter or digit,
  // that is, when it is the whole run and no '=' comes next.
  for (size_t len = std::min(run_end - i, kLongestLegacyName); len > 0; --len) {
    const char* utf8 = find_named_reference(raw.substr(i, len));
    if (utf8 == nullptr) continue;
    const bool literal = i + len < run_end || (run_end < raw.size() && raw[run_end] == '=');
    if (literal) break;
    out.append(utf8);
    return i + len;
  }
  out.push_back('&');
  return at + 1;
}

}  // namespace

bool attribute_value_needs_decoding(std::string_view raw) noexcept {
  for (char c : raw) {
    if (c == '&' || c == '\0' || c == '\r') return true;
  }
  return false;
}

void append_decoded_attribute_value(std::string& out, std::string_view raw) {
  size_t i = 0;
  while (i < raw.size()) {
    size_t plain = i;
    while (plain < raw.size() && raw[plain] != '&' && raw[plain] != '\0' && raw[plain] != '\r') ++plain;
    out.append(raw.substr(i, plain - i));
    if (plain == raw.size()) break;
    i = plain;
    switch (raw[i]) {
      case '&':
        i = append_reference(out, raw, i);
        break;
      case '\0':
        append_utf8(out, kReplacementCharacter);
        ++i;
        break;
      default:  // '\r', alone or before '\n'
        out.push_back('\n');
        i += i + 1 < raw.size() && raw[i + 1] == '\n' ? 2 : 1;
        break;
    }
  }
}

}  // namespace clickref::detail
