// clickref/click_id.hpp — reading the click id from a landing URL or a
// Cookie header, and checking it against Stripe's rule, C++ API. The C
// equivalents are clickref_click_id_valid, clickref_click_id_from_url and
// clickref_click_id_from_cookies.
#pragma once

#include <clickref/status.hpp>

#include <string>
#include <string_view>

namespace clickref {

// The query parameter a landing URL carries the click id in.
inline constexpr std::string_view kDefaultClickIdParam = "click_id";
// The cookie the click id is kept in.
inline constexpr std::string_view kDefaultClickIdCookie = "tn_click_id";

// True when `id` is a client_reference_id Stripe accepts on a Payment Link:
// 1 to 200 characters, each A-Z a-z 0-9 '-' or '_'. Stripe silently drops
// any other value, so an id failing this check cannot be attributed.
CLICKREF_API bool click_id_valid(std::string_view id) noexcept;

// The first value of query parameter `param` in `url`, decoded exactly as
// WHATWG URLSearchParams decodes it ('+' is a space, malformed %-escapes stay
// literal, bytes that are not UTF-8 become U+FFFD). The value is returned as
// found: check it with click_id_valid before using it as a click id.
//
// `url` may be an absolute URL ("https://shop.example/p?click_id=…"), a
// request target ("/p?click_id=…") or a bare query ("click_id=…&x=1"). The
// query is what follows the first '?' before any '#'; an input without '?'
// is a bare query unless it starts with '/' or a scheme ("https:"), in which
// case it has no query. The input is taken as it is (no white space is
// trimmed).
//
// CLICKREF_E_NOT_FOUND when the parameter is absent or its value is empty
// (the browser snippet's `if (!v) return`).
CLICKREF_API result<std::string> click_id_from_url(std::string_view url,
                                                   std::string_view param = kDefaultClickIdParam);

// The value of cookie `name` in a Cookie request header, decoded as
// JavaScript's decodeURIComponent does.
//
// The header is split on ';'; in each piece the name is what precedes the
// first '=' and the value everything after it (a '=' inside the value is
// kept), both trimmed of spaces and tabs; one pair of surrounding double
// quotes is removed from the value. The first cookie with exactly that name
// wins (browsers send the most specific path first).
//
// CLICKREF_E_NOT_FOUND when there is no such cookie or its value is empty;
// CLICKREF_E_BAD_ENCODING when the value has a malformed %-escape or is not
// UTF-8 (escaped or not): decodeURIComponent would throw.
// CLICKREF_E_INVALID_ARGUMENT for an empty name.
CLICKREF_API result<std::string> click_id_from_cookies(std::string_view cookie_header,
                                                       std::string_view name = kDefaultClickIdCookie);

}  // namespace clickref
