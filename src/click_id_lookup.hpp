// Finding the click id in a URL or a Cookie header without allocating: the
// C layer decodes the raw value straight into the caller's buffer. The
// public C++ API in clickref/click_id.hpp is built on the same functions.
#pragma once

#include <clickref/status.hpp>

#include <cstddef>
#include <string_view>

namespace clickref::detail {

// The still-encoded first value of `param` in the query of `url` (see
// clickref::click_id_from_url for what the query is); false when absent.
bool find_query_value(std::string_view url, std::string_view param, std::string_view& raw) noexcept;

// The still-encoded value of the first cookie called `name` (trimmed, one
// pair of double quotes removed); false when absent.
bool find_cookie_value(std::string_view header, std::string_view name, std::string_view& raw) noexcept;

// decodeURIComponent: sets `len` to the decoded length, which is never more
// than raw.size(), and writes the text to `out` unless it is null.
// CLICKREF_E_BAD_ENCODING for a malformed escape or text that is not UTF-8.
status decode_uri_component(std::string_view raw, char* out, size_t& len) noexcept;

}  // namespace clickref::detail
