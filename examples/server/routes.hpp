// The receiver's HTTP interface, on an httplib::Server:
//   GET  /, /pricing        the merchant's pages (click id → cookie, links)
//   POST /stripe/postback   Stripe webhook deliveries (the tenant by Host)
//   POST /stripe/postback/<tenant>   the same for a named tenant
//   GET  /conversions       the recorded conversions as JSON, or CSV with
//                           ?format=csv or /conversions.csv
//   GET  /dashboard         totals, a chart per day and the table as HTML
// The last three take ?status= &from= &until= (YYYY-MM-DD, UTC) &tenant=
// &limit= &offset=, and need credentials (auth.hpp).
//   GET  /healthz           200 when the database answers
// plus structured access logs, JSON error bodies and the body size limit.
#pragma once

#include "auth.hpp"
#include "site.hpp"
#include "store.hpp"
#include "tenants.hpp"

#include <cstddef>

namespace httplib {
class Server;
}

namespace server {

// Stripe sends events of a few KiB; a megabyte leaves ample room.
constexpr size_t kMaxBodyBytes = size_t{1024} * 1024;

struct app {
  const site& pages;  // for Hosts that are no tenant's
  store& db;
  const tenant_registry& tenants;
  const dashboard_credentials& credentials;
};

// Registers the routes and hooks; `a` must outlive `http`.
void add_routes(httplib::Server& http, const app& a);

}  // namespace server
