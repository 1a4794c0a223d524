// Click ids: Stripe's rule for them, and reading them from a landing URL's
// query or from a Cookie header.
#include <clickref/click_id.hpp>

#include "click_id_lookup.hpp"
#include "form_urlencoded.hpp"
#include "percent_encoding.hpp"
#include "utf8.hpp"

namespace clickref {

namespace detail {

namespace {

constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
bool starts_with_scheme(std::string_view s) noexcept {
  if (s.empty() || !is_alpha(s[0])) return false;
  for (size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ':') return true;
    if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}

std::string_view query_of(std::string_view url) noexcept {
  url = url.substr(0, url.find('#'));
  const size_t question = url.find('?');
  if (question != std::string_view::npos) return url.substr(question + 1);
  if (!url.empty() && url.front() == '/') return {};
  if (starts_with_scheme(url)) return {};
  return url;  // a bare query
}

std::string_view trim_space_and_tab(std::string_view s) noexcept {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

}  // namespace

bool find_query_value(std::string_view url, std::string_view param, std::string_view& raw) noexcept {
  bool found = false;
  for_each_raw_pair(query_of(url), [&](const raw_pair& pair) {
    if (!name_equals(pair, param)) return true;
    raw = pair.value;
    found = true;
    return false;
  });
  return found;
}

bool find_cookie_value(std::string_view header, std::string_view name, std::string_view& raw) noexcept {
  size_t begin = 0;
  while (begin <= header.size()) {
    size_t end = header.find(';', begin);
    if (end == std::string_view::npos) end = header.size();
    const std::string_view piece = header.substr(begin, end - begin);
    const size_t eq = piece.find('=');
    // A piece without '=' is a cookie with an empty name, which no caller
    // can ask for.
    if (eq != std::string_view::npos && trim_space_and_tab(piece.substr(0, eq)) == name) {
      std::string_view value = trim_space_and_tab(piece.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      raw = value;
      return true;
    }
    begin = end + 1;
  }
  return false;
}

status decode_uri_component(std::string_view raw, char* out, size_t& len) noexcept {
  len = 0;
  auto put = [&](const unsigned char* bytes, size_t n) {
    for (size_t k = 0; k < n; ++k) {
      if (out != nullptr) out[len] = static_cast<char>(bytes[k]);
      ++len;
    }
  };
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  size_t i = 0;
  while (i < raw.size()) {
    if (p[i] != '%') {
      // Unescaped text must already be UTF-8: a JavaScript string cannot
      // hold anything else.
      const size_t n = utf8_sequence_length(p + i, raw.size() - i);
      if (n == 0) return CLICKREF_E_BAD_ENCODING;
      put(p + i, n);
      i += n;
      continue;
    }
    // An escaped character: one escape per byte of its UTF-8 form.
    unsigned char bytes[4];
    const int first = escaped_byte(raw, i);
    if (first < 0) return CLICKREF_E_BAD_ENCODING;
    bytes[0] = static_cast<unsigned char>(first);
    utf8_lead lead;
    if (bytes[0] >= 0x80 && !utf8_lead_of(bytes[0], lead)) return CLICKREF_E_BAD_ENCODING;
    for (size_t k = 1; k <= lead.continuation; ++k) {
      const int next = escaped_byte(raw, i + 3 * k);
      if (next < 0) return CLICKREF_E_BAD_ENCODING;
      bytes[k] = static_cast<unsigned char>(next);
    }
    const size_t n = lead.continuation + 1;
    if (utf8_sequence_length(bytes, n) != n) return CLICKREF_E_BAD_ENCODING;
    put(bytes, n);
    i += 3 * n;
  }
  return CLICKREF_OK;
}

}  // namespace detail

bool click_id_valid(std::string_view id) noexcept {
  if (id.empty() || id.size() > CLICKREF_MAX_CLICK_ID_LEN) return false;
  // Range checks without an early exit, so that the loop vectorises.
  unsigned bad = 0;
  for (char c : id) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    bad |= static_cast<unsigned>(!ok);
  }
  return bad == 0;
}

result<std::string> click_id_from_url(std::string_view url, std::string_view param) {
  std::string_view raw;
  if (!detail::find_query_value(url, param, raw) || raw.empty()) return CLICKREF_E_NOT_FOUND;
  std::string value;
  detail::append_form_decoded(value, raw);
  return value;
}

result<std::string> click_id_from_cookies(std::string_view cookie_header, std::string_view name) {
  if (name.empty()) return CLICKREF_E_INVALID_ARGUMENT;
  std::string_view raw;
  if (!detail::find_cookie_value(cookie_header, name, raw) || raw.empty()) return CLICKREF_E_NOT_FOUND;
  std::string value(raw.size(), '\0');
  size_t len = 0;
  if (status s = detail::decode_uri_component(raw, value.data(), len); s != CLICKREF_OK) return s;
  value.resize(len);
  return value;
}

}  // namespace clickref
