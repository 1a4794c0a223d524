// The server's configuration: command-line flags, each with an environment
// variable that is read when the flag is not given.
#pragma once

#include <clickref/clickref.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace server {

struct config {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;  // 0: any free port (the log line "listening" names it)
  std::string db_path = "clickref.db";
  std::vector<std::string> secrets;          // Stripe endpoint secrets, several during rotation
  std::vector<std::string> payment_hosts;    // custom payment-link domains besides buy.stripe.com
  std::string postback_base;                 // empty: no forwarding
  std::vector<std::string> postback_params;  // "key=value", appended to every postback as given
  // "CODE=CLICK_ID": a purchase without a click id of its own that redeemed
  // promotion code (promo_…) or coupon CODE is credited to CLICK_ID.
  std::vector<std::string> promotion_clicks;
  // Which renewals a subscription's click is credited with (renewal_policy.hpp).
  std::string renewals = "lifetime";
  // Threads running requests that have arrived whole; a request that waits
  // on the database holds one, so about the deliveries expected at once.
  int workers = 64;
  // Open client connections; each holds a descriptor and up to the head and
  // body limits in buffers, never a worker while it is idle or sending.
  int max_connections = 1024;
  // Database connections: at most this many transactions at once (SQLite's
  // writes go through one writer whatever the number). Each counts against
  // PostgreSQL's max_connections (100 by default), once per instance.
  int db_connections = 16;
  int64_t tolerance_s = CLICKREF_DEFAULT_TOLERANCE;
  int64_t postback_retry_ms = 1000;  // first retry delay; doubles per failed attempt
  int postback_max_attempts = 10;
  std::string tenants_path;  // --tenants FILE; empty: one implicit tenant from the flags above
};

struct config_result {
  std::optional<config> cfg;  // nullopt: see error, or help was asked for
  std::string error;
  bool help = false;
};

// Parses `--name value` / `--name=value` flags, then fills what they left
// unset from the environment (`getenv`, injectable for tests). Endpoint
// secrets come only from STRIPE_WEBHOOK_SECRET: a command line is visible to
// every user of the machine.
config_result parse_config(int argc, const char* const* argv,
                           const std::function<const char*(const char*)>& getenv);

// The checks the flags and the tenants file share; each returns an error
// ("expects …") or "" when the value is good.
std::string payment_host_error(const std::string& value);
std::string postback_base_error(const std::string& value);
std::string postback_param_error(const std::string& value);
std::string promotion_click_error(const std::string& value);

// The --help text.
std::string usage();

}  // namespace server
