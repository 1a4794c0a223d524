// What every fuzz target shares: the entry point's signature, a check that
// stops the run with a message (libFuzzer then saves the input), and ways to
// cut one input into several arguments.
#pragma once

#include <clickref/clickref.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// An invariant of the library. A failure aborts, which both libFuzzer and the
// corpus replay report as a crash with this message.
#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace clickref::fuzz {

inline std::string_view as_view(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Takes the bytes before the first '\n' off the front of `rest` (all of it
// when there is none). Targets with several inputs separate them by lines so
// that seeds stay readable.
inline std::string_view take_line(std::string_view& rest) {
  const size_t end = rest.find('\n');
  const std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return line;
}

inline bool is_one_of(clickref_status s, std::initializer_list<clickref_status> allowed) {
  for (clickref_status a : allowed) {
    if (s == a) return true;
  }
  return false;
}

// Calls `write(out, cap, out_len)` the way clickref.h tells callers to: a
// size query first, then a buffer of exactly that size. Checks the
// convention itself along the way. Returns the status of the final call.
template <class Write>
clickref_status write_both_ways(Write&& write, std::string& out) {
  size_t needed = 0;
  const clickref_status query = write(nullptr, 0, &needed);
  if (query != CLICKREF_E_BUFFER_TOO_SMALL) {
    // Only an empty output fits in no buffer at all.
    if (query == CLICKREF_OK) FUZZ_CHECK(needed == 0);
    out.clear();
    return query;
  }
  FUZZ_CHECK(needed > 0);
  out.assign(needed, '\0');
  size_t written = 0;
  const clickref_status s = write(out.data(), out.size(), &written);
  FUZZ_CHECK(s != CLICKREF_E_BUFFER_TOO_SMALL);
  if (s == CLICKREF_OK) FUZZ_CHECK(written == needed);
  return s;
}

}  // namespace clickref::fuzz
