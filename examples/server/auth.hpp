// Who may read /dashboard and /conversions: a bearer token or basic-auth
// user and password from the environment, or, when neither is configured,
// loopback peers only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace server {

struct dashboard_credentials {
  std::optional<std::string> token;     // CLICKREF_DASHBOARD_TOKEN
  std::optional<std::string> user;      // CLICKREF_DASHBOARD_USER
  std::optional<std::string> password;  // CLICKREF_DASHBOARD_PASSWORD
  bool configured() const { return token || (user && password); }
};

dashboard_credentials credentials_from_env(const std::function<const char*(const char*)>& getenv);

enum class access { granted, unauthorized /* 401 */, forbidden /* 403 */ };

// Judges one request: its Authorization header and the peer's address.
// Secrets are compared by their SHA-256 digests with CRYPTO_memcmp, so the
// time taken says nothing about how much of a guess was right.
access check_access(const dashboard_credentials& creds, std::string_view authorization,
                    std::string_view peer_address);

// 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104.
bool is_loopback(std::string_view address);

}  // namespace server
