#include "auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace server {
namespace {

using digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

digest sha256(std::string_view text) {
  digest d{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), d.data());
  return d;
}

// Equal digests of equal-length inputs: compared in constant time.
bool same_secret(std::string_view given, std::string_view expected) {
  const digest a = sha256(given);
  const digest b = sha256(expected);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 4096) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  // EVP_DecodeBlock counts the padding as zero bytes.
  if (text.back() == '=') --len;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

}  // namespace

dashboard_credentials credentials_from_env(const std::function<const char*(const char*)>& getenv) {
  const auto read = [&getenv](const char* name) -> std::optional<std::string> {
    const char* value = getenv(name);
    if (!value || !*value) return std::nullopt;
    return std::string(value);
  };
  return {read("CLICKREF_DASHBOARD_TOKEN"), read("CLICKREF_DASHBOARD_USER"), read("CLICKREF_DASHBOARD_PASSWORD")};
}

bool is_loopback(std::string_view address) {
  const std::string text(address);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

access check_access(const dashboard_credentials& creds, std::string_view authorization,
                    std::string_view peer_address) {
  if (!creds.configured()) return is_loopback(peer_address) ? access::granted : access::forbidden;
  if (creds.token && starts_with_ci(authorization, "bearer ")) {
    return same_secret(authorization.substr(7), *creds.token) ? access::granted : access::unauthorized;
  }
  if (creds.user && creds.password && starts_with_ci(authorization, "basic ")) {
    const auto decoded = base64_decode(authorization.substr(6));
    if (!decoded) return access::unauthorized;
    const size_t colon = decoded->find(':');
    if (colon == std::string::npos) return access::unauthorized;
    // Both halves are always compared, so a right user with a wrong password takes as long as a wrong user.
    const bool user_ok = same_secret(std::string_view(*decoded).substr(0, colon), *creds.user);
    const bool password_ok = same_secret(std::string_view(*decoded).substr(colon + 1), *creds.password);
    return user_ok && password_ok ? access::granted : access::unauthorized;
  }
  return access::unauthorized;
}

}  // namespace server
