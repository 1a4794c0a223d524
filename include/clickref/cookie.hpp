// clickref/cookie.hpp — the Set-Cookie header that keeps the click id in a
// first-party, server-set cookie, C++ API. The C equivalent is
// clickref_click_cookie.
#pragma once

#include <clickref/click_id.hpp>
#include <clickref/status.hpp>

#include <cstdint>
#include <string>

namespace clickref {

struct cookie_options {
  // The cookie's name: an RFC 6265 token. The browser snippet reads
  // "tn_click_id".
  std::string name = std::string(kDefaultClickIdCookie);
  // Empty: no Domain attribute (a host-only cookie). Otherwise letters,
  // digits, '-' and '.', e.g. "example.com" to share the cookie with
  // www.example.com and shop.example.com.
  std::string domain;
  // Lifetime in seconds, > 0. Browsers cap it at 400 days.
  int64_t max_age_s = CLICKREF_DEFAULT_COOKIE_MAX_AGE;
  // Off by default: the browser snippet must be able to read the cookie.
  bool http_only = false;
};

// The Set-Cookie header value storing `id`:
//   tn_click_id=<id>; Expires=<IMF-fixdate>; Max-Age=<s>[; Domain=<d>]; Path=/; Secure; SameSite=Lax[;
//   HttpOnly]
// Expires is now_unix + max_age_s as an RFC 9110 IMF-fixdate
// ("Sun, 06 Nov 1994 08:49:37 GMT"), for clients that ignore Max-Age.
// A cookie set by the server is not subject to Safari's 7-day cap on
// cookies written by document.cookie. A valid id needs no encoding, so the
// value is the id itself, which the snippet's getCookie +
// decodeURIComponent read back unchanged.
//
// CLICKREF_E_INVALID_CLICK_ID when click_id_valid(id) is false (Stripe would
// drop it). CLICKREF_E_INVALID_ARGUMENT for a name that is not a token, a
// "__Host-" name with a domain (browsers reject that cookie), a domain with
// other characters, max_age_s <= 0, or an expiry outside 1970..9999.
CLICKREF_API result<std::string> click_cookie(std::string_view id, int64_t now_unix,
                                              const cookie_options& options = {});

}  // namespace clickref
