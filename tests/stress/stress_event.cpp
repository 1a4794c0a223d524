// Events under concurrency: one parsed clickref_event shared by every thread
// for clickref_event_conversion (documented as shareable), beside each
// thread parsing, converting and freeing events of its own.
#include "stress.hpp"

#include <clickref/clickref.h>

#include <cstring>
#include <string>

namespace clickref::stress {

namespace {

constexpr char kEvent[] =
    R"({"id":"evt_stress","object":"event","api_version":"2024-06-20","created":1732627200,"livemode":true,)"
    R"("type":"checkout.session.completed","data":{"object":{"id":"cs_live_stress","object":"checkout.session",)"
    R"("mode":"payment","payment_status":"paid","amount_total":4900,"currency":"usd",)"
    R"("client_reference_id":"aff_123-XYZ","payment_intent":"pi_stress","payment_link":"plink_stress",)"
    R"("customer_details":{"email":"buyer@example.com"},"metadata":{}}}})";
constexpr char kPostbackBase[] = "https://track.example/postback";
constexpr char kExtra[] = "goal=sale";

template <class Write>
std::string output_of(Write&& write) {
  char out[1024];
  size_t len = 0;
  return write(out, sizeof out, &len) == CLICKREF_OK ? std::string(out, len) : std::string("(failed)");
}

// Every output a conversion gives, in one string.
std::string outputs_of(const clickref_event* event) {
  clickref_conversion c;
  if (clickref_event_conversion(event, &c) != CLICKREF_OK) return "(failed)";
  std::string all = output_of(
      [&](char* out, size_t cap, size_t* len) { return clickref_conversion_to_json(&c, out, cap, len); });
  all += '|' + output_of([&](char* out, size_t cap, size_t* len) {
           return clickref_format_amount(c.amount, c.currency.data, c.currency.len, out, cap, len);
         });
  all += '|' + output_of([&](char* out, size_t cap, size_t* len) {
           return clickref_postback_url(&c, kPostbackBase, std::strlen(kPostbackBase), kExtra,
                                        std::strlen(kExtra), out, cap, len);
         });
  return all;
}

class event_surface final : public surface {
 public:
  event_surface() {
    if (clickref_event_parse(kEvent, std::strlen(kEvent), &shared_, nullptr) != CLICKREF_OK)
      shared_ = nullptr;
    if (shared_ != nullptr) expected_ = outputs_of(shared_);
  }
  ~event_surface() override { clickref_event_free(shared_); }

  const char* name() const override { return "event"; }

  bool run() const override {
    if (shared_ == nullptr || expected_.find("(failed)") != std::string::npos) return false;
    clickref_event* own = nullptr;
    if (clickref_event_parse(kEvent, std::strlen(kEvent), &own, nullptr) != CLICKREF_OK) return false;
    const bool same = outputs_of(own) == expected_ && outputs_of(shared_) == expected_;
    clickref_event_free(own);
    return same;
  }

 private:
  clickref_event* shared_ = nullptr;
  std::string expected_;
};

}  // namespace

std::unique_ptr<surface> make_event_surface() { return std::make_unique<event_surface>(); }

}  // namespace clickref::stress
