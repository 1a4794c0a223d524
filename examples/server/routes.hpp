// The receiver's HTTP interface, served by http_server.hpp:
//   GET  /, /pricing        the merchant's pages (click id → cookie, links)
//   POST /stripe/postback   Stripe webhook deliveries (the tenant by Host)
//   POST /stripe/postback/<tenant>   the same for a named tenant
//   GET  /conversions       the recorded conversions as JSON, or CSV with
//                           ?format=csv or /conversions.csv
//   GET  /dashboard         totals, a chart per day and the table as HTML
// The last three take ?status= &from= &until= (YYYY-MM-DD, UTC) &tenant=
// &limit= &offset=, and need credentials (auth.hpp).
//   GET  /healthz           200 when the database answers
// Every other path is a JSON 404, every other method a 405 with Allow; each
// request gets a structured access log line.
#pragma once

#include "auth.hpp"
#include "http_server.hpp"
#include "site.hpp"
#include "store.hpp"
#include "tenants.hpp"

namespace server {

struct app {
  const site& pages;  // for Hosts that are no tenant's
  store& db;
  const tenant_registry& tenants;
  const dashboard_credentials& credentials;
};

// Answers one request, on any worker thread, through `respond` (a webhook
// later, once durable); an exception from a route becomes a JSON 503 (the
// database) or 500.
void handle(const app& a, const http_request& req, http_respond respond);

// Whether handle() answers `req` without blocking: a webhook delivery, when
// the database records without waiting (SQLite's writer). Verifying and
// parsing it takes microseconds, so it may run on the I/O thread.
bool handles_without_blocking(const app& a, const http_request& req);

}  // namespace server
