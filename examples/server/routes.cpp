#include "routes.hpp"

#include "access_log.hpp"
#include "browser_snippet.hpp"
#include "clickref_calls.hpp"
#include "json.hpp"
#include "listing.hpp"
#include "log.hpp"


#include <algorithm>
#include <charconv>
#include <ctime>
#include <time.h>

namespace server {
namespace {

constexpr const char* kJson = "application/json";
constexpr int64_t kDefaultListLimit = 500;
constexpr int64_t kMaxListLimit = 10000;
constexpr int64_t kMaxListOffset = 1000000;  // deeper pages: narrow the dates instead

void reply_json(http_response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, kJson);
}

void reply_error(http_response& res, int status, std::string_view error, std::string_view message) {
  reply_json(res, status, json_object().str("error", error).str("message", message).take());
}

// The click id of the request: a valid one in the query (the visitor just
// arrived from an affiliate link; it replaces an older cookie), else a valid
// one in the tn_click_id cookie, else none.
struct visitor_click {
  std::string id;
  bool from_query = false;
};

visitor_click click_of(const http_request& req) {
  const auto from_url = output_string([&](char* out, size_t cap, size_t* len) {
    return clickref_click_id_from_url(req.target.data(), req.target.size(), nullptr, 0, out, cap, len);
  });
  if (from_url) {
    if (clickref_click_id_valid(from_url->data(), from_url->size())) return {*from_url, true};
    access_log::note("click_id_rejected", clickref_status_name(CLICKREF_E_INVALID_CLICK_ID));
  } else if (from_url.error() != CLICKREF_E_NOT_FOUND) {
    access_log::note("click_id_rejected", clickref_status_name(from_url.error()));
  }
  // HTTP/1.1 sends one Cookie header, but a proxy may have split it.
  std::string cookies;
  for (const std::string_view value : req.headers_named("Cookie")) {
    if (!cookies.empty()) cookies += "; ";
    cookies += value;
  }
  const auto from_cookie = output_string([&](char* out, size_t cap, size_t* len) {
    return clickref_click_id_from_cookies(cookies.data(), cookies.size(), nullptr, 0, out, cap, len);
  });
  if (from_cookie && clickref_click_id_valid(from_cookie->data(), from_cookie->size()))
    return {*from_cookie, false};
  return {};
}

void serve_page(const app& a, page p, const http_request& req, http_response& res) {
  visitor_click click = click_of(req);
  if (click.from_query) {
    const auto cookie = output_string([&](char* out, size_t cap, size_t* len) {
      return clickref_click_cookie(click.id.data(), click.id.size(), nullptr,
                                   static_cast<int64_t>(std::time(nullptr)), out, cap, len);
    });
    if (cookie) res.set_header("Set-Cookie", *cookie);
  }
  if (!click.id.empty()) {
    access_log::note("click_id", click.id);
    access_log::note("click_id_from", click.from_query ? "query" : "cookie");
  }
  // The page differs per visitor: no shared cache may keep it.
  res.set_header("Cache-Control", "private, no-store");
  res.set_header("Vary", "Cookie");
  // The tenant set is held while the page is rendered: a reload cannot free its site.
  auto tenants = a.tenants.current();
  const tenant* t = tenants->for_host(req.header("Host"));
  const site& pages = t ? t->pages : a.pages;
  // The page is rewritten whole before it is sent: the worker is busy
  // for the rewrite either way, and a response of known length keeps the
  // connection reusable.
  std::string html;
  const clickref_status s = pages.render(p, click.id, [&html](std::string_view bytes) { html += bytes; });
  if (s != CLICKREF_OK) {
    auto line = log::line("error", "page rewrite failed");
    line.str("status", clickref_status_name(s));
    log::emit(line);
    reply_error(res, 500, "internal", "the page could not be rendered");
    return;
  }
  res.set_content(std::move(html), "text/html; charset=utf-8");
}

// Writes the request's log line and sends the response.
void finish(const http_request& req, http_response res, const http_respond& respond) {
  access_log::write(req, res);
  respond(std::move(res));
}

// `tenant_name`: from /stripe/postback/<tenant>; nullopt: the tenant by Host.
// Answered once the delivery is durable, perhaps on the database's writer
// thread, so no worker waits for the commit.
void serve_webhook(const app& a, const std::optional<std::string_view>& tenant_name, const http_request& req,
                   http_respond respond) {
  auto tenants = a.tenants.current();
  const tenant* t = tenant_name ? (tenants->from_file() ? tenants->named(std::string(*tenant_name)) : nullptr)
                                : tenants->for_host(req.header("Host"));
  if (!t) {
    access_log::note("outcome", "unknown_tenant");
    http_response res;
    reply_error(res, 404, "unknown_tenant", "no tenant is served at this host or path");
    finish(req, std::move(res), respond);
    return;
  }
  if (tenants->from_file()) access_log::note("tenant", t->name);
  // The tenant set rides along until the reply: its receiver must outlive the record.
  t->webhooks.receive(req.body, req.header("Stripe-Signature"),
                      [tenants, &req, respond = std::move(respond), line = access_log::detach()](
                          webhook_reply reply) mutable {
                        access_log::resume(std::move(line));
                        if (!reply.event_id.empty()) access_log::note("event_id", reply.event_id);
                        access_log::note("outcome", reply.outcome);
                        if (!reply.detail.empty()) access_log::note("detail", reply.detail);
                        http_response res;
                        reply_json(res, reply.http_status, reply.body);
                        finish(req, std::move(res), respond);
                      });
}

// ?name=N, an integer from min to max; nullopt when absent.
std::optional<int64_t> int_param(const http_request& req, const char* name, int64_t min, int64_t max,
                                 bool& bad) {
  const std::optional<std::string> param = req.param(name);
  if (!param) return std::nullopt;
  const std::string& text = *param;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) bad = true;
  return value;
}

// ?from=YYYY-MM-DD → that day's first second, UTC.
std::optional<int64_t> day_param(const http_request& req, const char* name, bool& bad) {
  const std::optional<std::string> param = req.param(name);
  if (!param) return std::nullopt;
  const std::string& text = *param;
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%d", &tm);
  if (text.size() != 10 || !end || *end != '\0') {
    bad = true;
    return std::nullopt;
  }
  return static_cast<int64_t>(timegm(&tm));
}

struct listing_request {
  conversion_filter filter;
  std::string code = "bad_filter";
  std::string error;  // a 400's message
};

listing_request parse_listing(const http_request& req) {
  listing_request out;
  conversion_filter& f = out.filter;
  bool bad = false;
  f.limit = int_param(req, "limit", 1, kMaxListLimit, bad).value_or(kDefaultListLimit);
  if (bad) {
    out.code = "bad_limit";
    out.error = "limit must be an integer from 1 to " + std::to_string(kMaxListLimit);
    return out;
  }
  f.offset = int_param(req, "offset", 0, kMaxListOffset, bad).value_or(0);
  if (bad) {
    out.error = "offset must be an integer from 0 to " + std::to_string(kMaxListOffset);
    return out;
  }
  f.from_s = day_param(req, "from", bad);
  f.until_s = day_param(req, "until", bad);
  if (bad) {
    out.error = "from and until must be dates as YYYY-MM-DD";
    return out;
  }
  if (f.until_s) *f.until_s += 86400;  // until is inclusive
  if (const std::optional<std::string> status = req.param("status")) {
    if (!status_from_label(*status)) {
      out.error = "status must be pending, declined, approved or reversed";
      return out;
    }
    f.status = *status;
  }
  f.tenant = req.param("tenant");
  return out;
}

// The query string that reproduces the request's filter and page size, not
// its offset (for the CSV link and the page links).
std::string filter_query(const http_request& req) {
  std::string q;
  for (const char* name : {"status", "from", "until", "tenant", "limit"}) {
    const std::optional<std::string> value = req.param(name);
    if (!value) continue;
    if (!q.empty()) q += '&';
    q += std::string(name) + "=" + encode_query_value(*value);
  }
  return q;
}

bool authorized(const app& a, const http_request& req, http_response& res) {
  switch (check_access(a.credentials, req.header("Authorization"), req.peer)) {
    case access::granted:
      return true;
    case access::unauthorized:
      res.set_header("WWW-Authenticate",
                     a.credentials.token ? "Bearer realm=\"clickref\"" : "Basic realm=\"clickref\", charset=\"UTF-8\"");
      reply_error(res, 401, "unauthorized", "this page needs the dashboard credentials");
      return false;
    case access::forbidden:
      reply_error(res, 403, "forbidden", "no dashboard credentials are configured: loopback peers only");
      return false;
  }
  return false;
}

enum class listing_format { json, csv, html };

void serve_listing(const app& a, listing_format format, const http_request& req, http_response& res) {
  if (!authorized(a, req, res)) return;
  listing_request parsed = parse_listing(req);
  if (!parsed.error.empty()) {
    reply_error(res, 400, parsed.code, parsed.error);
    return;
  }
  const auto tenants = a.tenants.current();
  // A tenant's own host shows that tenant only.
  if (const tenant* host_tenant = tenants->from_file() ? tenants->for_host(req.header("Host")) : nullptr) {
    if (parsed.filter.tenant && *parsed.filter.tenant != host_tenant->name) {
      reply_error(res, 404, "unknown_tenant", "this host serves one tenant only");
      return;
    }
    parsed.filter.tenant = host_tenant->name;
  } else if (parsed.filter.tenant && !tenants->named(*parsed.filter.tenant)) {
    reply_error(res, 404, "unknown_tenant", "no such tenant");
    return;
  }
  if (format == listing_format::json && req.param("format") == "csv") format = listing_format::csv;
  const auto items = a.db.conversions(parsed.filter);
  switch (format) {
    case listing_format::json:
      res.set_content(conversions_json(items), kJson);
      break;
    case listing_format::csv:
      res.set_content(conversions_csv(items), "text/csv; charset=utf-8; header=present");
      res.set_header("Content-Disposition", "attachment; filename=\"conversions.csv\"");
      break;
    case listing_format::html:
      res.set_content(dashboard_html(a.db.summary(parsed.filter), items, parsed.filter, filter_query(req)),
                      "text/html; charset=utf-8");
      break;
  }
  res.set_header("Cache-Control", "no-store");
}

void serve_health(store& db, http_response& res) {
  try {
    db.ping();
    reply_json(res, 200, R"({"status":"ok"})");
  } catch (const storage_error& e) {
    access_log::note("error", e.what());
    reply_json(res, 503, R"({"status":"unavailable"})");
  }
}

void serve_snippet(http_response& res) {
  // The pages load it on every visit: an hour in the browser's cache, and
  // a deploy reaches every visitor within that hour.
  res.set_header("Cache-Control", "public, max-age=3600");
  res.set_content(std::string(browser_snippet()), "text/javascript; charset=utf-8");
}

// "/stripe/postback" → "" (the tenant by Host); "/stripe/postback/<tenant>"
// → the tenant's name, one path segment; anything else → nullopt.
std::optional<std::string_view> webhook_path(std::string_view path) {
  constexpr std::string_view kWebhook = "/stripe/postback";
  if (path.substr(0, kWebhook.size()) != kWebhook) return std::nullopt;
  path.remove_prefix(kWebhook.size());
  if (path.empty()) return path;
  if (path.size() < 2 || path.front() != '/' || path.find('/', 1) != std::string_view::npos) return std::nullopt;
  return path.substr(1);
}

void refuse_method(http_response& res, const std::string& allow) {
  res.set_header("Allow", allow);
  reply_error(res, 405, "method_not_allowed", "this path accepts " + allow);
}

// Every GET (and HEAD) path and what serves it.
using get_route = void (*)(const app&, const http_request&, http_response&);
constexpr std::pair<std::string_view, get_route> kGetRoutes[] = {
    {"/", [](const app& a, const http_request& req, http_response& res) { serve_page(a, page::landing, req, res); }},
    {"/pricing",
     [](const app& a, const http_request& req, http_response& res) { serve_page(a, page::pricing, req, res); }},
    {"/conversions",
     [](const app& a, const http_request& req, http_response& res) {
       serve_listing(a, listing_format::json, req, res);
     }},
    {"/conversions.csv",
     [](const app& a, const http_request& req, http_response& res) {
       serve_listing(a, listing_format::csv, req, res);
     }},
    {"/dashboard",
     [](const app& a, const http_request& req, http_response& res) {
       serve_listing(a, listing_format::html, req, res);
     }},
    {"/healthz", [](const app& a, const http_request&, http_response& res) { serve_health(a.db, res); }},
    {"/clickref.js", [](const app&, const http_request&, http_response& res) { serve_snippet(res); }},
};

void route(const app& a, const http_request& req, http_response& res) {
  if (webhook_path(req.path)) {  // and not a POST, which handle() took
    refuse_method(res, "POST");
    return;
  }
  const auto* found = std::find_if(std::begin(kGetRoutes), std::end(kGetRoutes),
                                   [&](const auto& r) { return r.first == req.path; });
  if (found == std::end(kGetRoutes)) {
    reply_error(res, 404, "not_found", "no such path");
  } else if (req.method != "GET" && req.method != "HEAD") {
    refuse_method(res, "GET, HEAD");
  } else {
    found->second(a, req, res);
  }
}

}  // namespace

bool handles_without_blocking(const app& a, const http_request& req) {
  return a.db.records_without_waiting() && req.method == "POST" && webhook_path(req.path);
}

void handle(const app& a, const http_request& req, http_respond respond) {
  access_log::begin();
  if (const std::optional<std::string_view> tenant_name = webhook_path(req.path); tenant_name && req.method == "POST") {
    serve_webhook(a, tenant_name->empty() ? std::nullopt : tenant_name, req, std::move(respond));
    return;
  }
  http_response res;
  try {
    route(a, req, res);
  } catch (const std::exception& e) {
    res = http_response{};
    access_log::note("error", e.what());
    if (dynamic_cast<const storage_error*>(&e)) {
      // The dashboard's reads: the database is down, which a retry may outlive.
      reply_error(res, 503, "storage", "the database is unavailable; try again");
    } else {
      reply_error(res, 500, "internal", "the request failed; see the server log");
    }
  }
  finish(req, std::move(res), respond);
}

}  // namespace server
