// Reading the click id from a landing URL and rewriting a payment link,
// each beside a bare memchr scan of the same bytes (the least any parser
// must do: find the '?' and the '#').
#include "harness.hpp"

#include <clickref/clickref.h>

#include <cstdio>
#include <cstring>

namespace clickref::bench {

namespace {

double memchr_ns(const std::string& s) {
  return median_ns([&] {
    const void* question = std::memchr(s.data(), '?', s.size());
    const void* hash = std::memchr(s.data(), '#', s.size());
    keep(question);
    keep(hash);
  });
}

}  // namespace

void run_click_id(const std::string&) {
  // A 200-byte landing URL as ad networks produce them: tracking
  // parameters first, the click id last.
  std::string landing =
      "https://shop.example.com/products/espresso-machine?utm_source=partner&utm_medium=affiliate"
      "&utm_campaign=spring_sale&gclid=Cj0KCQjw&click_id=";
  landing += std::string(200 - landing.size(), 'x');
  // A typical payment link: test mode, prefilled email and locale.
  const std::string link =
      "https://buy.stripe.com/test_6oE9Ba2mQ0Vc1Ak288?prefilled_email=jane%40example.com&locale=fr";
  const std::string id = "tn_5f3c2a9e-0b7d-4c1e-9a8f-2d6b4e1c7a90";

  char out[512];
  size_t out_len = 0;
  if (clickref_click_id_from_url(landing.data(), landing.size(), nullptr, 0, out, sizeof out, &out_len) !=
          CLICKREF_OK ||
      clickref_rewrite_url(link.data(), link.size(), id.data(), id.size(), nullptr, out, sizeof out,
                           &out_len) != CLICKREF_OK) {
    std::fprintf(stderr, "click_id: setup failed\n");
    return;
  }

  std::printf("click_id: %zu-byte landing URL, %zu-byte payment link\n", landing.size(), link.size());
  const double landing_ref = memchr_ns(landing);
  const double from_url = median_ns([&] {
    clickref_status s =
        clickref_click_id_from_url(landing.data(), landing.size(), nullptr, 0, out, sizeof out, &out_len);
    keep(s);
    keep(out);
  });
  const double link_ref = memchr_ns(link);
  const double rewrite = median_ns([&] {
    clickref_status s = clickref_rewrite_url(link.data(), link.size(), id.data(), id.size(), nullptr, out,
                                             sizeof out, &out_len);
    keep(s);
    keep(out);
  });
  report("reference: memchr '?' and '#' over the landing URL", landing_ref, landing_ref, landing.size());
  report("clickref_click_id_from_url (target < 100 ns)", from_url, landing_ref, landing.size());
  report("reference: memchr '?' and '#' over the payment link", link_ref, link_ref, link.size());
  report("clickref_rewrite_url (target < 100 ns)", rewrite, link_ref, link.size());
}

}  // namespace clickref::bench
