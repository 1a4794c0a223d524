// clickref's side of the peer comparison (tests/bench/peers/run.sh): the
// operations the peers perform, on the same inputs, timed the same way
// (warm-up, then the median of 15 batches).
//   clickref_peers SHARED_BENCH_DIR LANDING_URLS_FILE
// Prints one "result<TAB>operation<TAB>implementation<TAB>ns per op" line each.
#include "../harness.hpp"
#include "../read_file.hpp"

#include <clickref/clickref.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace {

using clickref::bench::keep;
using clickref::bench::median_ns;
using clickref::bench::read_file;

constexpr char kSecret[] = "whsec_peer_benchmark_secret";
constexpr char kClickId[] = "aff_123-XYZ";
constexpr int64_t kT = 1700000000;

void print_result(const char* operation, const char* implementation, double ns) {
  std::printf("result\t%s\t%s\t%.1f\n", operation, implementation, ns);
}

[[noreturn]] void fail(const char* what, clickref_status s) {
  std::fprintf(stderr, "clickref_peers: %s: %s\n", what, clickref_status_name(s));
  std::exit(1);
}

// What stripe-node's constructEvent and stripe-python's construct_event do
// (check the signature, parse the JSON), plus the conversion, which they
// leave to the caller.
void verify_and_parse(const std::string& shared) {
  const std::string payload = read_file(shared + "/checkout-session-completed.json");
  char header[128];
  size_t header_len = 0;
  if (clickref_status s = clickref_sign_payload(payload.data(), payload.size(), kSecret, sizeof kSecret - 1, kT,
                                                header, sizeof header, &header_len);
      s != CLICKREF_OK) {
    fail("sign", s);
  }
  auto once = [&] {
    clickref_status s = clickref_verify_signature(payload.data(), payload.size(), header, header_len, kSecret,
                                                  sizeof kSecret - 1, kT, CLICKREF_DEFAULT_TOLERANCE, 0, nullptr);
    if (s != CLICKREF_OK) return s;
    clickref_event* event = nullptr;
    if ((s = clickref_event_parse(payload.data(), payload.size(), &event, nullptr)) != CLICKREF_OK) return s;
    clickref_conversion conversion;
    s = clickref_event_conversion(event, &conversion);
    keep(conversion.amount);
    clickref_event_free(event);
    return s;
  };
  if (clickref_status s = once(); s != CLICKREF_OK) fail("verify + parse", s);
  print_result("verify+parse", "clickref C", median_ns([&] { keep(once()); }));
}

void rewrite_html(const std::string& shared) {
  const std::string html = read_file(shared + "/pricing-page.html");
  std::string out(html.size() * 2, '\0');
  size_t rewritten = 0;
  clickref_link_options options = CLICKREF_LINK_OPTIONS_INIT;
  options.rewritten = &rewritten;
  auto once = [&] {
    size_t out_len = 0;
    return clickref_rewrite_html(html.data(), html.size(), kClickId, sizeof kClickId - 1, &options, out.data(),
                                 out.size(), &out_len);
  };
  if (clickref_status s = once(); s != CLICKREF_OK) fail("rewrite html", s);
  std::fprintf(stderr, "clickref_peers: %zu payment links rewritten in the page\n", rewritten);
  print_result("html", "clickref C", median_ns([&] { keep(once()); }));
}

void click_ids(const std::string& urls_file) {
  std::vector<std::string> urls;
  std::istringstream lines(read_file(urls_file));
  for (std::string line; std::getline(lines, line);) urls.push_back(line);
  char out[CLICKREF_MAX_CLICK_ID_LEN * 3];
  auto all = [&] {
    size_t found = 0;
    for (const std::string& url : urls) {
      size_t out_len = 0;
      found += clickref_click_id_from_url(url.data(), url.size(), nullptr, 0, out, sizeof out, &out_len) ==
               CLICKREF_OK;
    }
    return found;
  };
  if (all() != urls.size()) fail("click id from url", CLICKREF_E_NOT_FOUND);
  const double per_batch = median_ns([&] { keep(all()); });
  print_result("click_id", "clickref C", per_batch / static_cast<double>(urls.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: clickref_peers SHARED_BENCH_DIR LANDING_URLS_FILE\n");
    return 2;
  }
  verify_and_parse(argv[1]);
  rewrite_html(argv[1]);
  click_ids(argv[2]);
  return 0;
}
