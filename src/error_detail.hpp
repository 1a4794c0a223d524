// Filling the optional clickref_error detail that C and C++ calls accept.
#pragma once

#include <clickref/clickref.h>

#include <cstddef>

namespace clickref::detail {

// Fills `err` (when given) and passes the status through, so that a failing
// path reads `return report(err, CLICKREF_E_…, offset);`.
inline clickref_status report(clickref_error* err, clickref_status s, size_t offset = 0) noexcept {
  if (err != nullptr) {
    err->code = s;
    err->message = clickref_status_message(s);
    err->offset = offset;
  }
  return s;
}

}  // namespace clickref::detail
