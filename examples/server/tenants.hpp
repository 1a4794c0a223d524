// Tenants: the merchants one server receives webhooks for, each with its own
// endpoint secrets, Host names, payment-link hosts and postback target.
//
// Without --tenants there is one implicit tenant (name "") built from the
// flags and STRIPE_WEBHOOK_SECRET, and the server behaves as it always did.
// With --tenants FILE the tenants come from a TOML file (the format is
// documented in tenants.example.toml), reloaded on SIGHUP: the new set is
// built completely before it replaces the old one, requests in flight keep
// the set they started with, and a file that does not load leaves the old
// set in place.
#pragma once

#include "config.hpp"
#include "site.hpp"
#include "store.hpp"
#include "webhook.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace server {

struct tenant {
  std::string name;                // "" for the implicit tenant
  std::vector<std::string> hosts;  // lower-case Host header values, without port
  size_t secret_count = 0;
  site pages;
  webhook_receiver webhooks;
};

class tenant_set {
 public:
  tenant_set(bool from_file, std::vector<std::unique_ptr<const tenant>> tenants);

  // True when the tenants came from a --tenants file.
  bool from_file() const { return from_file_; }
  // The tenant serving a Host header value (any case, with or without a
  // port), or nullptr. Without a tenants file: always the implicit tenant.
  const tenant* for_host(std::string_view host_header) const;
  // The tenant of that exact name, or nullptr.
  const tenant* named(std::string_view name) const;
  const std::vector<std::unique_ptr<const tenant>>& all() const { return tenants_; }

 private:
  bool from_file_;
  std::vector<std::unique_ptr<const tenant>> tenants_;
};

// What building a tenant needs besides its own settings.
struct tenant_context {
  store& db;
  int64_t tolerance_s;
  std::function<const char*(const char*)> getenv;  // for secret_env
  std::function<void()> postback_queued;
};

struct tenants_result {
  std::shared_ptr<const tenant_set> set;  // null: see error
  std::string error;                      // never contains a secret
};

// The implicit tenant of the single-tenant mode, from the flags.
tenants_result single_tenant(const config& cfg, const tenant_context& ctx);

// Reads a tenants file. Errors name the file position (line:column) and the
// tenant, never a secret's value.
tenants_result load_tenants(const std::string& path, const tenant_context& ctx);

// The current tenant set, swapped whole on reload.
class tenant_registry {
 public:
  explicit tenant_registry(std::shared_ptr<const tenant_set> initial);
  // The set to serve one request with; it stays valid while held.
  std::shared_ptr<const tenant_set> current() const;
  // Loads `path` and, when it loads, makes it current. Logs the outcome
  // either way; returns whether the new set is in place.
  bool reload(const std::string& path, const tenant_context& ctx);

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const tenant_set> current_;
};

// "Acme.Example:8443" → "acme.example"; "[::1]:80" → "[::1]".
std::string normalize_host(std::string_view host_header);

}  // namespace server
