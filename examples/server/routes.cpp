#include "routes.hpp"

#include "access_log.hpp"
#include "clickref_calls.hpp"
#include "json.hpp"
#include "listing.hpp"
#include "log.hpp"

#include <httplib.h>

#include <charconv>
#include <ctime>

namespace server {
namespace {

constexpr const char* kJson = "application/json";
constexpr int64_t kDefaultListLimit = 500;
constexpr int64_t kMaxListLimit = 10000;

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

void serve_page(const site& pages, page p, const httplib::Request& req, httplib::Response& res) {
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
  res.set_chunked_content_provider(
      "text/html; charset=utf-8", [&pages, p, id = std::move(click.id)](size_t, httplib::DataSink& sink) {
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

void serve_webhook(const webhook_receiver& webhooks, const httplib::Request& req, httplib::Response& res) {
  const webhook_reply reply = webhooks.receive(req.body, req.get_header_value("Stripe-Signature"));
  if (!reply.event_id.empty()) access_log::note("event_id", reply.event_id);
  access_log::note("outcome", reply.outcome);
  if (!reply.detail.empty()) access_log::note("detail", reply.detail);
  reply_json(res, reply.http_status, reply.body);
}

// ?limit=N, 1 to kMaxListLimit.
std::optional<int64_t> list_limit(const httplib::Request& req) {
  if (!req.has_param("limit")) return kDefaultListLimit;
  const std::string text = req.get_param_value("limit");
  int64_t limit = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (ec != std::errc() || end != text.data() + text.size() || limit < 1 || limit > kMaxListLimit)
    return std::nullopt;
  return limit;
}

void serve_listing(store& db, bool html, const httplib::Request& req, httplib::Response& res) {
  const auto limit = list_limit(req);
  if (!limit) {
    reply_error(res, 400, "bad_limit", "limit must be an integer from 1 to " + std::to_string(kMaxListLimit));
    return;
  }
  const auto items = db.conversions(*limit);
  if (html) {
    res.set_content(dashboard_html(items), "text/html; charset=utf-8");
  } else {
    res.set_content(conversions_json(items), kJson);
  }
  res.set_header("Cache-Control", "no-store");
}

void serve_health(store& db, httplib::Response& res) {
  try {
    db.ping();
    reply_json(res, 200, R"({"status":"ok"})");
  } catch (const sqlite::error& e) {
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
  http.set_payload_max_length(kMaxBodyBytes);
  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    access_log::begin();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_logger(access_log::write);
  http.set_error_handler(httplib::Server::HandlerWithResponse(fill_error_body));
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, const std::exception_ptr& ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        access_log::note("error", what);
        reply_error(res, 500, "internal", "the request failed; see the server log");
      });

  http.Get("/", [&a](const httplib::Request& req, httplib::Response& res) {
    serve_page(a.pages, page::landing, req, res);
  });
  http.Get("/pricing", [&a](const httplib::Request& req, httplib::Response& res) {
    serve_page(a.pages, page::pricing, req, res);
  });
  http.Post("/stripe/postback", [&a](const httplib::Request& req, httplib::Response& res) {
    serve_webhook(a.webhooks, req, res);
  });
  http.Get("/conversions", [&a](const httplib::Request& req, httplib::Response& res) {
    serve_listing(a.db, false, req, res);
  });
  http.Get("/dashboard", [&a](const httplib::Request& req, httplib::Response& res) {
    serve_listing(a.db, true, req, res);
  });
  http.Get("/healthz", [&a](const httplib::Request&, httplib::Response& res) { serve_health(a.db, res); });

  for (const char* path : {"/", "/pricing", "/conversions", "/dashboard", "/healthz"}) {
    refuse_other_methods(http, path, true);
  }
  refuse_other_methods(http, "/stripe/postback", false);
}

}  // namespace server
