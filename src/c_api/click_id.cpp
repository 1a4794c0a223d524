// C ABI: click ids, cookies and payment links (a thin layer over
// clickref/click_id.hpp, cookie.hpp and url.hpp and the allocation-free
// internals they share).
#include <clickref/clickref.h>
#include <clickref/click_id.hpp>
#include <clickref/cookie.hpp>
#include <clickref/url.hpp>

#include "c_api/boundary.hpp"
#include "click_id_lookup.hpp"
#include "form_urlencoded.hpp"
#include "payment_link.hpp"

using namespace clickref;
using namespace clickref::c_api;

namespace {

clickref_status finish_output(size_t needed, size_t cap, size_t* out_len) noexcept {
  *out_len = needed;
  return needed <= cap ? CLICKREF_OK : CLICKREF_E_BUFFER_TOO_SMALL;
}

}  // namespace

extern "C" {

int clickref_click_id_valid(const char* id, size_t len) {
  return is_valid_input(id, len) && click_id_valid(view(id, len)) ? 1 : 0;
}

clickref_status clickref_click_id_from_url(const char* url, size_t len, const char* param, size_t param_len,
                                           char* out, size_t cap, size_t* out_len) {
  if (!is_valid_output(out, cap, out_len) || !is_valid_input(url, len) || !is_valid_input(param, param_len)) {
    return CLICKREF_E_INVALID_ARGUMENT;
  }
  *out_len = 0;
  const std::string_view name = param != nullptr ? view(param, param_len) : kDefaultClickIdParam;
  std::string_view raw;
  if (!detail::find_query_value(view(url, len), name, raw) || raw.empty()) return CLICKREF_E_NOT_FOUND;
  return finish_output(detail::write_form_decoded(raw, out, cap), cap, out_len);
}

clickref_status clickref_click_id_from_cookies(const char* cookie_header, size_t len, const char* name,
                                               size_t name_len, char* out, size_t cap, size_t* out_len) {
  if (!is_valid_output(out, cap, out_len) || !is_valid_input(cookie_header, len) ||
      !is_valid_input(name, name_len) || (name != nullptr && name_len == 0)) {
    return CLICKREF_E_INVALID_ARGUMENT;
  }
  *out_len = 0;
  const std::string_view cookie = name != nullptr ? view(name, name_len) : kDefaultClickIdCookie;
  std::string_view raw;
  if (!detail::find_cookie_value(view(cookie_header, len), cookie, raw) || raw.empty())
    return CLICKREF_E_NOT_FOUND;
  // Decoding never lengthens the value: a buffer that holds the raw value
  // is decoded into directly, a smaller one is measured first.
  size_t needed = 0;
  if (status s = detail::decode_uri_component(raw, cap >= raw.size() ? out : nullptr, needed);
      s != CLICKREF_OK) {
    return s;
  }
  if (cap < raw.size() && needed <= cap) {
    if (status s = detail::decode_uri_component(raw, out, needed); s != CLICKREF_OK) return s;
  }
  return finish_output(needed, cap, out_len);
}

clickref_status clickref_click_cookie(const char* id, size_t len, const clickref_cookie_options* opts,
                                      int64_t now_unix, char* out, size_t cap, size_t* out_len) {
  if (!is_valid_output(out, cap, out_len) || !is_valid_input(id, len)) return CLICKREF_E_INVALID_ARGUMENT;
  *out_len = 0;
  if (opts != nullptr &&
      (!is_known_version(opts->version, CLICKREF_COOKIE_OPTIONS_VERSION) ||
       !is_valid_input(opts->name, opts->name_len) || !is_valid_input(opts->domain, opts->domain_len) ||
       (opts->http_only != 0 && opts->http_only != 1))) {
    return CLICKREF_E_INVALID_ARGUMENT;
  }
  return guarded([&]() -> clickref_status {
    cookie_options options;
    if (opts != nullptr) {
      if (opts->name != nullptr) options.name.assign(opts->name, opts->name_len);
      options.domain.assign(view(opts->domain, opts->domain_len));
      options.max_age_s = opts->max_age_s;
      options.http_only = opts->http_only == 1;
    }
    auto header = click_cookie(view(id, len), now_unix, options);
    if (!header) return header.error();
    return write_output(*header, out, cap, out_len);
  });
}

clickref_status clickref_rewrite_url(const char* url, size_t len, const char* click_id, size_t id_len,
                                     const clickref_link_options* opts, char* out, size_t cap,
                                     size_t* out_len) {
  if (!is_valid_output(out, cap, out_len) || !is_valid_input(url, len) || !is_valid_input(click_id, id_len)) {
    return CLICKREF_E_INVALID_ARGUMENT;
  }
  *out_len = 0;
  static const char* const kDefaultHosts[] = {kDefaultPaymentLinkHost.data()};
  static const size_t kDefaultHostLens[] = {kDefaultPaymentLinkHost.size()};
  detail::host_list hosts(kDefaultHosts, kDefaultHostLens, 1);
  if (!is_readable(opts)) return CLICKREF_E_INVALID_ARGUMENT;
  if (opts != nullptr && opts->hosts != nullptr) hosts = detail::host_list(opts->hosts, opts->host_lens, opts->n_hosts);
  return guarded([&] {
    return detail::rewrite_url_to_buffer(view(url, len), view(click_id, id_len), hosts, out, cap, out_len);
  });
}

}  // extern "C"
