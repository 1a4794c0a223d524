// HMAC-SHA256 (RFC 2104) over OpenSSL 3's EVP digest interface.
#pragma once

#include <array>
#include <initializer_list>
#include <memory>
#include <string_view>

struct evp_md_ctx_st;

namespace clickref::detail {

using sha256_digest = std::array<unsigned char, 32>;

// A key with its HMAC state prepared: the inner and outer SHA-256 states
// after absorbing key⊕ipad and key⊕opad. Immutable after construction;
// digest() may run on many threads at once, each on its own copy.
class hmac_sha256_key {
 public:
  // Throws std::bad_alloc when OpenSSL cannot allocate; other OpenSSL
  // failures leave the key unusable (valid() is false).
  explicit hmac_sha256_key(std::string_view key);
  hmac_sha256_key(hmac_sha256_key&&) noexcept = default;
  hmac_sha256_key& operator=(hmac_sha256_key&&) noexcept = default;
  ~hmac_sha256_key();

  bool valid() const noexcept { return inner_ != nullptr && outer_ != nullptr; }

  // HMAC of the concatenation of `parts`, without concatenating them.
  // Returns false only when OpenSSL fails.
  bool digest(std::initializer_list<std::string_view> parts, sha256_digest& out) const;

 private:
  struct ctx_deleter {
    void operator()(evp_md_ctx_st* ctx) const noexcept;
  };
  using md_ctx = std::unique_ptr<evp_md_ctx_st, ctx_deleter>;
  md_ctx inner_;
  md_ctx outer_;
};

// One-shot HMAC with a key used once.
bool hmac_sha256(std::string_view key, std::initializer_list<std::string_view> parts, sha256_digest& out);

}  // namespace clickref::detail
