// Click ids from landing URLs.
// Input: a URL, request target or query; when it has a line break, the first
// line is also tried as the parameter name for the rest.
// Invariants: found or NOT_FOUND, nothing else; a found value is non-empty
// UTF-8 (URLSearchParams replaces what is not); the size query agrees with
// the write; a value that is a valid click id survives the cookie round trip.
#include "fuzz_support.hpp"

#include <simdjson.h>

namespace {

using namespace clickref::fuzz;

void check_lookup(std::string_view url, const char* param, size_t param_len) {
  std::string value;
  const clickref_status s = write_both_ways(
      [&](char* out, size_t cap, size_t* out_len) {
        return clickref_click_id_from_url(url.data(), url.size(), param, param_len, out, cap, out_len);
      },
      value);
  FUZZ_CHECK(s == CLICKREF_OK || s == CLICKREF_E_NOT_FOUND);
  if (s != CLICKREF_OK) return;
  FUZZ_CHECK(!value.empty());
  FUZZ_CHECK(simdjson::validate_utf8(value.data(), value.size()));
  if (!clickref_click_id_valid(value.data(), value.size())) return;

  std::string cookie;
  FUZZ_CHECK(write_both_ways(
                 [&](char* out, size_t cap, size_t* out_len) {
                   return clickref_click_cookie(value.data(), value.size(), nullptr, 1700000000, out, cap,
                                                out_len);
                 },
                 cookie) == CLICKREF_OK);
  // "tn_click_id=<id>; Expires=…": the pair before the first ';' is what the
  // browser sends back in its Cookie header.
  const std::string sent_back = cookie.substr(0, cookie.find(';'));
  std::string from_cookie;
  FUZZ_CHECK(write_both_ways(
                 [&](char* out, size_t cap, size_t* out_len) {
                   return clickref_click_id_from_cookies(sent_back.data(), sent_back.size(), nullptr, 0, out,
                                                         cap, out_len);
                 },
                 from_cookie) == CLICKREF_OK);
  FUZZ_CHECK(from_cookie == value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input = as_view(data, size);
  check_lookup(input, nullptr, 0);
  if (input.find('\n') != std::string_view::npos) {
    const std::string_view param = take_line(input);
    check_lookup(input, param.data(), param.size());
  }
  return 0;
}
