// Click ids, cookies and payment links under concurrency, with one set of
// link options (host arrays included) shared by every thread.
#include "stress.hpp"

#include <clickref/clickref.h>

#include <cstring>
#include <string>

namespace clickref::stress {

namespace {

constexpr char kUrl[] = "https://shop.example/landing?utm_source=x&click_id=aff%5F123-XYZ&ref=%E2%82%AC";
constexpr char kCookies[] = "theme=dark; tn_click_id=%61ff_123-XYZ; other=1";
constexpr char kLink[] = "https://BUY.stripe.com/test_abc?prefilled_email=a%40b.c&client_reference_id=old#x";
constexpr char kId[] = "aff_123-XYZ";
const char* const kHosts[] = {"buy.stripe.com", "pay.example.com"};
const size_t kHostLens[] = {14, 15};

template <class Write>
std::string output_of(Write&& write) {
  char out[512];
  size_t len = 0;
  return write(out, sizeof out, &len) == CLICKREF_OK ? std::string(out, len) : std::string("(failed)");
}

class click_id_surface final : public surface {
 public:
  click_id_surface() {
    options_.hosts = kHosts;
    options_.host_lens = kHostLens;
    options_.n_hosts = 2;
    expected_ = outputs();
  }

  const char* name() const override { return "click_id"; }
  bool run() const override {
    return expected_.find("(failed)") == std::string::npos && outputs() == expected_;
  }

 private:
  std::string outputs() const {
    std::string all = output_of([](char* out, size_t cap, size_t* len) {
      return clickref_click_id_from_url(kUrl, std::strlen(kUrl), nullptr, 0, out, cap, len);
    });
    all +=
        '|' + output_of([](char* out, size_t cap, size_t* len) {
          return clickref_click_id_from_cookies(kCookies, std::strlen(kCookies), nullptr, 0, out, cap, len);
        });
    all += '|' + output_of([](char* out, size_t cap, size_t* len) {
             return clickref_click_cookie(kId, std::strlen(kId), nullptr, 1700000000, out, cap, len);
           });
    all += '|' + output_of([this](char* out, size_t cap, size_t* len) {
             return clickref_rewrite_url(kLink, std::strlen(kLink), kId, std::strlen(kId), &options_, out,
                                         cap, len);
           });
    all += clickref_click_id_valid(kId, std::strlen(kId)) ? "|valid" : "|invalid";
    return all;
  }

  clickref_link_options options_ = CLICKREF_LINK_OPTIONS_INIT;
  std::string expected_;
};

}  // namespace

std::unique_ptr<surface> make_click_id_surface() { return std::make_unique<click_id_surface>(); }

}  // namespace clickref::stress
