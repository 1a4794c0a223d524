// JSON string literals for any bytes: the escaping every JSON clickref writes uses.
#include <clickref/event.hpp>

#include "utf8.hpp"

#include <array>

namespace clickref {

namespace {

using detail::utf8_lead;
using detail::utf8_lead_of;
using detail::utf8_sequence_length;

constexpr char kReplacementCharacter[] = "\xEF\xBF\xBD";  // U+FFFD

// Bytes copied as they are: printable ASCII other than `"` and `\`. (A table:
// this loop runs over every byte clickref writes as JSON.)
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[static_cast<size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

// The length of the maximal subpart of an ill-formed sequence at s[0, n):
// the longest prefix that could still have begun a well-formed sequence, and
// at least one byte. The WHATWG decoder turns each such subpart into one
// U+FFFD.
size_t invalid_subpart_length(const unsigned char* s, size_t n) noexcept {
  utf8_lead lead;
  if (!utf8_lead_of(s[0], lead)) return 1;
  size_t i = 1;
  if (i < n && s[i] >= lead.lower && s[i] <= lead.upper) {
    ++i;
    while (i <= lead.continuation && i < n && s[i] >= 0x80 && s[i] <= 0xBF) ++i;
  }
  return i;
}

// The escape for an ASCII byte that may not appear raw in a JSON string.
void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      break;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  out.append(escape, sizeof escape);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  if (out.capacity() - out.size() < n + 2) out.reserve(out.size() + n + 2);
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied unchanged
  size_t i = 0;
  while (i < n) {
    while (i < n && kPlain[p[i]]) ++i;
    if (i == n) break;
    if (p[i] >= 0x80) {
      if (const size_t len = utf8_sequence_length(p + i, n - i); len != 0) {
        i += len;  // well-formed: stays in the run
        continue;
      }
    }
    out.append(s.data() + run, i - run);
    if (p[i] >= 0x80) {
      out += kReplacementCharacter;
      i += invalid_subpart_length(p + i, n - i);
    } else {
      append_escape(out, p[i]);
      ++i;
    }
    run = i;
  }
  out.append(s.data() + run, n - run);
  out.push_back('"');
}

}  // namespace clickref
