// Stripe-Signature parsing and verification.
// Input: the header on the first line, the payload after it.
// Invariants: only the documented statuses; the error detail agrees with the
// status and points inside the header; a prepared verifier (with an extra,
// rotated-out secret) agrees with the one-shot call; a payload signed by
// clickref verifies, and still verifies when the fuzzed items are appended
// to its header unless they add a second timestamp.
#include "fuzz_support.hpp"

#include <memory>

namespace {

constexpr char kSecret[] = "whsec_fuzz_secret";
constexpr char kOldSecret[] = "whsec_rotated_out";
constexpr int64_t kNow = 1700000000;

struct verifier_deleter {
  void operator()(clickref_verifier* v) const { clickref_verifier_free(v); }
};

// One verifier for the whole run, as a server keeps one.
const clickref_verifier* shared_verifier() {
  static const std::unique_ptr<clickref_verifier, verifier_deleter> v = [] {
    const char* secrets[] = {kOldSecret, kSecret};
    const size_t lens[] = {sizeof kOldSecret - 1, sizeof kSecret - 1};
    clickref_verifier* made = nullptr;
    FUZZ_CHECK(clickref_verifier_new(secrets, lens, 2, CLICKREF_DEFAULT_TOLERANCE, 0, &made) == CLICKREF_OK);
    return std::unique_ptr<clickref_verifier, verifier_deleter>(made);
  }();
  return v.get();
}

clickref_status verify(std::string_view payload, std::string_view header, clickref_error* err) {
  return clickref_verify_signature(payload.data(), payload.size(), header.data(), header.size(), kSecret,
                                   sizeof kSecret - 1, kNow, CLICKREF_DEFAULT_TOLERANCE, 0, err);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace clickref::fuzz;
  std::string_view payload = as_view(data, size);
  const std::string_view header = take_line(payload);

  clickref_error err{};
  const clickref_status s = verify(payload, header, &err);
  FUZZ_CHECK(is_one_of(
      s, {CLICKREF_OK, CLICKREF_E_SIG_MISSING_HEADER, CLICKREF_E_SIG_MALFORMED_HEADER, CLICKREF_E_SIG_NO_V1,
          CLICKREF_E_SIG_MISMATCH, CLICKREF_E_SIG_TOO_OLD, CLICKREF_E_EMPTY_PAYLOAD}));
  if (s != CLICKREF_OK) {
    FUZZ_CHECK(err.code == s);
    FUZZ_CHECK(err.message != nullptr);
    FUZZ_CHECK(err.offset <= header.size());
  }

  const clickref_status prepared = clickref_verifier_verify(shared_verifier(), payload.data(), payload.size(),
                                                            header.data(), header.size(), kNow, nullptr);
  FUZZ_CHECK(prepared == s);

  if (payload.empty()) return 0;
  char signed_header[128];
  size_t signed_len = 0;
  FUZZ_CHECK(clickref_sign_payload(payload.data(), payload.size(), kSecret, sizeof kSecret - 1, kNow,
                                   signed_header, sizeof signed_header, &signed_len) == CLICKREF_OK);
  const std::string genuine(signed_header, signed_len);
  FUZZ_CHECK(verify(payload, genuine, nullptr) == CLICKREF_OK);
  const clickref_status extended = verify(payload, genuine + "," + std::string(header), nullptr);
  FUZZ_CHECK(extended == CLICKREF_OK || extended == CLICKREF_E_SIG_MALFORMED_HEADER);
  return 0;
}
