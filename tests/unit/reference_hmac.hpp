// Stripe v1 signatures computed with OpenSSL alone, independently of
// clickref: the expected values of the signature tests.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <string>

namespace clickref::test {

// Lower-case hex HMAC-SHA256 of "<t>.<payload>" keyed by `secret`.
inline std::string reference_v1(const std::string& secret, int64_t t, const std::string& payload) {
  const std::string content = std::to_string(t) + "." + payload;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < mac_len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 15];
  }
  return out;
}

}  // namespace clickref::test
