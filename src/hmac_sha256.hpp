// HMAC-SHA256 over OpenSSL 3's EVP_MAC interface.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

struct evp_mac_ctx_st;

namespace clickref::detail {

using sha256_digest = std::array<unsigned char, 32>;

// A key with its HMAC state prepared (the ipad/opad blocks hashed once).
// Immutable after construction; digest() may run on many threads at once,
// each on its own copy of the prepared state.
class hmac_sha256_key {
 public:
  // Throws std::bad_alloc when OpenSSL cannot allocate; other OpenSSL
  // failures leave the key unusable (valid() is false).
  explicit hmac_sha256_key(std::string_view key);
  hmac_sha256_key(hmac_sha256_key&&) noexcept = default;
  hmac_sha256_key& operator=(hmac_sha256_key&&) noexcept = default;
  ~hmac_sha256_key();

  bool valid() const noexcept { return ctx_ != nullptr; }

  // HMAC of the concatenation of `parts`, without concatenating them.
  // Returns false only when OpenSSL fails.
  bool digest(std::initializer_list<std::string_view> parts, sha256_digest& out) const;

 private:
  struct ctx_deleter {
    void operator()(evp_mac_ctx_st* ctx) const noexcept;
  };
  std::unique_ptr<evp_mac_ctx_st, ctx_deleter> ctx_;
};

// One-shot HMAC with a key used once: no prepared state is kept.
bool hmac_sha256(std::string_view key, std::initializer_list<std::string_view> parts,
                 sha256_digest& out);

}  // namespace clickref::detail
