// Click ids from Cookie headers.
// Input: a Cookie header; when it has a line break, the first line is also
// tried as the cookie name for the rest.
// Invariants: found, NOT_FOUND or BAD_ENCODING, nothing else; a found value
// is non-empty UTF-8 (decodeURIComponent rejects what is not); the size
// query agrees with the write; a valid click id survives the round trip
// through clickref_click_cookie under the same cookie name.
#include "fuzz_support.hpp"

#include <simdjson.h>

namespace {

using namespace clickref::fuzz;

void check_lookup(std::string_view header, std::string_view name) {
  const char* name_data = name.empty() ? nullptr : name.data();
  std::string value;
  const clickref_status s = write_both_ways(
      [&](char* out, size_t cap, size_t* out_len) {
        return clickref_click_id_from_cookies(header.data(), header.size(), name_data, name.size(), out, cap,
                                              out_len);
      },
      value);
  FUZZ_CHECK(s == CLICKREF_OK || s == CLICKREF_E_NOT_FOUND || s == CLICKREF_E_BAD_ENCODING);
  if (s != CLICKREF_OK) return;
  FUZZ_CHECK(!value.empty());
  FUZZ_CHECK(simdjson::validate_utf8(value.data(), value.size()));
  if (!clickref_click_id_valid(value.data(), value.size())) return;

  clickref_cookie_options options = CLICKREF_COOKIE_OPTIONS_INIT;
  options.name = name_data;
  options.name_len = name.size();
  std::string cookie;
  const clickref_status made = write_both_ways(
      [&](char* out, size_t cap, size_t* out_len) {
        return clickref_click_cookie(value.data(), value.size(), &options, 1700000000, out, cap, out_len);
      },
      cookie);
  // A name that is no RFC 6265 token cannot be set, though it can be read.
  FUZZ_CHECK(made == CLICKREF_OK || made == CLICKREF_E_INVALID_ARGUMENT);
  if (made != CLICKREF_OK) return;
  const std::string sent_back = cookie.substr(0, cookie.find(';'));
  std::string again;
  FUZZ_CHECK(write_both_ways(
                 [&](char* out, size_t cap, size_t* out_len) {
                   return clickref_click_id_from_cookies(sent_back.data(), sent_back.size(), name_data,
                                                         name.size(), out, cap, out_len);
                 },
                 again) == CLICKREF_OK);
  FUZZ_CHECK(again == value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input = as_view(data, size);
  check_lookup(input, {});
  if (input.find('\n') != std::string_view::npos) {
    const std::string_view name = take_line(input);
    check_lookup(input, name);
  }
  return 0;
}
