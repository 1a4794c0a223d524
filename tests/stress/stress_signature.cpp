// Signatures under concurrency: one clickref_verifier shared by every
// thread, one-shot verification, signing, and the version and status text.
#include "stress.hpp"

#include <clickref/clickref.h>

#include <cstring>
#include <string>

namespace clickref::stress {

namespace {

constexpr char kPayload[] = R"({"id":"evt_stress","object":"event","type":"charge.succeeded"})";
constexpr char kSecret[] = "whsec_stress_current";
constexpr char kOldSecret[] = "whsec_stress_rotated_out";
constexpr int64_t kT = 1700000000;

class signature_surface final : public surface {
 public:
  signature_surface() {
    const char* secrets[] = {kOldSecret, kSecret};
    const size_t lens[] = {std::strlen(kOldSecret), std::strlen(kSecret)};
    if (clickref_verifier_new(secrets, lens, 2, CLICKREF_DEFAULT_TOLERANCE, 0, &verifier_) != CLICKREF_OK) {
      verifier_ = nullptr;
    }
    header_ = sign();
    tampered_ = header_;
    if (!tampered_.empty()) tampered_.back() = tampered_.back() == '0' ? '1' : '0';
    version_ = clickref_version();
    status_text_ = status_text();
  }
  ~signature_surface() override { clickref_verifier_free(verifier_); }

  const char* name() const override { return "signature"; }

  bool run() const override {
    bool ok = verifier_ != nullptr && !header_.empty() && sign() == header_;
    ok &= verify_shared(header_, kT) == CLICKREF_OK;
    ok &= verify_shared(tampered_, kT) == CLICKREF_E_SIG_MISMATCH;
    ok &= verify_shared(header_, kT + CLICKREF_DEFAULT_TOLERANCE + 1) == CLICKREF_E_SIG_TOO_OLD;
    ok &= clickref_verify_signature(kPayload, std::strlen(kPayload), header_.data(), header_.size(), kSecret,
                                    std::strlen(kSecret), kT, CLICKREF_DEFAULT_TOLERANCE, 0,
                                    nullptr) == CLICKREF_OK;
    // A verifier of this thread's own, made and freed while others verify.
    const char* secrets[] = {kSecret};
    const size_t lens[] = {std::strlen(kSecret)};
    clickref_verifier* own = nullptr;
    ok &= clickref_verifier_new(secrets, lens, 1, CLICKREF_DEFAULT_TOLERANCE, 0, &own) == CLICKREF_OK;
    clickref_error err{};
    ok &= clickref_verifier_verify(own, kPayload, std::strlen(kPayload), tampered_.data(), tampered_.size(),
                                   kT, &err) == CLICKREF_E_SIG_MISMATCH;
    ok &= err.code == CLICKREF_E_SIG_MISMATCH;
    clickref_verifier_free(own);

    ok &= clickref_abi_version() == CLICKREF_ABI_VERSION && version_ == clickref_version();
    return ok && status_text() == status_text_;
  }

 private:
  std::string sign() const {
    char out[128];
    size_t len = 0;
    if (clickref_sign_payload(kPayload, std::strlen(kPayload), kSecret, std::strlen(kSecret), kT, out,
                              sizeof out, &len) != CLICKREF_OK) {
      return {};
    }
    return std::string(out, len);
  }

  // The name and message of every status value, known or not.
  static std::string status_text() {
    std::string text;
    for (clickref_status s = -1; s < 50; ++s) {
      text += clickref_status_name(s);
      text += clickref_status_message(s);
    }
    return text;
  }

  clickref_status verify_shared(const std::string& header, int64_t now) const {
    return clickref_verifier_verify(verifier_, kPayload, std::strlen(kPayload), header.data(), header.size(),
                                    now, nullptr);
  }

  clickref_verifier* verifier_ = nullptr;
  std::string header_, tampered_, version_, status_text_;
};

}  // namespace

std::unique_ptr<surface> make_signature_surface() { return std::make_unique<signature_surface>(); }

}  // namespace clickref::stress
