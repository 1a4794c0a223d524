#include "hmac_sha256.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <new>

namespace clickref::detail {

namespace {

// An HMAC context with its digest set to SHA-256 and no key yet. Setting the
// digest looks the algorithm up in OpenSSL's provider tables, which costs as
// much as hashing a few hundred bytes; duplicating this template skips it.
// Built once, never modified afterwards, so sharing it between threads is safe.
const EVP_MAC_CTX* sha256_template() {
  static EVP_MAC_CTX* const ctx = [] {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
    if (mac == nullptr) return static_cast<EVP_MAC_CTX*>(nullptr);
    EVP_MAC_CTX* made = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);  // the context holds its own reference
    char digest_name[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
        OSSL_PARAM_construct_end(),
    };
    if (made != nullptr && EVP_MAC_CTX_set_params(made, params) != 1) {
      EVP_MAC_CTX_free(made);
      made = nullptr;
    }
    return made;
  }();
  return ctx;
}

// A fresh context keyed with `key`, or nullptr when OpenSSL fails.
EVP_MAC_CTX* new_keyed_context(std::string_view key) {
  const EVP_MAC_CTX* base = sha256_template();
  if (base == nullptr) return nullptr;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(base);
  if (ctx == nullptr) throw std::bad_alloc();
  // EVP_MAC_init treats a NULL key as "keep the current key": an empty
  // secret must still be a key, so give it a valid pointer.
  static const unsigned char empty = 0;
  const auto* key_bytes = key.empty() ? &empty : reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_MAC_init(ctx, key_bytes, key.size(), nullptr) != 1) {
    EVP_MAC_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

bool absorb_and_finish(EVP_MAC_CTX* ctx, std::initializer_list<std::string_view> parts,
                       sha256_digest& out) {
  for (std::string_view part : parts) {
    if (EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(part.data()), part.size()) != 1) {
      return false;
    }
  }
  size_t written = 0;
  return EVP_MAC_final(ctx, out.data(), &written, out.size()) == 1 && written == out.size();
}

struct scoped_ctx {
  EVP_MAC_CTX* ctx;
  ~scoped_ctx() { EVP_MAC_CTX_free(ctx); }
};

}  // namespace

void hmac_sha256_key::ctx_deleter::operator()(evp_mac_ctx_st* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }

hmac_sha256_key::hmac_sha256_key(std::string_view key) : ctx_(new_keyed_context(key)) {}

hmac_sha256_key::~hmac_sha256_key() = default;

bool hmac_sha256_key::digest(std::initializer_list<std::string_view> parts, sha256_digest& out) const {
  if (!ctx_) return false;
  // The prepared context already holds the hashed key pads; a duplicate
  // carries them over, so this call does no key setup.
  scoped_ctx copy{EVP_MAC_CTX_dup(ctx_.get())};
  if (copy.ctx == nullptr) throw std::bad_alloc();
  return absorb_and_finish(copy.ctx, parts, out);
}

bool hmac_sha256(std::string_view key, std::initializer_list<std::string_view> parts, sha256_digest& out) {
  scoped_ctx ctx{new_keyed_context(key)};
  return ctx.ctx != nullptr && absorb_and_finish(ctx.ctx, parts, out);
}

}  // namespace clickref::detail
