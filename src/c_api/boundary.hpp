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
