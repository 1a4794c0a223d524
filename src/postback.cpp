// Tracknow server-to-server postback URLs
// (https://{namespace}-tracking.tracknow.info/postback?click_id=…&…).
#include <clickref/event.hpp>

#include "currency.hpp"
#include "percent_encoding.hpp"

namespace clickref {

namespace {

// Bytes that cannot appear raw in a URL sent on the wire: white space,
// controls and anything outside ASCII.
bool has_unsafe_byte(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F) return true;
  }
  return false;
}

bool starts_with_ignoring_case(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

// An absolute http(s) URL with a host: the only kind a postback can go to.
bool is_http_url(std::string_view url) {
  if (has_unsafe_byte(url)) return false;
  size_t rest = 0;
  if (starts_with_ignoring_case(url, "https://")) {
    rest = 8;
  } else if (starts_with_ignoring_case(url, "http://")) {
    rest = 7;
  } else {
    return false;
  }
  return rest < url.size() && url[rest] != '/' && url[rest] != '?' && url[rest] != '#';
}

}  // namespace

status append_postback_url(const conversion& c, std::string_view base, std::string_view extra_query,
                           std::string& out) {
  if (!c.click_id || c.click_id->empty()) return CLICKREF_E_NOT_FOUND;
  if (!is_http_url(base) || has_unsafe_byte(extra_query) || extra_query.find('#') != std::string_view::npos) {
    return CLICKREF_E_INVALID_URL;
  }
  if (!detail::is_currency_code(c.currency)) return CLICKREF_E_INVALID_ARGUMENT;
  const std::array<char, 3> currency = detail::upper_currency(c.currency);

  // The parameters go at the end of the query, before any fragment.
  const size_t hash = base.find('#');
  const std::string_view before_fragment = base.substr(0, hash);
  out.append(before_fragment);
  const size_t question = before_fragment.find('?');
  if (question == std::string_view::npos) {
    out += '?';
  } else if (question + 1 != before_fragment.size() && before_fragment.back() != '&') {
    out += '&';
  }
  out += "click_id=";
  detail::append_uri_component(out, *c.click_id);
  out += "&order_id=";
  detail::append_uri_component(out, c.order_id);
  out += "&amount=";
  (void)append_amount(c.amount, c.currency, out);  // digits, '-' and '.': nothing to encode
  out += "&currency=";
  out.append(currency.data(), currency.size());
  if (!extra_query.empty()) {
    out += '&';
    out.append(extra_query);
  }
  if (hash != std::string_view::npos) out.append(base.substr(hash));
  return CLICKREF_OK;
}

result<std::string> postback_url(const conversion& c, std::string_view base, std::string_view extra_query) {
  std::string out;
  if (status s = append_postback_url(c, base, extra_query, out); s != CLICKREF_OK) return s;
  return out;
}

}  // namespace clickref
