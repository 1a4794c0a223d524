#include "hmac_sha256.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>
#include <new>

namespace clickref::detail {

namespace {

constexpr size_t kBlockSize = 64;  // SHA-256's block size, HMAC's pad size

// Fetching an algorithm walks OpenSSL's provider tables, which costs as much
// as hashing a few hundred bytes: do it once. The fetched object is
// immutable and safe to share between threads.
const EVP_MD* sha256() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

// A SHA-256 state that has absorbed `key` (at most one block long, already
// hashed when longer) XORed with `pad`, or nullptr when OpenSSL fails.
EVP_MD_CTX* padded_key_state(std::string_view key, unsigned char pad) {
  unsigned char block[kBlockSize];
  std::memset(block, pad, sizeof block);
  for (size_t i = 0; i < key.size(); ++i) block[i] = static_cast<unsigned char>(block[i] ^ key[i]);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) {
    OPENSSL_cleanse(block, sizeof block);
    throw std::bad_alloc();
  }
  const bool ok = EVP_DigestInit_ex2(ctx, sha256(), nullptr) == 1 && EVP_DigestUpdate(ctx, block, sizeof block) == 1;
  OPENSSL_cleanse(block, sizeof block);  // the block is the key in disguise
  if (!ok) {
    EVP_MD_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

// RFC 2104: a key longer than a block is replaced by its hash.
bool block_sized_key(std::string_view key, sha256_digest& hashed, std::string_view& out) {
  if (key.size() <= kBlockSize) {
    out = key;
    return true;
  }
  unsigned int len = 0;
  if (sha256() == nullptr || EVP_Digest(key.data(), key.size(), hashed.data(), &len, sha256(), nullptr) != 1) {
    return false;
  }
  out = std::string_view(reinterpret_cast<const char*>(hashed.data()), hashed.size());
  return true;
}

}  // namespace

void hmac_sha256_key::ctx_deleter::operator()(evp_md_ctx_st* ctx) const noexcept { EVP_MD_CTX_free(ctx); }

hmac_sha256_key::hmac_sha256_key(std::string_view key) {
  if (sha256() == nullptr) return;
  sha256_digest hashed{};
  std::string_view block_key;
  if (!block_sized_key(key, hashed, block_key)) return;
  inner_.reset(padded_key_state(block_key, 0x36));
  outer_.reset(padded_key_state(block_key, 0x5c));
  OPENSSL_cleanse(hashed.data(), hashed.size());
}

hmac_sha256_key::~hmac_sha256_key() = default;

bool hmac_sha256_key::digest(std::initializer_list<std::string_view> parts, sha256_digest& out) const {
  if (!valid()) return false;
  // One context serves both passes: it starts as a copy of the inner state,
  // then becomes a copy of the outer one. The key is never touched here.
  md_ctx ctx(EVP_MD_CTX_new());
  if (!ctx) throw std::bad_alloc();
  if (EVP_MD_CTX_copy_ex(ctx.get(), inner_.get()) != 1) return false;
  for (std::string_view part : parts) {
    if (EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) return false;
  }
  sha256_digest inner_hash;
  unsigned int len = 0;
  return EVP_DigestFinal_ex(ctx.get(), inner_hash.data(), &len) == 1 &&
         EVP_MD_CTX_copy_ex(ctx.get(), outer_.get()) == 1 &&
         EVP_DigestUpdate(ctx.get(), inner_hash.data(), inner_hash.size()) == 1 &&
         EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1 && len == out.size();
}

bool hmac_sha256(std::string_view key, std::initializer_list<std::string_view> parts, sha256_digest& out) {
  const hmac_sha256_key prepared(key);
  return prepared.digest(parts, out);
}

}  // namespace clickref::detail
