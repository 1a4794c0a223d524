// Helpers shared by the C ABI translation units: argument checks, the
// caller-buffer output convention, error details, and the exception firewall.
#pragma once

#include "error_detail.hpp"

#include <clickref/clickref.h>

#include <cstring>
#include <new>
#include <string_view>

namespace clickref::c_api {

// (NULL, 0) is an empty input; (NULL, n > 0) is a caller bug.
inline bool is_valid_input(const char* data, size_t len) noexcept { return data != nullptr || len == 0; }

inline std::string_view view(const char* data, size_t len) noexcept {
  return data ? std::string_view(data, len) : std::string_view();
}

// Copies `s` into the caller's buffer as clickref.h specifies: on
// CLICKREF_E_BUFFER_TOO_SMALL, *out_len is the capacity needed.
inline clickref_status write_output(std::string_view s, char* out, size_t cap, size_t* out_len) noexcept {
  if (out_len == nullptr) return CLICKREF_E_INVALID_ARGUMENT;
  *out_len = s.size();
  if (s.size() > cap) return CLICKREF_E_BUFFER_TOO_SMALL;
  if (out == nullptr && !s.empty()) return CLICKREF_E_INVALID_ARGUMENT;
  if (!s.empty()) std::memcpy(out, s.data(), s.size());
  return CLICKREF_OK;
}

using detail::report;

// The output convention's preconditions (clickref.h): out may be NULL only
// for a size query.
inline bool is_valid_output(const char* out, size_t cap, const size_t* out_len) noexcept {
  return out_len != nullptr && (out != nullptr || cap == 0);
}

// An options struct must say which layout it has: 0 is a struct that was
// never initialised with its _INIT macro, and a version newer than this
// library may carry settings it would silently ignore. Both are refused.
inline bool is_known_version(uint32_t version, uint32_t current) noexcept {
  return version >= 1 && version <= current;
}

// Whether link options (NULL: the defaults) can be read: a known version and
// a host list whose every entry is a valid input.
inline bool is_readable(const clickref_link_options* opts) noexcept {
  if (opts == nullptr) return true;
  if (!is_known_version(opts->version, CLICKREF_LINK_OPTIONS_VERSION)) return false;
  if (opts->hosts == nullptr) return opts->n_hosts == 0;
  if (opts->host_lens == nullptr && opts->n_hosts != 0) return false;
  for (size_t i = 0; i < opts->n_hosts; ++i) {
    if (!is_valid_input(opts->hosts[i], opts->host_lens[i])) return false;
  }
  return true;
}

// Runs `body` so that no exception crosses the C boundary: allocation
// failure becomes CLICKREF_E_NO_MEMORY, anything else CLICKREF_E_INTERNAL.
template <class Body>
clickref_status guarded(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return CLICKREF_E_NO_MEMORY;
  } catch (...) {
    return CLICKREF_E_INTERNAL;
  }
}

}  // namespace clickref::c_api
