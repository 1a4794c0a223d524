// Finding where, and why, a payload simdjson rejected is bad, for the
// errors whose simdjson code says too little. Only run on the error path.
#pragma once

#include <cstddef>
#include <string_view>

namespace clickref::detail {

// The offset of the first byte that is not part of well-formed UTF-8, or
// json.size() when there is none.
size_t first_invalid_utf8(std::string_view json) noexcept;

struct number_problem {
  size_t offset = 0;          // where the number starts
  bool out_of_range = false;  // well-formed JSON, but beyond what 64 bits hold
};

// The first number token (outside strings) that simdjson cannot parse:
// malformed ("01", "1.", "-"), or valid JSON beyond 64 bits (an integer
// beyond [INT64_MIN, UINT64_MAX], a float beyond DBL_MAX). Precondition:
// simdjson reported a number error, so the strings are well-formed.
number_problem find_number_problem(std::string_view json) noexcept;

}  // namespace clickref::detail
