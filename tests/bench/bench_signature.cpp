// Signature verification beside a bare OpenSSL HMAC-SHA256 of the same bytes.
#include "harness.hpp"
#include "read_file.hpp"

#include <clickref/clickref.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstring>

namespace clickref::bench {

void run_signature(const std::string& shared) {
  const std::string payload = read_file(shared + "/checkout-session-completed.json");
  const std::string secret = "whsec_benchmark_secret_0123456789abcdef";
  const int64_t t = 1700000000;
  char header[128];
  size_t header_len = 0;
  if (clickref_sign_payload(payload.data(), payload.size(), secret.data(), secret.size(), t, header,
                            sizeof header, &header_len) != CLICKREF_OK) {
    std::fprintf(stderr, "sign failed\n");
    return;
  }
  const std::string signed_content = std::to_string(t) + "." + payload;

  std::printf("signature: %zu-byte checkout.session.completed\n", payload.size());

  // The bare references: HMAC-SHA256 of "<t>.<payload>" with a new context
  // per call, as a receiver without clickref would compute it.
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                         OSSL_PARAM_construct_end()};
  const double evp_ns = median_ns([&] {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), params);
    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size());
    unsigned char out[32];
    size_t out_len = 0;
    EVP_MAC_final(ctx, out, &out_len, sizeof out);
    EVP_MAC_CTX_free(ctx);
    keep(out);
  });
  const double hmac_ns = median_ns([&] {
    unsigned char out[32];
    unsigned int out_len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(), out, &out_len);
    keep(out);
  });
  EVP_MAC_free(mac);
  const double reference = evp_ns;

  const double one_shot_ns = median_ns([&] {
    clickref_status s = clickref_verify_signature(payload.data(), payload.size(), header, header_len,
                                                  secret.data(), secret.size(), t, 300, 0, nullptr);
    keep(s);
  });
  const char* secrets[] = {secret.data()};
  const size_t secret_lens[] = {secret.size()};
  clickref_verifier* v = nullptr;
  if (clickref_verifier_new(secrets, secret_lens, 1, 300, 0, &v) != CLICKREF_OK) return;
  const double prepared_ns = median_ns([&] {
    clickref_status s = clickref_verifier_verify(v, payload.data(), payload.size(), header, header_len, t, nullptr);
    keep(s);
  });
  clickref_verifier_free(v);

  report("reference: EVP_MAC HMAC-SHA256, new ctx per call", evp_ns, reference, payload.size());
  report("reference: HMAC() one-shot", hmac_ns, reference, payload.size());
  report("clickref_verify_signature (target <= 1.10x)", one_shot_ns, reference, payload.size());
  report("clickref_verifier_verify (target <= 1.00x)", prepared_ns, reference, payload.size());
}

}  // namespace clickref::bench
