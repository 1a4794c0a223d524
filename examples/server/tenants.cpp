#include "tenants.hpp"

#include "log.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace server {
namespace {

// A secret file holds one whsec_… value; anything much larger is a mistake.
constexpr std::streamsize kMaxSecretFileBytes = 4096;

// What one tenant's settings say, before anything is built from them.
struct tenant_settings {
  std::string name;
  std::vector<std::string> hosts;
  std::vector<std::string> secrets;
  std::vector<std::string> payment_hosts;
  std::string postback_base;
  std::vector<std::string> postback_params;
  std::vector<std::string> promotion_clicks;  // "CODE=CLICK_ID"
  renewal_policy renewals;
};

// "CODE=CLICK_ID" entries (checked by promotion_click_error) as a map; a
// code given twice keeps its first click id.
promotion_clicks promotion_click_map(const std::vector<std::string>& entries) {
  promotion_clicks map;
  for (const std::string& entry : entries) {
    const size_t eq = entry.find('=');
    map.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return map;
}

// Builds a tenant, or returns why not (never quoting a secret).
std::unique_ptr<const tenant> build_tenant(const tenant_settings& s, const tenant_context& ctx,
                                           std::string& error) {
  std::vector<std::string_view> secrets(s.secrets.begin(), s.secrets.end());
  clickref::verify_options verify;
  verify.tolerance_s = ctx.tolerance_s;
  auto verifier = clickref::verifier::create(secrets.data(), secrets.size(), verify);
  if (!verifier) {
    error = "bad endpoint secret: " + std::string(clickref::status_name(verifier.error()));
    return nullptr;
  }
  std::optional<postback_target> forward;
  if (!s.postback_base.empty()) {
    forward.emplace(s.postback_base, s.postback_params);
    if (const clickref_status st = forward->check(); st != CLICKREF_OK) {
      error = "bad postback base or parameter: " + std::string(clickref::status_name(st));
      return nullptr;
    }
  }
  return std::unique_ptr<const tenant>(new tenant{
      s.name, s.hosts, s.secrets.size(), site(s.payment_hosts),
      webhook_receiver(std::move(*verifier), ctx.db, std::move(forward), ctx.postback_queued, s.name,
                       promotion_click_map(s.promotion_clicks), s.renewals)});
}

// A tenant name is a path segment (/stripe/postback/<name>) and a filter
// value: lower-case letters, digits, '-' and '_', starting alphanumeric.
bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!std::isalnum(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::string position(const toml::source_region& where) {
  return "line " + std::to_string(where.begin.line) + ", column " + std::to_string(where.begin.column);
}

// Thrown while reading the file: a message and where it applies.
struct file_error {
  std::string message;
};

[[noreturn]] void fail(const toml::node& at, const std::string& message) {
  throw file_error{position(at.source()) + ": " + message};
}

std::vector<std::string> string_array(const toml::node& node, std::string_view key) {
  const toml::array* array = node.as_array();
  if (!array) fail(node, std::string(key) + " must be an array of strings");
  std::vector<std::string> out;
  for (const toml::node& item : *array) {
    const auto text = item.value<std::string>();
    if (!text) fail(item, std::string(key) + " must hold strings only");
    out.push_back(*text);
  }
  return out;
}

std::string read_secret_file(const toml::node& at, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(at, "cannot read secret file " + path);
  std::string text(static_cast<size_t>(kMaxSecretFileBytes) + 1, '\0');
  in.read(text.data(), kMaxSecretFileBytes + 1);
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > static_cast<size_t>(kMaxSecretFileBytes)) fail(at, "secret file " + path + " is too large");
  text.erase(text.find_last_not_of(" \t\r\n") + 1);  // the newline editors add
  return text;
}

tenant_settings read_tenant(const std::string& name, const toml::table& table, const tenant_context& ctx) {
  tenant_settings s;
  s.name = name;
  for (const auto& [key, value] : table) {
    const std::string_view k = key.str();
    if (k == "hosts") {
      for (const std::string& h : string_array(value, k)) s.hosts.push_back(normalize_host(h));
    } else if (k == "secrets") {
      for (const std::string& secret : string_array(value, k)) s.secrets.push_back(secret);
    } else if (k == "secret_files") {
      for (const std::string& path : string_array(value, k)) s.secrets.push_back(read_secret_file(value, path));
    } else if (k == "secret_env") {
      for (const std::string& variable : string_array(value, k)) {
        const char* secret = ctx.getenv(variable.c_str());
        if (!secret || !*secret) fail(value, "environment variable " + variable + " is not set");
        s.secrets.emplace_back(secret);
      }
    } else if (k == "payment_hosts") {
      s.payment_hosts = string_array(value, k);
      for (const std::string& h : s.payment_hosts) {
        if (std::string error = payment_host_error(h); !error.empty()) fail(value, "payment_hosts " + error);
      }
    } else if (k == "postback_base") {
      const auto base = value.value<std::string>();
      if (!base) fail(value, "postback_base must be a string");
      if (std::string error = postback_base_error(*base); !error.empty()) fail(value, "postback_base " + error);
      s.postback_base = *base;
    } else if (k == "postback_params") {
      s.postback_params = string_array(value, k);
      for (const std::string& p : s.postback_params) {
        if (std::string error = postback_param_error(p); !error.empty()) fail(value, "postback_params " + error);
      }
    } else if (k == "promotion_clicks") {
      s.promotion_clicks = string_array(value, k);
      for (const std::string& p : s.promotion_clicks) {
        if (std::string error = promotion_click_error(p); !error.empty()) fail(value, "promotion_clicks " + error);
      }
    } else if (k == "renewals") {
      const auto text = value.value<std::string>();
      const auto policy = text ? renewal_policy::parse(*text) : std::nullopt;
      if (!policy) fail(value, "renewals must be \"first\", \"lifetime\" or \"months:N\" (1-1200)");
      s.renewals = *policy;
    } else {
      fail(value, "unknown key " + std::string(k) +
                      " (expected hosts, secrets, secret_files, secret_env, payment_hosts, postback_base, "
                      "postback_params, promotion_clicks, renewals)");
    }
  }
  for (const std::string& secret : s.secrets) {
    if (secret.empty()) fail(table, "an endpoint secret is empty");
  }
  if (s.secrets.empty()) fail(table, "no endpoint secret (secrets, secret_files or secret_env)");
  if (!s.postback_params.empty() && s.postback_base.empty()) fail(table, "postback_params without postback_base");
  return s;
}

std::vector<tenant_settings> read_file(const std::string& path, const tenant_context& ctx) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw file_error{position(e.source()) + ": " + std::string(e.description())};
  }
  std::vector<tenant_settings> out;
  for (const auto& [key, value] : root) {
    if (key.str() != "tenants") fail(value, "unknown top-level key " + std::string(key.str()) + " (expected [tenants.NAME])");
    const toml::table* tenants = value.as_table();
    if (!tenants) fail(value, "tenants must be a table of [tenants.NAME] tables");
    for (const auto& [name, settings] : *tenants) {
      const std::string n(name.str());
      if (!valid_name(n)) fail(settings, "tenant name '" + n + "' must be 1-63 of a-z 0-9 - _, starting alphanumeric");
      const toml::table* table = settings.as_table();
      if (!table) fail(settings, "tenants." + n + " must be a table");
      try {
        out.push_back(read_tenant(n, *table, ctx));
      } catch (const file_error& e) {
        throw file_error{"tenant " + n + ": " + e.message};
      }
    }
  }
  if (out.empty()) throw file_error{"no tenants (add a [tenants.NAME] table)"};
  std::set<std::string> hosts;
  for (const tenant_settings& t : out) {
    for (const std::string& h : t.hosts) {
      if (!hosts.insert(h).second) throw file_error{"tenant " + t.name + ": host " + h + " belongs to two tenants"};
    }
  }
  return out;
}

}  // namespace

std::string normalize_host(std::string_view host_header) {
  std::string host(host_header);
  const size_t bracket = host.rfind(']');
  const size_t colon = host.rfind(':');
  // A port follows the last colon, unless that colon is inside an IPv6 literal.
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) host.resize(colon);
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host;
}

tenant_set::tenant_set(bool from_file, std::vector<std::unique_ptr<const tenant>> tenants)
    : from_file_(from_file), tenants_(std::move(tenants)) {}

const tenant* tenant_set::for_host(std::string_view host_header) const {
  if (!from_file_) return tenants_.front().get();
  const std::string host = normalize_host(host_header);
  for (const auto& t : tenants_) {
    if (std::find(t->hosts.begin(), t->hosts.end(), host) != t->hosts.end()) return t.get();
  }
  return nullptr;
}

const tenant* tenant_set::named(std::string_view name) const {
  for (const auto& t : tenants_) {
    if (t->name == name) return t.get();
  }
  return nullptr;
}

tenants_result single_tenant(const config& cfg, const tenant_context& ctx) {
  tenant_settings s;
  s.secrets = cfg.secrets;
  s.payment_hosts = cfg.payment_hosts;
  s.postback_base = cfg.postback_base;
  s.postback_params = cfg.postback_params;
  s.promotion_clicks = cfg.promotion_clicks;
  s.renewals = *renewal_policy::parse(cfg.renewals);  // checked when the configuration was read
  tenants_result result;
  std::vector<std::unique_ptr<const tenant>> tenants;
  tenants.push_back(build_tenant(s, ctx, result.error));
  if (tenants.back()) result.set = std::make_shared<const tenant_set>(false, std::move(tenants));
  return result;
}

tenants_result load_tenants(const std::string& path, const tenant_context& ctx) {
  tenants_result result;
  std::vector<tenant_settings> settings;
  try {
    settings = read_file(path, ctx);
  } catch (const file_error& e) {
    result.error = path + ": " + e.message;
    return result;
  }
  std::vector<std::unique_ptr<const tenant>> tenants;
  for (const tenant_settings& s : settings) {
    std::string error;
    tenants.push_back(build_tenant(s, ctx, error));
    if (!tenants.back()) {
      result.error = path + ": tenant " + s.name + ": " + error;
      return result;
    }
  }
  result.set = std::make_shared<const tenant_set>(true, std::move(tenants));
  return result;
}

tenant_registry::tenant_registry(std::shared_ptr<const tenant_set> initial) : current_(std::move(initial)) {}

std::shared_ptr<const tenant_set> tenant_registry::current() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

bool tenant_registry::reload(const std::string& path, const tenant_context& ctx) {
  tenants_result loaded = load_tenants(path, ctx);
  if (!loaded.set) {
    auto line = log::line("error", "tenants reload failed; keeping the previous tenants");
    line.str("error", loaded.error);
    log::emit(line);
    return false;
  }
  const auto count = static_cast<int64_t>(loaded.set->all().size());
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    current_.swap(loaded.set);
  }
  // The old set is released here, or by the last request still using it.
  loaded.set.reset();
  auto line = log::line("info", "tenants reloaded");
  line.str("file", path).num("tenants", count);
  log::emit(line);
  return true;
}

}  // namespace server
