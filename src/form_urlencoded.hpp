// The WHATWG application/x-www-form-urlencoded parser: what URLSearchParams
// does to a query string.
//
// Parsing is split in two so that hot paths need not allocate: walking the
// raw name/value pairs, then decoding only the names and values that matter.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clickref::detail {

// One '&'-separated piece of a query, split at its first '=', still encoded.
struct raw_pair {
  std::string_view name;
  std::string_view value;  // empty when the piece has no '='
  bool plain_name;         // no '+', '%' or non-ASCII byte: the name decodes to itself
};

// Names are short, so one plain loop that finds the '=' and checks the
// bytes on the way beats calls to memchr and a decoder.
constexpr raw_pair split_piece(std::string_view piece) noexcept {
  size_t i = 0;
  bool plain = true;
  for (; i < piece.size() && piece[i] != '='; ++i) {
    const auto c = static_cast<unsigned char>(piece[i]);
    plain = plain && c != '+' && c != '%' && c < 0x80;
  }
  return {piece.substr(0, i), i < piece.size() ? piece.substr(i + 1) : std::string_view(), plain};
}

// Calls visit(pair) for each raw_pair of `query` in order: split on '&',
// empty pieces skipped. Stops early when visit returns false.
template <class Visit>
void for_each_raw_pair(std::string_view query, Visit&& visit) {
  size_t begin = 0;
  while (begin <= query.size()) {
    size_t end = query.find('&', begin);
    if (end == std::string_view::npos) end = query.size();
    if (end > begin && !visit(split_piece(query.substr(begin, end - begin)))) return;
    begin = end + 1;
  }
}

// Decoding one raw name or value: '+' becomes a space, "%XX" the byte XX (a
// '%' not followed by two hex digits stays as it is), and the bytes are then
// read as UTF-8, each maximal invalid subpart replaced by U+FFFD (the
// Encoding standard's "UTF-8 decode without BOM").

// Appends the decoded text to `out`.
void append_form_decoded(std::string& out, std::string_view raw);

// Writes the decoded text to out[0, cap) when it fits, and returns its
// length either way.
size_t write_form_decoded(std::string_view raw, char* out, size_t cap) noexcept;

// Whether `raw` decodes to exactly `text`, without allocating.
bool form_decoded_equals(std::string_view raw, std::string_view text) noexcept;

// Whether the pair's name decodes to exactly `text`.
inline bool name_equals(const raw_pair& pair, std::string_view text) noexcept {
  return pair.plain_name ? pair.name == text : form_decoded_equals(pair.name, text);
}

// The whole list of decoded (name, value) pairs, as URLSearchParams holds it.
std::vector<std::pair<std::string, std::string>> parse_form_urlencoded(std::string_view query);

}  // namespace clickref::detail
