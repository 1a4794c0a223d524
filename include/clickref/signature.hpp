// clickref/signature.hpp — Stripe webhook signatures, C++ API.
//
// The same scheme and checks as clickref_verify_signature in clickref.h:
// HMAC-SHA256 of "<t>.<raw body>" keyed by the whole endpoint secret, any v1
// of the header against any secret, constant-time comparison, signature
// checked before age.
#pragma once

#include <clickref/status.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace clickref {

struct verify_options {
  // Maximum age of the header's timestamp in seconds; <= 0 disables the check.
  int64_t tolerance_s = CLICKREF_DEFAULT_TOLERANCE;
  // Also reject timestamps more than tolerance_s ahead of now.
  bool reject_future = false;
};

// Verifies one delivery. `now_unix` is the current time in seconds. `err`,
// when given, receives the status, a static message and the offset in the
// header where a malformation was found.
CLICKREF_API status verify_signature(std::string_view payload, std::string_view header,
                                     std::string_view secret, int64_t now_unix,
                                     const verify_options& options = {},
                                     clickref_error* err = nullptr);

// The same against several secrets (rotation): accepted when any v1 matches
// any secret.
CLICKREF_API status verify_signature(std::string_view payload, std::string_view header,
                                     std::initializer_list<std::string_view> secrets,
                                     int64_t now_unix, const verify_options& options = {},
                                     clickref_error* err = nullptr);

// "t=<timestamp>,v1=<64 lower-case hex>", the header Stripe would send.
CLICKREF_API result<std::string> sign_payload(std::string_view payload, std::string_view secret,
                                              int64_t timestamp);

// Secrets with their HMAC key schedule prepared once, so that each
// verification skips key setup. Immutable after create(); verify() may be
// called from many threads at once.
class CLICKREF_API verifier {
 public:
  static result<verifier> create(const std::string_view* secrets, size_t n_secrets,
                                 const verify_options& options = {});
  static result<verifier> create(std::initializer_list<std::string_view> secrets,
                                 const verify_options& options = {}) {
    return create(secrets.begin(), secrets.size(), options);
  }

  status verify(std::string_view payload, std::string_view header, int64_t now_unix,
                clickref_error* err = nullptr) const;

  verifier() noexcept;
  verifier(verifier&&) noexcept;
  verifier& operator=(verifier&&) noexcept;
  ~verifier();

 private:
  struct keys;
  std::unique_ptr<keys> keys_;
  verify_options options_;
};

}  // namespace clickref
