// The wall clock as the database stores it: postbacks fall due, and are
// claimed and retried, at unix milliseconds.
#pragma once

#include <chrono>
#include <cstdint>

namespace server {

inline int64_t unix_ms_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace server
