// The receiver's HTTP interface, on an httplib::Server:
//   GET  /, /pricing        the merchant's pages (click id → cookie, links)
//   POST /stripe/postback   Stripe webhook deliveries
//   GET  /conversions       the recorded conversions as JSON (?limit=N)
//   GET  /dashboard         the same as an HTML table
//   GET  /healthz           200 when the database answers
// plus structured access logs, JSON error bodies and the body size limit.
#pragma once

#include "site.hpp"
#include "store.hpp"
#include "webhook.hpp"

#include <cstddef>

namespace httplib {
class Server;
}

namespace server {

// Stripe sends events of a few KiB; a megabyte leaves ample room.
constexpr size_t kMaxBodyBytes = size_t{1024} * 1024;

struct app {
  const site& pages;
  store& db;
  const webhook_receiver& webhooks;
};

// Registers the routes and hooks; `a` must outlive `http`.
void add_routes(httplib::Server& http, const app& a);

}  // namespace server
