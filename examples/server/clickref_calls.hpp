// Calling clickref's C API from C++: the size-query pattern of its
// caller-owned output buffers, owning handles, and borrowed strings.
#pragma once

#include <clickref/clickref.h>
#include <clickref/status.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace server {

// Calls `fill(out, cap, out_len)` — a clickref function with everything but
// its output buffer bound — and returns what it wrote. When the first buffer
// is too small, clickref reports the size it needs and the call is repeated
// once with that size.
template <class Fill>
clickref::result<std::string> output_string(Fill&& fill, size_t first_guess = 256) {
  std::string out(first_guess, '\0');
  size_t len = 0;
  clickref_status s = fill(out.data(), out.size(), &len);
  if (s == CLICKREF_E_BUFFER_TOO_SMALL) {
    out.resize(len);
    s = fill(out.data(), out.size(), &len);
  }
  if (s != CLICKREF_OK) return s;
  out.resize(len);
  return out;
}

struct event_deleter {
  void operator()(clickref_event* e) const noexcept { clickref_event_free(e); }
};
using event_ptr = std::unique_ptr<clickref_event, event_deleter>;

struct html_rewriter_deleter {
  void operator()(clickref_html_rewriter* rw) const noexcept { clickref_html_rewriter_free(rw); }
};
using html_rewriter_ptr = std::unique_ptr<clickref_html_rewriter, html_rewriter_deleter>;

inline std::string_view view(clickref_str s) noexcept {
  return s.data ? std::string_view(s.data, s.len) : std::string_view();
}

inline clickref_str borrow(std::string_view s) noexcept { return clickref_str{s.data(), s.size()}; }

}  // namespace server
