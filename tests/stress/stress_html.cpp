// HTML under concurrency: the one-shot rewriter with shared options, and a
// streaming rewriter per thread (a rewriter belongs to one thread at a time)
// fed in small chunks.
#include "stress.hpp"

#include <clickref/clickref.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace clickref::stress {

namespace {

constexpr char kHtml[] =
    "<!DOCTYPE html><title>Plans <a href=\"https://buy.stripe.com/t\"></title>"
    "<a class=\"buy\" href=\"https://buy.stripe.com/basic?prefilled_email=a%40b.c&amp;x=1\">Basic</a>"
    "<script>var s = '<a href=\"https://buy.stripe.com/in-script\">';</script>"
    "<A HREF=https://pay.example.com/pro>Pro</A><!-- <a href=\"https://buy.stripe.com/c\"> -->"
    "<stripe-buy-button buy-button-id=\"buy_btn_1\" client-reference-id=\"old\"></stripe-buy-button>";
constexpr char kId[] = "aff_123-XYZ";
const char* const kHosts[] = {"buy.stripe.com", "pay.example.com"};
const size_t kHostLens[] = {14, 15};

clickref_status append(void* user, const char* data, size_t len) {
  static_cast<std::string*>(user)->append(data, len);
  return CLICKREF_OK;
}

class html_surface final : public surface {
 public:
  html_surface() {
    options_.hosts = kHosts;
    options_.host_lens = kHostLens;
    options_.n_hosts = 2;
    expected_ = one_shot();
  }

  const char* name() const override { return "html"; }

  bool run() const override {
    return !expected_.empty() && one_shot() == expected_ && streamed() == expected_;
  }

 private:
  std::string one_shot() const {
    char out[2 * sizeof kHtml];
    size_t len = 0;
    return clickref_rewrite_html(kHtml, std::strlen(kHtml), kId, std::strlen(kId), &options_, out, sizeof out,
                                 &len) == CLICKREF_OK
               ? std::string(out, len)
               : std::string();
  }

  std::string streamed() const {
    std::string out;
    clickref_html_rewriter* rw = nullptr;
    if (clickref_html_rewriter_new(kId, std::strlen(kId), &options_, append, &out, &rw) != CLICKREF_OK)
      return {};
    const size_t total = std::strlen(kHtml);
    bool ok = true;
    for (size_t at = 0; at < total && ok; at += 7) {
      ok = clickref_html_rewriter_write(rw, kHtml + at, std::min<size_t>(7, total - at)) == CLICKREF_OK;
    }
    ok = ok && clickref_html_rewriter_finish(rw) == CLICKREF_OK;
    clickref_html_rewriter_free(rw);
    return ok ? out : std::string();
  }

  clickref_link_options options_ = CLICKREF_LINK_OPTIONS_INIT;
  std::string expected_;
};

}  // namespace

std::unique_ptr<surface> make_html_surface() { return std::make_unique<html_surface>(); }

}  // namespace clickref::stress
