// Stripe webhook signature verification and signing.
#include <clickref/signature.hpp>

#include "error_detail.hpp"
#include "hmac_sha256.hpp"
#include "signature_header.hpp"

#include <openssl/crypto.h>

#include <cstdio>
#include <vector>

namespace clickref {

using detail::report;
using detail::sha256_digest;

namespace {

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t") == std::string_view::npos;
}

// The timestamp is checked only after a signature matched, so that a forged
// header cannot probe the receiver's clock or tolerance.
status check_age(int64_t t, int64_t now, const verify_options& options) {
  if (options.tolerance_s <= 0) return CLICKREF_OK;
  const auto tolerance = static_cast<uint64_t>(options.tolerance_s);
  // The differences are computed in uint64 where they are positive, so no
  // pair of int64 values can overflow.
  if (now > t && static_cast<uint64_t>(now) - static_cast<uint64_t>(t) > tolerance) {
    return CLICKREF_E_SIG_TOO_OLD;
  }
  if (options.reject_future && t > now && static_cast<uint64_t>(t) - static_cast<uint64_t>(now) > tolerance) {
    return CLICKREF_E_SIG_IN_FUTURE;
  }
  return CLICKREF_OK;
}

// The common path of every verification. `expected_for(i, t_text, digest)`
// computes the HMAC of "<t_text>.<payload>" under secret i.
template <class ExpectedFor>
status verify_with(std::string_view payload, std::string_view header, size_t n_secrets,
                   ExpectedFor&& expected_for, int64_t now, const verify_options& options,
                   clickref_error* err) {
  if (is_blank(header)) return report(err, CLICKREF_E_SIG_MISSING_HEADER);
  if (payload.empty()) return report(err, CLICKREF_E_EMPTY_PAYLOAD);
  detail::signature_header parsed;
  size_t offset = 0;
  if (status s = detail::parse_signature_header(header, parsed, offset); s != CLICKREF_OK) {
    return report(err, s, offset);
  }
  // Every candidate is compared against every secret, without stopping at
  // the first match: the work done does not depend on which one matches.
  int matched = 0;
  for (size_t i = 0; i < n_secrets; ++i) {
    sha256_digest expected;
    if (!expected_for(i, parsed.timestamp_text, expected)) return report(err, CLICKREF_E_INTERNAL);
    detail::for_each_v1(parsed, [&](const sha256_digest& candidate) {
      matched |= CRYPTO_memcmp(candidate.data(), expected.data(), expected.size()) == 0;
    });
  }
  if (!matched) return report(err, CLICKREF_E_SIG_MISMATCH);
  if (status s = check_age(parsed.timestamp, now, options); s != CLICKREF_OK) return report(err, s);
  return CLICKREF_OK;
}

status verify_one_shot(std::string_view payload, std::string_view header, const std::string_view* secrets,
                       size_t n_secrets, int64_t now, const verify_options& options, clickref_error* err) {
  auto expected_for = [&](size_t i, std::string_view t, sha256_digest& out) {
    return detail::hmac_sha256(secrets[i], {t, ".", payload}, out);
  };
  return verify_with(payload, header, n_secrets, expected_for, now, options, err);
}

}  // namespace

status verify_signature(std::string_view payload, std::string_view header, std::string_view secret,
                        int64_t now_unix, const verify_options& options, clickref_error* err) {
  return verify_one_shot(payload, header, &secret, 1, now_unix, options, err);
}

status verify_signature(std::string_view payload, std::string_view header,
                        std::initializer_list<std::string_view> secrets, int64_t now_unix,
                        const verify_options& options, clickref_error* err) {
  if (secrets.size() == 0) return report(err, CLICKREF_E_INVALID_ARGUMENT);
  return verify_one_shot(payload, header, secrets.begin(), secrets.size(), now_unix, options, err);
}

result<std::string> sign_payload(std::string_view payload, std::string_view secret, int64_t timestamp) {
  if (timestamp < 0) return CLICKREF_E_INVALID_ARGUMENT;
  char t[24];
  const int t_len = std::snprintf(t, sizeof t, "%lld", static_cast<long long>(timestamp));
  sha256_digest mac;
  if (!detail::hmac_sha256(secret, {std::string_view(t, static_cast<size_t>(t_len)), ".", payload}, mac)) {
    return CLICKREF_E_INTERNAL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string header = "t=";
  header.append(t, static_cast<size_t>(t_len));
  header += ",v1=";
  for (unsigned char byte : mac) {
    header.push_back(kHex[byte >> 4]);
    header.push_back(kHex[byte & 0xF]);
  }
  return header;
}

struct verifier::keys {
  std::vector<detail::hmac_sha256_key> secrets;
};

verifier::verifier() noexcept = default;
verifier::verifier(verifier&&) noexcept = default;
verifier& verifier::operator=(verifier&&) noexcept = default;
verifier::~verifier() = default;

result<verifier> verifier::create(const std::string_view* secrets, size_t n_secrets,
                                  const verify_options& options) {
  if (secrets == nullptr || n_secrets == 0) return CLICKREF_E_INVALID_ARGUMENT;
  verifier v;
  v.options_ = options;
  v.keys_ = std::make_unique<keys>();
  v.keys_->secrets.reserve(n_secrets);
  for (size_t i = 0; i < n_secrets; ++i) {
    if (secrets[i].empty()) return CLICKREF_E_INVALID_ARGUMENT;
    v.keys_->secrets.emplace_back(secrets[i]);
    if (!v.keys_->secrets.back().valid()) return CLICKREF_E_INTERNAL;
  }
  return v;
}

status verifier::verify(std::string_view payload, std::string_view header, int64_t now_unix,
                        clickref_error* err) const {
  if (!keys_) return report(err, CLICKREF_E_INVALID_ARGUMENT);
  const auto& secrets = keys_->secrets;
  auto expected_for = [&](size_t i, std::string_view t, sha256_digest& out) {
    return secrets[i].digest({t, ".", payload}, out);
  };
  return verify_with(payload, header, secrets.size(), expected_for, now_unix, options_, err);
}

}  // namespace clickref
