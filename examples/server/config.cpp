#include "config.hpp"

#include "renewal_policy.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string_view>

namespace server {
namespace {

constexpr const char* kSecretVariable = "STRIPE_WEBHOOK_SECRET";

using setter = std::function<std::string(config&, const std::string&)>;  // returns an error, or ""

struct option {
  const char* flag;  // without the leading "--"
  const char* env;
  bool repeatable;  // flag given several times, or the variable comma-separated
  const char* help;
  setter set;
};

template <class Int>
std::string parse_number(const std::string& text, Int min, Int max, Int& out) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return "expects an integer from " + std::to_string(min) + " to " + std::to_string(max);
  }
  out = value;
  return "";
}

std::string set_listen(config& c, const std::string& value) {
  const size_t colon = value.rfind(':');
  if (colon == std::string::npos) return "expects HOST:PORT";
  std::string host = value.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return "expects HOST:PORT";
  if (auto error = parse_number(value.substr(colon + 1), 0, 65535, c.listen_port); !error.empty())
    return error;
  c.listen_host = host;
  return "";
}

std::string set_payment_host(config& c, const std::string& value) {
  if (std::string error = payment_host_error(value); !error.empty()) return error;
  c.payment_hosts.push_back(value);
  return "";
}

std::string set_postback_base(config& c, const std::string& value) {
  if (std::string error = postback_base_error(value); !error.empty()) return error;
  c.postback_base = value;
  return "";
}

std::string set_postback_param(config& c, const std::string& value) {
  if (std::string error = postback_param_error(value); !error.empty()) return error;
  c.postback_params.push_back(value);
  return "";
}

std::string set_promotion_click(config& c, const std::string& value) {
  if (std::string error = promotion_click_error(value); !error.empty()) return error;
  c.promotion_clicks.push_back(value);
  return "";
}

std::string set_renewals(config& c, const std::string& value) {
  if (!renewal_policy::parse(value)) return "must be first, lifetime or months:N (1-1200)";
  c.renewals = value;
  return "";
}

std::string add_secret(config& c, const std::string& value) {
  if (value.empty()) return "holds an empty secret";
  c.secrets.push_back(value);
  return "";
}

const std::vector<option>& options() {
  static const std::vector<option> table = {
      {"listen", "CLICKREF_LISTEN", false,
       "HOST:PORT to listen on (default 127.0.0.1:8080; port 0: any free port)", set_listen},
      {"db", "CLICKREF_DB", false, "SQLite file (default clickref.db; :memory: keeps nothing) or postgresql:// URI",
       [](config& c, const std::string& v) {
         c.db_path = v;
         return std::string();
       }},
      {"payment-host", "CLICKREF_PAYMENT_HOSTS", true,
       "a Stripe custom domain for payment links, besides buy.stripe.com (repeatable)", set_payment_host},
      {"postback-base", "CLICKREF_POSTBACK_BASE", false,
       "forward approved attributed conversions as Tracknow postbacks to this URL", set_postback_base},
      {"postback-param", "CLICKREF_POSTBACK_PARAMS", true,
       "KEY=VALUE added to every postback, e.g. campaign_id=7 (repeatable)", set_postback_param},
      {"promotion-click", "CLICKREF_PROMOTION_CLICKS", true,
       "CODE=CLICK_ID: credit purchases without a click id that redeemed promotion code or coupon CODE "
       "(repeatable)",
       set_promotion_click},
      {"renewals", "CLICKREF_RENEWALS", false,
       "which renewals a subscription's click is credited with: first (none), months:N (those paid within N "
       "months of the first payment) or lifetime (default)",
       set_renewals},
      {"workers", "CLICKREF_WORKERS", false,
       "threads running requests once they have arrived whole (default 64)",
       [](config& c, const std::string& v) { return parse_number(v, 1, 1024, c.workers); }},
      {"max-connections", "CLICKREF_MAX_CONNECTIONS", false,
       "open client connections at most; more are answered 503 and closed (default 1024)",
       [](config& c, const std::string& v) { return parse_number(v, 1, 1000000, c.max_connections); }},
      {"db-connections", "CLICKREF_DB_CONNECTIONS", false,
       "database connections, the transactions at once (default 16; PostgreSQL: mind max_connections)",
       [](config& c, const std::string& v) { return parse_number(v, 1, 256, c.db_connections); }},
      {"tolerance", "CLICKREF_TOLERANCE", false,
       "maximum age of a webhook signature in seconds (default 300; 0: no limit)",
       [](config& c, const std::string& v) {
         return parse_number<int64_t>(v, 0, int64_t{86400} * 365, c.tolerance_s);
       }},
      {"postback-retry-ms", "CLICKREF_POSTBACK_RETRY_MS", false,
       "delay before the first postback retry, doubled after each failure (default 1000)",
       [](config& c, const std::string& v) {
         return parse_number<int64_t>(v, 1, int64_t{3600} * 1000, c.postback_retry_ms);
       }},
      {"postback-max-attempts", "CLICKREF_POSTBACK_MAX_ATTEMPTS", false,
       "attempts before a postback is given up (default 10)",
       [](config& c, const std::string& v) { return parse_number(v, 1, 100, c.postback_max_attempts); }},
      {"tenants", "CLICKREF_TENANTS", false,
       "TOML file of tenants (secrets, hosts, postbacks per merchant; see tenants.example.toml); "
       "reloaded on SIGHUP",
       [](config& c, const std::string& v) {
         c.tenants_path = v;
         return std::string();
       }},
  };
  return table;
}

const option* find_option(std::string_view flag) {
  for (const option& o : options()) {
    if (flag == o.flag) return &o;
  }
  return nullptr;
}

// "a, b,c" → {"a", "b", "c"}: spaces around the commas are forgiven.
std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    std::string part = text.substr(start, comma - start);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    parts.push_back(std::move(part));
    start = comma + 1;
  }
  return parts;
}

}  // namespace

std::string payment_host_error(const std::string& value) {
  if (value.empty() || value.find_first_of("/:@?# ") != std::string::npos) return "expects a host name";
  return "";
}

std::string postback_base_error(const std::string& value) {
  if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0) return "expects an http(s) URL";
  return "";
}

std::string postback_param_error(const std::string& value) {
  const size_t eq = value.find('=');
  if (eq == 0 || eq == std::string::npos || value.find_first_of("&# ") != std::string::npos) {
    return "expects KEY=VALUE (URL-encoded, without & or #)";
  }
  return "";
}

std::string promotion_click_error(const std::string& value) {
  const size_t eq = value.find('=');
  if (eq == 0 || eq == std::string::npos) return "expects CODE=CLICK_ID";
  const std::string click = value.substr(eq + 1);
  if (!clickref_click_id_valid(click.data(), click.size())) {
    return "expects CODE=CLICK_ID with a click id Stripe keeps ([A-Za-z0-9_-]{1,200})";
  }
  return "";
}

config_result parse_config(int argc, const char* const* argv,
                           const std::function<const char*(const char*)>& getenv) {
  config_result result;
  std::map<const option*, std::vector<std::string>> given;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      result.help = true;
      return result;
    }
    if (arg.substr(0, 2) != "--") {
      result.error = "unexpected argument '" + std::string(arg) + "'";
      return result;
    }
    arg.remove_prefix(2);
    std::string value;
    const size_t eq = arg.find('=');
    const option* o = find_option(arg.substr(0, eq));
    if (!o) {
      result.error = "unknown option --" + std::string(arg.substr(0, eq));
      return result;
    }
    if (eq != std::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      result.error = "--" + std::string(o->flag) + " needs a value";
      return result;
    }
    auto& values = given[o];
    if (!o->repeatable && !values.empty()) {
      result.error = "--" + std::string(o->flag) + " given twice";
      return result;
    }
    values.push_back(std::move(value));
  }

  config c;
  for (const option& o : options()) {
    std::vector<std::string> values = given[&o];
    std::string source = "--" + std::string(o.flag);
    if (values.empty()) {
      const char* env = getenv(o.env);
      if (!env || !*env) continue;
      values = o.repeatable ? split_commas(env) : std::vector<std::string>{env};
      source = o.env;
    }
    for (const std::string& v : values) {
      if (std::string error = o.set(c, v); !error.empty()) {
        result.error = source.append(" ").append(error);
        return result;
      }
    }
  }
  const char* secrets = getenv(kSecretVariable);
  if (!c.tenants_path.empty()) {
    // Each tenant has its own secrets; a global one would be ambiguous.
    if (secrets && *secrets) {
      result.error = std::string(kSecretVariable) + " is set but --tenants gives each tenant its secrets";
      return result;
    }
    if (!c.postback_base.empty() || !c.postback_params.empty() || !c.promotion_clicks.empty() ||
        c.renewals != "lifetime") {
      result.error =
          "--postback-base, --postback-param, --promotion-click and --renewals are set per tenant in the "
          "--tenants file";
      return result;
    }
    result.cfg = std::move(c);
    return result;
  }
  if (!secrets || !*secrets) {
    result.error = std::string(kSecretVariable) +
                   " is not set (the endpoint's whsec_… secret; comma-separated during rotation)";
    return result;
  }
  for (const std::string& s : split_commas(secrets)) {
    if (std::string error = add_secret(c, s); !error.empty()) {
      result.error = std::string(kSecretVariable) + " " + error;
      return result;
    }
  }
  result.cfg = std::move(c);
  return result;
}

std::string usage() {
  std::string text =
      "usage: clickref-server [options]\n"
      "\n"
      "The reference receiver of clickref: landing and pricing pages that carry the\n"
      "affiliate click id to Stripe, the Stripe webhook endpoint POST /stripe/postback,\n"
      "and the conversions it recorded (GET /conversions, /dashboard).\n"
      "\n"
      "environment:\n"
      "  STRIPE_WEBHOOK_SECRET  the endpoint secret (whsec_…), required without --tenants;\n"
      "                         comma-separated while rotating secrets\n"
      "  CLICKREF_DASHBOARD_TOKEN, or CLICKREF_DASHBOARD_USER and CLICKREF_DASHBOARD_PASSWORD\n"
      "                         credentials for /dashboard and /conversions (bearer or basic);\n"
      "                         without them those routes answer loopback peers only\n"
      "\n"
      "options (each also read from the environment variable shown):\n";
  for (const option& o : options()) {
    text += "  --" + std::string(o.flag) + (o.repeatable ? " VALUE…" : " VALUE") + "\n      " + o.help +
            "  [" + o.env + "]\n";
  }
  return text;
}

}  // namespace server
