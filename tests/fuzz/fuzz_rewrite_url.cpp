// Setting client_reference_id on payment links.
// Input: a URL; when it has a line break, the first line is also tried as
// the click id for the rest.
// Invariants: an invalid id is refused, whatever the URL; a URL that is not a
// payment link comes back unchanged (or is refused as INVALID_URL); a
// rewritten one is again a payment link whose query holds exactly one
// client_reference_id (names decoded as URLSearchParams decodes them), equal
// to the id; rewriting is idempotent, and rewriting with another id and then
// with the first again gives the same URL.
#include "fuzz_support.hpp"

#include <clickref/url.hpp>

#include <vector>

namespace {

using namespace clickref::fuzz;

constexpr std::string_view kId = "fuzz_Click-42";
constexpr std::string_view kOtherId = "other";

const char* const kHosts[] = {"buy.stripe.com", "pay.example.com"};
const size_t kHostLens[] = {14, 15};

const clickref::link_options& cpp_options() {
  static const clickref::link_options options{{"buy.stripe.com", "pay.example.com"}};
  return options;
}

clickref_status rewrite(std::string_view url, std::string_view id, std::string& out) {
  clickref_link_options options = CLICKREF_LINK_OPTIONS_INIT;
  options.hosts = kHosts;
  options.host_lens = kHostLens;
  options.n_hosts = 2;
  return write_both_ways(
      [&](char* buffer, size_t cap, size_t* out_len) {
        return clickref_rewrite_url(url.data(), url.size(), id.data(), id.size(), &options, buffer, cap,
                                    out_len);
      },
      out);
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding of a name: '+' is a space,
// %XX a byte, anything else itself.
std::string form_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The values of every client_reference_id in the query of `url` (the part
// between the first '?' and the next '#').
std::vector<std::string_view> reference_values(std::string_view url) {
  std::vector<std::string_view> values;
  const size_t question = url.find('?');
  if (question == std::string_view::npos || url.find('#') < question) return values;
  std::string_view query = url.substr(question + 1);
  query = query.substr(0, query.find('#'));
  while (true) {
    const size_t end = query.find('&');
    const std::string_view piece = query.substr(0, end);
    const size_t eq = piece.find('=');
    if (!piece.empty() && form_decode(piece.substr(0, eq)) == "client_reference_id") {
      values.push_back(eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1));
    }
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return values;
}

void check_rewrite(std::string_view url, std::string_view id) {
  std::string out;
  const clickref_status s = rewrite(url, id, out);
  if (!clickref_click_id_valid(id.data(), id.size())) {
    FUZZ_CHECK(s == CLICKREF_E_INVALID_CLICK_ID);
    return;
  }
  FUZZ_CHECK(s == CLICKREF_OK || s == CLICKREF_E_INVALID_URL);
  if (s != CLICKREF_OK) return;
  if (!clickref::is_payment_link(url, cpp_options())) {
    FUZZ_CHECK(out == url);
    return;
  }
  FUZZ_CHECK(clickref::is_payment_link(out, cpp_options()));
  const std::vector<std::string_view> values = reference_values(out);
  FUZZ_CHECK(values.size() == 1 && values.front() == id);

  std::string again;
  FUZZ_CHECK(rewrite(out, id, again) == CLICKREF_OK && again == out);
  std::string other, back;
  FUZZ_CHECK(rewrite(out, kOtherId, other) == CLICKREF_OK);
  FUZZ_CHECK(rewrite(other, id, back) == CLICKREF_OK && back == out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input = as_view(data, size);
  check_rewrite(input, kId);
  if (input.find('\n') != std::string_view::npos) {
    const std::string_view id = take_line(input);
    check_rewrite(input, id);
  }
  return 0;
}
