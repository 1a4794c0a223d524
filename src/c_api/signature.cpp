// C ABI: webhook signatures (a thin layer over clickref/signature.hpp).
#include <clickref/clickref.h>
#include <clickref/signature.hpp>

#include "c_api/boundary.hpp"

#include <vector>

using namespace clickref;
using namespace clickref::c_api;

struct clickref_verifier {
  clickref::verifier impl;
};

namespace {

verify_options options_from(int64_t tolerance_s, uint32_t flags) {
  verify_options options;
  options.tolerance_s = tolerance_s;
  options.reject_future = (flags & CLICKREF_VERIFY_REJECT_FUTURE) != 0;
  return options;
}

}  // namespace

extern "C" {

clickref_status clickref_verify_signature(const char* payload, size_t payload_len, const char* header,
                                          size_t header_len, const char* secret, size_t secret_len,
                                          int64_t now_unix, int64_t tolerance_s, uint32_t flags,
                                          clickref_error* err) {
  if (!is_valid_input(payload, payload_len) || !is_valid_input(header, header_len) ||
      !is_valid_input(secret, secret_len) || (flags & ~CLICKREF_VERIFY_REJECT_FUTURE) != 0) {
    return report(err, CLICKREF_E_INVALID_ARGUMENT);
  }
  return guarded([&]() -> clickref_status {
    return verify_signature(view(payload, payload_len), view(header, header_len), view(secret, secret_len),
                            now_unix, options_from(tolerance_s, flags), err);
  });
}

clickref_status clickref_verifier_new(const char* const* secrets, const size_t* secret_lens, size_t n_secrets,
                                      int64_t tolerance_s, uint32_t flags, clickref_verifier** out) {
  if (out == nullptr) return CLICKREF_E_INVALID_ARGUMENT;
  *out = nullptr;
  if (secrets == nullptr || secret_lens == nullptr || n_secrets == 0 ||
      (flags & ~CLICKREF_VERIFY_REJECT_FUTURE) != 0) {
    return CLICKREF_E_INVALID_ARGUMENT;
  }
  return guarded([&]() -> clickref_status {
    std::vector<std::string_view> views;
    views.reserve(n_secrets);
    for (size_t i = 0; i < n_secrets; ++i) {
      if (!is_valid_input(secrets[i], secret_lens[i])) return CLICKREF_E_INVALID_ARGUMENT;
      views.push_back(view(secrets[i], secret_lens[i]));
    }
    auto made = verifier::create(views.data(), views.size(), options_from(tolerance_s, flags));
    if (!made) return made.error();
    *out = new clickref_verifier{std::move(*made)};
    return CLICKREF_OK;
  });
}

clickref_status clickref_verifier_verify(const clickref_verifier* v, const char* payload, size_t payload_len,
                                         const char* header, size_t header_len, int64_t now_unix,
                                         clickref_error* err) {
  if (v == nullptr || !is_valid_input(payload, payload_len) || !is_valid_input(header, header_len)) {
    return report(err, CLICKREF_E_INVALID_ARGUMENT);
  }
  return guarded([&] { return v->impl.verify(view(payload, payload_len), view(header, header_len), now_unix, err); });
}

void clickref_verifier_free(clickref_verifier* v) { delete v; }

clickref_status clickref_sign_payload(const char* payload, size_t payload_len, const char* secret,
                                      size_t secret_len, int64_t timestamp, char* out, size_t out_cap,
                                      size_t* out_len) {
  if (!is_valid_input(payload, payload_len) || !is_valid_input(secret, secret_len) || out_len == nullptr) {
    return CLICKREF_E_INVALID_ARGUMENT;
  }
  return guarded([&]() -> clickref_status {
    auto header = sign_payload(view(payload, payload_len), view(secret, secret_len), timestamp);
    if (!header) return header.error();
    return write_output(*header, out, out_cap, out_len);
  });
}

}  // extern "C"
