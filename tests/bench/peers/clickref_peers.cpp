// clickref's side of the peer comparison (tests/bench/peers/run.sh): the
// operations the peers perform, on the same inputs, timed the same way
// (warm-up, then the median of 15 batches).
//   clickref_peers SHARED_BENCH_DIR LANDING_URLS_FILE
// Prints one "result<TAB>operation<TAB>implementation<TAB>ns per op" line each.
#include "../harness.hpp"
#include "../read_file.hpp"

#include <clickref/clickref.h>
#include <clickref/event.hpp>
#include <clickref/signature.hpp>

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
// leave to the caller. Timed twice: with the one-shot verification, the same
// work as the peers (the secret is keyed on every call), and with a prepared
// clickref_verifier, as a server built on clickref runs.
void verify_and_parse(const std::string& shared) {
  const std::string payload = read_file(shared + "/checkout-session-completed.json");
  char header[128];
  size_t header_len = 0;
  if (clickref_status s = clickref_sign_payload(payload.data(), payload.size(), kSecret, sizeof kSecret - 1,
                                                kT, header, sizeof header, &header_len);
      s != CLICKREF_OK) {
    fail("sign", s);
  }
  const char* secrets[] = {kSecret};
  const size_t secret_lens[] = {sizeof kSecret - 1};
  clickref_verifier* verifier = nullptr;
  if (clickref_status s =
          clickref_verifier_new(secrets, secret_lens, 1, CLICKREF_DEFAULT_TOLERANCE, 0, &verifier);
      s != CLICKREF_OK) {
    fail("verifier", s);
  }
  auto parse_and_convert = [&] {
    clickref_event* event = nullptr;
    clickref_status s = clickref_event_parse(payload.data(), payload.size(), &event, nullptr);
    if (s != CLICKREF_OK) return s;
    clickref_conversion conversion;
    s = clickref_event_conversion(event, &conversion);
    keep(conversion.amount);
    clickref_event_free(event);
    return s;
  };
  auto one_shot = [&] {
    const clickref_status s =
        clickref_verify_signature(payload.data(), payload.size(), header, header_len, kSecret,
                                  sizeof kSecret - 1, kT, CLICKREF_DEFAULT_TOLERANCE, 0, nullptr);
    return s == CLICKREF_OK ? parse_and_convert() : s;
  };
  auto prepared = [&] {
    const clickref_status s =
        clickref_verifier_verify(verifier, payload.data(), payload.size(), header, header_len, kT, nullptr);
    return s == CLICKREF_OK ? parse_and_convert() : s;
  };
  if (clickref_status s = one_shot(); s != CLICKREF_OK) fail("verify + parse", s);
  if (clickref_status s = prepared(); s != CLICKREF_OK) fail("verify + parse, prepared", s);
  print_result("verify+parse", "clickref C", median_ns([&] { keep(one_shot()); }));
  print_result("verify+parse", "clickref C, prepared verifier", median_ns([&] { keep(prepared()); }));
  clickref_verifier_free(verifier);

  // The C++ API as a long-running receiver uses it: the verifier prepared
  // and the parser and event reused, so that a delivery allocates nothing.
  const std::string_view secret(kSecret, sizeof kSecret - 1);
  auto cpp_verifier = clickref::verifier::create({secret});
  if (!cpp_verifier) fail("C++ verifier", cpp_verifier.error());
  clickref::event_parser parser;
  clickref::event event;
  const std::string_view header_view(header, header_len);
  auto reused = [&] {
    clickref::status s = cpp_verifier->verify(payload, header_view, kT);
    if (s == CLICKREF_OK) s = parser.parse(payload, event);
    if (s != CLICKREF_OK) return s;
    const auto conversion = clickref::to_conversion(event);
    if (conversion) keep(conversion->amount);
    return conversion.error();
  };
  if (clickref::status s = reused(); s != CLICKREF_OK) fail("verify + parse, C++", s);
  print_result("verify+parse", "clickref C++, prepared verifier, reused parser",
               median_ns([&] { keep(reused()); }));
}

void rewrite_html(const std::string& shared) {
  const std::string html = read_file(shared + "/pricing-page.html");
  std::string out(html.size() * 2, '\0');
  size_t rewritten = 0;
  clickref_link_options options = CLICKREF_LINK_OPTIONS_INIT;
  options.rewritten = &rewritten;
  auto once = [&] {
    size_t out_len = 0;
    return clickref_rewrite_html(html.data(), html.size(), kClickId, sizeof kClickId - 1, &options,
                                 out.data(), out.size(), &out_len);
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
