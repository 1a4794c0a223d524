// Payment links: recognising them as a browser parses a URL, and setting
// client_reference_id without re-serialising the rest of the URL.
#include <clickref/click_id.hpp>
#include <clickref/url.hpp>

#include "form_urlencoded.hpp"
#include "payment_link.hpp"
#include "percent_encoding.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace clickref {

namespace detail {

namespace {

constexpr std::string_view kReferenceParam = "client_reference_id";
constexpr unsigned kDefaultHttpsPort = 443;

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string_view without_trailing_dot(std::string_view host) noexcept {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host;
}

// The URL parser ignores C0 controls and spaces around a URL...
std::string_view trim_c0_and_space(std::string_view s) noexcept {
  size_t begin = 0;
  size_t end = s.size();
  while (begin < end && static_cast<unsigned char>(s[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<unsigned char>(s[end - 1]) <= 0x20) --end;
  return s.substr(begin, end - begin);
}

// ...and deletes tabs and newlines anywhere in it.
bool is_tab_or_newline(char c) noexcept { return c == '\t' || c == '\n' || c == '\r'; }

std::string without_tabs_and_newlines(std::string_view s) {
  std::string cleaned;
  cleaned.reserve(s.size());
  for (char c : s) {
    if (!is_tab_or_newline(c)) cleaned.push_back(c);
  }
  return cleaned;
}

// Written without an early exit so that the compiler can vectorise it: this
// scan runs over every URL.
bool contains_control(std::string_view s) noexcept {
  unsigned found = 0;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    found |= static_cast<unsigned>(c < 0x20) | static_cast<unsigned>(c == 0x7F);
  }
  return found != 0;
}

// The URL standard's "forbidden domain code points" (ASCII ones; the host is
// examined byte by byte after percent-decoding).
bool is_forbidden_in_domain(unsigned char c) noexcept {
  constexpr std::string_view kForbidden = "#%/:<>?@[\\]^|";
  return c <= 0x20 || c == 0x7F || kForbidden.find(static_cast<char>(c)) != std::string_view::npos;
}

// A port as the URL parser reads it: decimal digits only (leading zeros
// allowed), at most 65535; empty means the scheme's default.
bool parse_port(std::string_view text, unsigned& port) noexcept {
  port = kDefaultHttpsPort;
  if (text.empty()) return true;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > 65535) return false;
  }
  port = value;
  return true;
}

enum class link_kind { other, payment_link, invalid };

struct examined_link {
  link_kind kind = link_kind::other;
  std::string_view url;  // trimmed, tabs and newlines removed
  size_t path = 0;       // where the authority ends
};

// An https URL to a valid lower-case ASCII host: a payment link when the
// host is listed and the port is the default one (another port is another
// origin, and Stripe serves payment links on 443 only).
link_kind kind_of(std::string_view host, unsigned port, const host_list& hosts) noexcept {
  if (!hosts.contains(without_trailing_dot(host))) return link_kind::other;
  return port == kDefaultHttpsPort ? link_kind::payment_link : link_kind::other;
}

// What an https URL's authority says, in general: its host is checked as
// the URL parser checks a domain (percent-decoded, forbidden code points),
// then compared with the list in ASCII lower case.
link_kind examine_authority(std::string_view authority, const host_list& hosts) noexcept {
  // The host follows the last '@': everything before it is userinfo.
  const size_t at = authority.rfind('@');
  const std::string_view host_port = at == std::string_view::npos ? authority : authority.substr(at + 1);
  if (host_port.empty()) return link_kind::invalid;

  unsigned port = kDefaultHttpsPort;
  if (host_port.front() == '[') {
    // An IPv6 literal is never a listed host; only its port is checked.
    const size_t close = host_port.find(']');
    if (close == std::string_view::npos) return link_kind::invalid;
    const std::string_view rest = host_port.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !parse_port(rest.substr(1), port)))
      return link_kind::invalid;
    return link_kind::other;
  }
  const size_t colon = host_port.rfind(':');
  const std::string_view host = host_port.substr(0, colon);
  if (colon != std::string_view::npos && !parse_port(host_port.substr(colon + 1), port)) {
    return link_kind::invalid;
  }
  if (host.empty()) return link_kind::invalid;

  // No listed host can be longer than a DNS name; a longer one is still
  // checked for forbidden code points.
  char lowered[256];
  size_t len = 0;
  bool ascii = true;
  for (size_t i = 0; i < host.size(); ++i) {
    auto c = static_cast<unsigned char>(host[i]);
    if (const int escaped = escaped_byte(host, i); escaped >= 0) {
      c = static_cast<unsigned char>(escaped);
      i += 2;
    }
    if (is_forbidden_in_domain(c)) return link_kind::invalid;
    ascii = ascii && c < 0x80;
    if (len < sizeof lowered) lowered[len] = ascii_lower(static_cast<char>(c));
    ++len;
  }
  // A non-ASCII host goes through IDNA in a browser; the listed hosts are
  // ASCII, and missing a link that IDNA would map to one of them is the
  // safe direction (the id is not sent, rather than sent elsewhere).
  if (!ascii || len > sizeof lowered) return link_kind::other;
  return kind_of(std::string_view(lowered, len), port, hosts);
}

// Bytes that decide how an authority is read; all others are plain.
enum authority_byte : unsigned char { kPlain, kEnd, kAt, kColon, kSpecial };

constexpr std::array<unsigned char, 256> make_authority_bytes() {
  std::array<unsigned char, 256> table{};
  for (size_t c = 0; c < 256; ++c) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    table[c] = plain ? kPlain : kSpecial;  // upper case, '%', '[', forbidden, non-ASCII, …
  }
  table['/'] = table['\\'] = table['?'] = table['#'] = kEnd;
  table['@'] = kAt;
  table[':'] = kColon;
  return table;
}

constexpr std::array<unsigned char, 256> kAuthorityBytes = make_authority_bytes();

// Finds the end of the authority starting at url[begin] and examines it.
// Almost every link has a lower-case host of letters, digits, '-' and '.',
// and perhaps a port: that case is settled in this one pass, the others
// go to examine_authority.
link_kind examine_authority_at(std::string_view url, size_t begin, size_t& end,
                               const host_list& hosts) noexcept {
  size_t host_begin = begin;
  size_t colon = std::string_view::npos;
  bool simple = true;
  for (end = begin; end < url.size(); ++end) {
    const unsigned char kind = kAuthorityBytes[static_cast<unsigned char>(url[end])];
    if (kind == kPlain) continue;
    if (kind == kEnd) break;
    if (kind == kAt) {
      host_begin = end + 1;
      colon = std::string_view::npos;
      simple = true;
    } else if (kind == kColon && colon == std::string_view::npos) {
      colon = end;
    } else {
      simple = false;
    }
  }
  const std::string_view authority = url.substr(begin, end - begin);
  const size_t host_end = colon == std::string_view::npos ? end : colon;
  if (!simple || host_end == host_begin) return examine_authority(authority, hosts);
  unsigned port = kDefaultHttpsPort;
  if (colon != std::string_view::npos && !parse_port(url.substr(colon + 1, end - colon - 1), port)) {
    return link_kind::invalid;
  }
  return kind_of(url.substr(host_begin, host_end - host_begin), port, hosts);
}

// `scratch` holds the URL when tabs or newlines had to be removed.
examined_link examine(std::string_view input, const host_list& hosts, std::string& scratch) {
  examined_link link;
  link.url = trim_c0_and_space(input);
  bool has_control = contains_control(link.url);
  if (has_control && link.url.find_first_of("\t\n\r") != std::string_view::npos) {
    scratch = without_tabs_and_newlines(link.url);
    link.url = scratch;
    has_control = contains_control(link.url);
  }
  const std::string_view url = link.url;
  if (url.size() < 6 || !equals_ignoring_case(url.substr(0, 6), "https:")) return link;
  // NUL and the other controls a browser would percent-encode: an https
  // link carrying them is corrupt or hostile, and is refused.
  if (has_control) {
    link.kind = link_kind::invalid;
    return link;
  }
  // With fewer than two slashes a browser resolves "https:x" against the
  // page's own URL when the page is https: it is not a link to host x.
  size_t begin = 6;
  while (begin < url.size() && (url[begin] == '/' || url[begin] == '\\')) ++begin;
  if (begin - 6 < 2) return link;
  link.kind = examine_authority_at(url, begin, link.path, hosts);
  return link;
}

// Output that appends to a std::string.
struct string_output {
  std::string& out;
  void append(std::string_view s) { out.append(s.data(), s.size()); }
};

// Output into a caller's buffer: bytes are written while they fit, and the
// length needed is counted either way.
struct buffer_output {
  char* out;
  size_t cap;
  size_t len = 0;
  void append(std::string_view s) noexcept {
    if (!s.empty() && len + s.size() <= cap) std::memcpy(out + len, s.data(), s.size());
    len += s.size();
  }
};

// Writes `s` as the last bytes of the rewritten URL. A browser trims white
// space off the end of a URL, so a space that removing a trailing
// client_reference_id left there would silently leave the value it belongs
// to ("a=1 " would become "a=1"). Percent-encoded, it keeps that value, as a
// browser's own serialisation of the space inside the query does. (Other
// white space never gets here: tabs and newlines are already deleted, other
// controls make the URL invalid.)
template <class Output>
void append_url_end(std::string_view s, Output& out) {
  const size_t trailing_spaces = s.size() - (s.find_last_not_of(' ') + 1);
  out.append(s.substr(0, s.size() - trailing_spaces));
  for (size_t i = 0; i < trailing_spaces; ++i) out.append("%20");
}

// Writes the payment link `url` with client_reference_id set. The input is
// copied in as few runs as possible: the query is only read, to find the
// pieces whose name decodes (as URLSearchParams decodes it) to
// client_reference_id.
template <class Output>
void append_with_reference(std::string_view url, size_t path, std::string_view click_id, Output& out) {
  size_t fragment = url.find('#', path);
  if (fragment == std::string_view::npos) fragment = url.size();
  const size_t question = url.find('?', path);
  if (question == std::string_view::npos || question > fragment) {
    out.append(url.substr(0, fragment));
    out.append("?client_reference_id=");
    out.append(click_id);
    out.append(url.substr(fragment));
    return;
  }
  const std::string_view up_to_fragment = url.substr(0, fragment);
  size_t copied = 0;      // url[0, copied) is written or held
  std::string_view held;  // kept bytes before the latest removed piece, not yet written
  bool set = false;
  for (size_t begin = question + 1, end = 0; begin <= fragment; begin = end + 1) {
    end = std::min(up_to_fragment.find('&', begin), fragment);
    if (end == begin) continue;
    const raw_pair pair = split_piece(url.substr(begin, end - begin));
    if (!name_equals(pair, kReferenceParam)) continue;
    if (!set) {
      // The first occurrence keeps its name's bytes and gets the id.
      const size_t name_end = begin + pair.name.size();
      out.append(url.substr(copied, name_end - copied));
      out.append("=");
      out.append(click_id);
      set = true;
    } else {
      // A later one goes, with the '&' before it. What was kept before it
      // is held back: it ends the URL if only removed pieces follow.
      const std::string_view kept = url.substr(copied, begin - 1 - copied);
      if (!kept.empty()) {
        out.append(held);
        held = kept;
      }
    }
    copied = end;
  }
  if (set) {
    const std::string_view rest = url.substr(copied);
    if (rest.empty()) {
      append_url_end(held, out);
    } else {
      out.append(held);
      out.append(rest);
    }
    return;
  }
  out.append(up_to_fragment);
  // An empty query or one ending in '&' needs no separator. (A query may
  // itself end in '?', as in "x?a?": that one does need it.)
  const bool query_empty = fragment - 1 == question;
  out.append(query_empty || url[fragment - 1] == '&' ? "client_reference_id=" : "&client_reference_id=");
  out.append(click_id);
  out.append(url.substr(fragment));
}

template <class Output>
status rewrite_into(std::string_view url, std::string_view click_id, const host_list& hosts, Output& out) {
  if (!click_id_valid(click_id)) return CLICKREF_E_INVALID_CLICK_ID;
  std::string scratch;
  const examined_link link = examine(url, hosts, scratch);
  switch (link.kind) {
    case link_kind::invalid:
      return CLICKREF_E_INVALID_URL;
    case link_kind::other:
      out.append(url);
      return CLICKREF_OK;
    case link_kind::payment_link:
      append_with_reference(link.url, link.path, click_id, out);
      return CLICKREF_OK;
  }
  return CLICKREF_E_INTERNAL;
}

}  // namespace

std::string_view host_list::at(size_t i) const noexcept {
  if (cpp_ != nullptr) return (*cpp_)[i];
  return c_hosts_[i] ? std::string_view(c_hosts_[i], c_lens_[i]) : std::string_view();
}

bool host_list::contains(std::string_view host) const noexcept {
  for (size_t i = 0; i < size_; ++i) {
    const std::string_view listed = without_trailing_dot(at(i));
    if (listed == host || equals_ignoring_case(listed, host)) return true;
  }
  return false;
}

bool is_payment_link(std::string_view url, const host_list& hosts) {
  std::string scratch;
  return examine(url, hosts, scratch).kind == link_kind::payment_link;
}

status rewrite_url_to_buffer(std::string_view url, std::string_view click_id, const host_list& hosts,
                             char* out, size_t cap, size_t* out_len) {
  buffer_output output{out, cap};
  if (status s = rewrite_into(url, click_id, hosts, output); s != CLICKREF_OK) return s;
  *out_len = output.len;
  return output.len <= cap ? CLICKREF_OK : CLICKREF_E_BUFFER_TOO_SMALL;
}

}  // namespace detail

bool is_payment_link(std::string_view url, const link_options& options) {
  return detail::is_payment_link(url, detail::host_list(options.hosts));
}

status rewrite_url(std::string_view url, std::string_view click_id, const link_options& options,
                   std::string& out, bool* changed) {
  const size_t start = out.size();
  detail::string_output output{out};
  const status s = detail::rewrite_into(url, click_id, detail::host_list(options.hosts), output);
  if (changed != nullptr) *changed = s == CLICKREF_OK && std::string_view(out).substr(start) != url;
  return s;
}

result<std::string> rewrite_url(std::string_view url, std::string_view click_id,
                                const link_options& options) {
  std::string out;
  if (status s = rewrite_url(url, click_id, options, out); s != CLICKREF_OK) return s;
  return out;
}

}  // namespace clickref
