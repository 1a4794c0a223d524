// C ABI: the HTML rewriter (a thin layer over clickref/html.hpp).
#include <clickref/clickref.h>
#include <clickref/html.hpp>

#include "c_api/boundary.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

using namespace clickref;
using namespace clickref::c_api;

struct clickref_html_rewriter {
  clickref::html_rewriter impl;
  size_t* rewritten;  // the caller's counter, updated after every call
  // An exception left `impl` half-way through a chunk: every later call
  // returns what it became (CLICKREF_E_NO_MEMORY, CLICKREF_E_INTERNAL).
  clickref_status broken = CLICKREF_OK;
};

namespace {

// Copies the C options (NULL: defaults). False for options the library
// cannot read (see is_readable).
bool link_options_from(const clickref_link_options* opts, link_options& options) {
  if (!is_readable(opts)) return false;
  if (opts == nullptr || opts->hosts == nullptr) return true;
  options.hosts.clear();
  for (size_t i = 0; i < opts->n_hosts; ++i) options.hosts.emplace_back(view(opts->hosts[i], opts->host_lens[i]));
  return true;
}

size_t* rewritten_counter(const clickref_link_options* opts) noexcept {
  return opts != nullptr ? opts->rewritten : nullptr;
}

void report_rewritten(size_t* counter, size_t count) noexcept {
  if (counter != nullptr) *counter = count;
}

// Runs a write or finish: an exception breaks the rewriter for good, and the
// caller's counter follows every call.
template <class Call>
clickref_status run_guarded(clickref_html_rewriter& rw, Call&& call) noexcept {
  if (rw.broken != CLICKREF_OK) return rw.broken;
  bool threw = true;
  const clickref_status s = guarded([&] {
    const clickref_status result = call();
    threw = false;
    return result;
  });
  if (threw) rw.broken = s;
  report_rewritten(rw.rewritten, rw.impl.rewritten());
  return s;
}

}  // namespace

extern "C" {

clickref_status clickref_rewrite_html(const char* html, size_t len, const char* click_id, size_t id_len,
                                      const clickref_link_options* opts, char* out, size_t cap,
                                      size_t* out_len) {
  if (!is_valid_output(out, cap, out_len) || !is_valid_input(html, len) ||
      !is_valid_input(click_id, id_len)) {
    return CLICKREF_E_INVALID_ARGUMENT;
  }
  *out_len = 0;
  return guarded([&]() -> clickref_status {
    link_options options;
    if (!link_options_from(opts, options)) return CLICKREF_E_INVALID_ARGUMENT;
    // The output goes straight into the caller's buffer while it fits, and
    // is only counted past that: a size query allocates nothing for it.
    size_t needed = 0;
    auto rewriter = html_rewriter::create(view(click_id, id_len), options, [&](std::string_view bytes) {
      if (bytes.size() <= cap - std::min(needed, cap)) std::memcpy(out + needed, bytes.data(), bytes.size());
      needed += bytes.size();
      return CLICKREF_OK;
    });
    if (!rewriter) return rewriter.error();
    clickref_status s = rewriter->write(view(html, len));
    if (s == CLICKREF_OK) s = rewriter->finish();
    if (s != CLICKREF_OK) return s;
    *out_len = needed;
    report_rewritten(rewritten_counter(opts), rewriter->rewritten());
    return needed <= cap ? CLICKREF_OK : CLICKREF_E_BUFFER_TOO_SMALL;
  });
}

clickref_status clickref_html_rewriter_new(const char* click_id, size_t id_len,
                                           const clickref_link_options* opts, clickref_sink sink, void* user,
                                           clickref_html_rewriter** out) {
  if (out == nullptr) return CLICKREF_E_INVALID_ARGUMENT;
  *out = nullptr;
  if (sink == nullptr || !is_valid_input(click_id, id_len)) return CLICKREF_E_INVALID_ARGUMENT;
  return guarded([&]() -> clickref_status {
    link_options options;
    if (!link_options_from(opts, options)) return CLICKREF_E_INVALID_ARGUMENT;
    auto rewriter = html_rewriter::create(
        view(click_id, id_len), options,
        [sink, user](std::string_view bytes) { return sink(user, bytes.data(), bytes.size()); });
    if (!rewriter) return rewriter.error();
    *out = new clickref_html_rewriter{std::move(*rewriter), rewritten_counter(opts), CLICKREF_OK};
    report_rewritten((*out)->rewritten, 0);
    return CLICKREF_OK;
  });
}

clickref_status clickref_html_rewriter_write(clickref_html_rewriter* rw, const char* chunk, size_t len) {
  if (rw == nullptr || !is_valid_input(chunk, len)) return CLICKREF_E_INVALID_ARGUMENT;
  return run_guarded(*rw, [&] { return rw->impl.write(view(chunk, len)); });
}

clickref_status clickref_html_rewriter_finish(clickref_html_rewriter* rw) {
  if (rw == nullptr) return CLICKREF_E_INVALID_ARGUMENT;
  return run_guarded(*rw, [&] { return rw->impl.finish(); });
}

void clickref_html_rewriter_free(clickref_html_rewriter* rw) { delete rw; }

}  // extern "C"
