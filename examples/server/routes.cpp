#include "routes.hpp"

#include "access_log.hpp"
#include "browser_snippet.hpp"
#include "clickref_calls.hpp"
#include "json.hpp"
#include "listing.hpp"
#include "log.hpp"

#include <httplib.h>

#include <charconv>
#include <ctime>
#include <time.h>

namespace server {
namespace {

constexpr const char* kJson = "application/json";
constexpr int64_t kDefaultListLimit = 500;
constexpr int64_t kMaxListLimit = 10000;
constexpr int64_t kMaxListOffset = 1000000;  // deeper pages: narrow the dates instead
// A read or write that waits longer fails the request (a slow client gets
// 400, or is dropped); a kept-alive connection idle longer is closed; after
// this many requests a connection is closed, so that waiting connections get a
// worker in turn.
constexpr time_t kReadTimeoutS = 5;
constexpr time_t kWriteTimeoutS = 5;
constexpr time_t kIdleTimeoutS = 5;
constexpr size_t kRequestsPerConnection = 5;

void reply_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, kJson);
}

void reply_error(httplib::Response& res, int status, std::string_view error, std::string_view message) {
  reply_json(res, status, json_object().str("error", error).str("message", message).take());
}

// The click id of the request: a valid one in the query (the visitor just
// arrived from an affiliate link; it replaces an older cookie), else a valid
// one in the tn_click_id cookie, else none.
struct visitor_click {
  std::string id;
  bool from_query = false;
};

visitor_click click_of(const httplib::Request& req) {
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
  for (size_t i = 0, n = req.get_header_value_count("Cookie"); i < n; ++i) {
    if (i > 0) cookies += "; ";
    cookies += req.get_header_value("Cookie", i);
  }
  const auto from_cookie = output_string([&](char* out, size_t cap, size_t* len) {
    return clickref_click_id_from_cookies(cookies.data(), cookies.size(), nullptr, 0, out, cap, len);
  });
  if (from_cookie && clickref_click_id_valid(from_cookie->data(), from_cookie->size()))
    return {*from_cookie, false};
  return {};
}

void serve_page(const app& a, page p, const httplib::Request& req, httplib::Response& res) {
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
  // The tenant set is held until the page is written: a reload cannot free its site.
  auto tenants = a.tenants.current();
  const tenant* t = tenants->for_host(req.get_header_value("Host"));
  const site& pages = t ? t->pages : a.pages;
  res.set_chunked_content_provider(
      "text/html; charset=utf-8",
      [tenants, &pages, p, id = std::move(click.id)](size_t, httplib::DataSink& sink) {
        const clickref_status s = pages.render(
            p, id, [&sink](std::string_view bytes) { return sink.write(bytes.data(), bytes.size()); });
        if (s != CLICKREF_OK) {
          if (s != kClientGone) {
            auto line = log::line("error", "page rewrite failed");
            line.str("status", clickref_status_name(s));
            log::emit(line);
          }
          return false;  // drops the connection: the page is incomplete
        }
        sink.done();
        return true;
      });
}

void serve_webhook(const app& a, const httplib::Request& req, httplib::Response& res) {
  const auto tenants = a.tenants.current();
  const tenant* t = req.matches.size() > 1 ? (tenants->from_file() ? tenants->named(req.matches[1].str()) : nullptr)
                                           : tenants->for_host(req.get_header_value("Host"));
  if (!t) {
    access_log::note("outcome", "unknown_tenant");
    reply_error(res, 404, "unknown_tenant", "no tenant is served at this host or path");
    return;
  }
  if (tenants->from_file()) access_log::note("tenant", t->name);
  const webhook_reply reply = t->webhooks.receive(req.body, req.get_header_value("Stripe-Signature"));
  if (!reply.event_id.empty()) access_log::note("event_id", reply.event_id);
  access_log::note("outcome", reply.outcome);
  if (!reply.detail.empty()) access_log::note("detail", reply.detail);
  reply_json(res, reply.http_status, reply.body);
}

// ?name=N, an integer from min to max; nullopt when absent.
std::optional<int64_t> int_param(const httplib::Request& req, const char* name, int64_t min, int64_t max,
                                 bool& bad) {
  if (!req.has_param(name)) return std::nullopt;
  const std::string text = req.get_param_value(name);
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) bad = true;
  return value;
}

// ?from=YYYY-MM-DD → that day's first second, UTC.
std::optional<int64_t> day_param(const httplib::Request& req, const char* name, bool& bad) {
  if (!req.has_param(name)) return std::nullopt;
  const std::string text = req.get_param_value(name);
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

listing_request parse_listing(const httplib::Request& req) {
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
  if (req.has_param("status")) {
    const std::string status = req.get_param_value("status");
    if (!status_from_label(status)) {
      out.error = "status must be pending, declined, approved or reversed";
      return out;
    }
    f.status = status;
  }
  if (req.has_param("tenant")) f.tenant = req.get_param_value("tenant");
  return out;
}

// The query string that reproduces the request's filter and page size, not
// its offset (for the CSV link and the page links).
std::string filter_query(const httplib::Request& req) {
  std::string q;
  for (const char* name : {"status", "from", "until", "tenant", "limit"}) {
    if (!req.has_param(name)) continue;
    if (!q.empty()) q += '&';
    q += std::string(name) + "=" + httplib::detail::encode_query_param(req.get_param_value(name));
  }
  return q;
}

bool authorized(const app& a, const httplib::Request& req, httplib::Response& res) {
  switch (check_access(a.credentials, req.get_header_value("Authorization"), req.remote_addr)) {
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

void serve_listing(const app& a, listing_format format, const httplib::Request& req, httplib::Response& res) {
  if (!authorized(a, req, res)) return;
  listing_request parsed = parse_listing(req);
  if (!parsed.error.empty()) {
    reply_error(res, 400, parsed.code, parsed.error);
    return;
  }
  const auto tenants = a.tenants.current();
  // A tenant's own host shows that tenant only.
  if (const tenant* host_tenant = tenants->from_file() ? tenants->for_host(req.get_header_value("Host")) : nullptr) {
    if (parsed.filter.tenant && *parsed.filter.tenant != host_tenant->name) {
      reply_error(res, 404, "unknown_tenant", "this host serves one tenant only");
      return;
    }
    parsed.filter.tenant = host_tenant->name;
  } else if (parsed.filter.tenant && !tenants->named(*parsed.filter.tenant)) {
    reply_error(res, 404, "unknown_tenant", "no such tenant");
    return;
  }
  if (format == listing_format::json && req.get_param_value("format") == "csv") format = listing_format::csv;
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

void serve_health(store& db, httplib::Response& res) {
  try {
    db.ping();
    reply_json(res, 200, R"({"status":"ok"})");
  } catch (const storage_error& e) {
    access_log::note("error", e.what());
    reply_json(res, 503, R"({"status":"unavailable"})");
  }
}

// Answers 405 with an Allow header for the methods a path does not take.
void refuse_other_methods(httplib::Server& http, const std::string& path, bool allows_get) {
  const auto refuse = [allow = std::string(allows_get ? "GET, HEAD" : "POST")](const httplib::Request&,
                                                                               httplib::Response& res) {
    res.set_header("Allow", allow);
    reply_error(res, 405, "method_not_allowed", "this path accepts " + allow);
  };
  if (allows_get) {
    http.Post(path, refuse);
  } else {
    http.Get(path, refuse);
  }
  http.Put(path, refuse);
  http.Patch(path, refuse);
  http.Delete(path, refuse);
}

// A JSON body for the errors httplib answers by itself (404, 413, 400…);
// responses that already have a body keep it.
httplib::Server::HandlerResponse fill_error_body(const httplib::Request&, httplib::Response& res) {
  if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
  switch (res.status) {
    case 404:
      reply_error(res, 404, "not_found", "no such path");
      break;
    case 413:
      reply_error(res, 413, "payload_too_large",
                  "the body is larger than " + std::to_string(kMaxBodyBytes) + " bytes");
      break;
    default:
      reply_error(res, res.status, "http_" + std::to_string(res.status), "the request could not be served");
  }
  return httplib::Server::HandlerResponse::Handled;
}

}  // namespace

void add_routes(httplib::Server& http, const app& a) {
  // What one connection may hold, so that slow or idle clients cannot keep
  // the workers (README, "Limits"). httplib also caps the request line and
  // each header line at 8 KiB (414 and 400).
  http.set_payload_max_length(kMaxBodyBytes);
  http.set_read_timeout(kReadTimeoutS, 0);
  http.set_write_timeout(kWriteTimeoutS, 0);
  http.set_keep_alive_timeout(kIdleTimeoutS);
  http.set_keep_alive_max_count(kRequestsPerConnection);
  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    access_log::begin();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_logger(access_log::write);
  http.set_error_handler(httplib::Server::HandlerWithResponse(fill_error_body));
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, const std::exception_ptr& ep) {
        std::string what = "unknown exception";
        bool storage = false;
        try {
          std::rethrow_exception(ep);
        } catch (const storage_error& e) {
          what = e.what();
          storage = true;
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        access_log::note("error", what);
        if (storage) {
          // The dashboard's reads: the database is down, which a retry may outlive.
          reply_error(res, 503, "storage", "the database is unavailable; try again");
        } else {
          reply_error(res, 500, "internal", "the request failed; see the server log");
        }
      });

  http.Get("/", [&a](const httplib::Request& req, httplib::Response& res) {
    serve_page(a, page::landing, req, res);
  });
  http.Get("/pricing", [&a](const httplib::Request& req, httplib::Response& res) {
    serve_page(a, page::pricing, req, res);
  });
  const auto webhook = [&a](const httplib::Request& req, httplib::Response& res) { serve_webhook(a, req, res); };
  http.Post("/stripe/postback", webhook);
  http.Post(R"(/stripe/postback/([^/]+))", webhook);
  http.Get("/conversions", [&a](const httplib::Request& req, httplib::Response& res) {
    serve_listing(a, listing_format::json, req, res);
  });
  http.Get("/conversions.csv", [&a](const httplib::Request& req, httplib::Response& res) {
    serve_listing(a, listing_format::csv, req, res);
  });
  http.Get("/dashboard", [&a](const httplib::Request& req, httplib::Response& res) {
    serve_listing(a, listing_format::html, req, res);
  });
  http.Get("/healthz", [&a](const httplib::Request&, httplib::Response& res) { serve_health(a.db, res); });
  http.Get("/clickref.js", [](const httplib::Request&, httplib::Response& res) {
    // The pages load it on every visit: an hour in the browser's cache, and
    // a deploy reaches every visitor within that hour.
    res.set_header("Cache-Control", "public, max-age=3600");
    const std::string_view js = browser_snippet();
    res.set_content(js.data(), js.size(), "text/javascript; charset=utf-8");
  });

  for (const char* path : {"/", "/pricing", "/conversions", "/conversions.csv", "/dashboard", "/healthz", "/clickref.js"}) {
    refuse_other_methods(http, path, true);
  }
  refuse_other_methods(http, "/stripe/postback", false);
}

}  // namespace server
