// clickref-server: the reference receiver. See routes.hpp for what it serves
// and `clickref-server --help` for its configuration.
#include "access_log.hpp"
#include "config.hpp"
#include "http_server.hpp"
#include "log.hpp"
#include "postback_worker.hpp"
#include "routes.hpp"
#include "tenants.hpp"

#include <malloc.h>
#include <pthread.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <thread>

namespace {

constexpr int kExitUsage = 2;

void log_error(std::string_view msg, std::string_view detail) {
  auto line = server::log::line("error", msg);
  line.str("error", detail);
  server::log::emit(line);
}

// SIGINT and SIGTERM are taken by one thread with sigwait, never by an
// asynchronous handler, so that stopping the server is ordinary code. SIGUSR1
// is how main tells that thread the server stopped for another reason.
// Blocked before any other thread starts, so every thread inherits the mask.
sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGHUP);
  return set;
}

// Waits for SIGINT/SIGTERM and stops `http`. Returns when SIGUSR1 comes
// (main's word that the server stopped) or after stopping it. SIGHUP calls
// `reload`.
void stop_on_signal(server::http_server& http, const std::function<void()>& reload) {
  const sigset_t set = handled_signals();
  int signal = 0;
  do {
    sigwait(&set, &signal);
    if (signal == SIGHUP) reload();
  } while (signal == SIGHUP);
  if (signal == SIGUSR1) return;
  auto line = server::log::line("info", "shutting down");
  line.str("signal", signal == SIGINT ? "SIGINT" : "SIGTERM");
  server::log::emit(line);
  http.stop();
}

// Each connection is a file descriptor: let the process have as many as
// its hard limit allows, so that --max-connections is the bound that bites.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const server::config_result parsed =
      server::parse_config(argc, argv, [](const char* name) { return std::getenv(name); });
  if (parsed.help) {
    std::fputs(server::usage().c_str(), stdout);
    return 0;
  }
  if (!parsed.cfg) {
    std::fprintf(stderr, "clickref-server: %s\n(see clickref-server --help)\n", parsed.error.c_str());
    return kExitUsage;
  }
  const server::config& cfg = *parsed.cfg;

  // glibc hands the top of a thread's heap back to the kernel once 128 KiB
  // are free there, and the request threads free that much after nearly
  // every delivery; each hand-back is an madvise that makes every core
  // flush its TLB. Under webhook load that was the largest single cost in
  // perf (cross-core calls, about 15% of the server's samples). Keeping up
  // to 64 MiB per heap measured 12,680 and 13,336 webhooks/s at 32
  // connections against 11,640 and 6,505 without (tests/bench/server_load.py).
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up is an error return, not a death
  const sigset_t signals = handled_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::unique_ptr<server::store> db;
  try {
    db = server::open_store(cfg.db_path, static_cast<size_t>(cfg.db_connections));
  } catch (const server::storage_error& e) {
    log_error("cannot open the database", e.what());
    return 1;
  }
  std::unique_ptr<server::postback_worker> postbacks;
  if (!cfg.postback_base.empty() || !cfg.tenants_path.empty()) {
    server::retry_policy retry;
    retry.first_delay_ms = cfg.postback_retry_ms;
    retry.max_attempts = cfg.postback_max_attempts;
    postbacks = std::make_unique<server::postback_worker>(*db, retry);
  }
  const server::tenant_context tenant_ctx{*db, cfg.tolerance_s, [](const char* name) { return std::getenv(name); },
                                          [&postbacks] {
                                            if (postbacks) postbacks->wake();
                                          }};
  const server::tenants_result loaded = cfg.tenants_path.empty()
                                            ? server::single_tenant(cfg, tenant_ctx)
                                            : server::load_tenants(cfg.tenants_path, tenant_ctx);
  if (!loaded.set) {
    log_error(cfg.tenants_path.empty() ? "bad STRIPE_WEBHOOK_SECRET, --postback-base or --postback-param"
                                       : "cannot load the tenants file",
              loaded.error);
    return kExitUsage;
  }
  server::tenant_registry tenants(loaded.set);
  const server::site pages(cfg.payment_hosts);
  const server::dashboard_credentials credentials =
      server::credentials_from_env([](const char* name) { return std::getenv(name); });

  const server::app app{pages, *db, tenants, credentials};
  server::http_server_options http_options;
  http_options.workers = cfg.workers;
  http_options.max_connections = static_cast<size_t>(cfg.max_connections);
  http_options.handle_inline = [&app](const server::http_request& req) {
    return server::handles_without_blocking(app, req);
  };
  raise_descriptor_limit();
  const auto handler = [&app](const server::http_request& req, server::http_respond respond) {
    server::handle(app, req, std::move(respond));
  };
  server::http_server http(http_options, handler, server::access_log::refused);

  std::string listen_error;
  const int port = http.bind(cfg.listen_host, cfg.listen_port, listen_error);
  if (port < 0) {
    log_error("cannot listen", cfg.listen_host + ":" + std::to_string(cfg.listen_port) + ": " + listen_error);
    return 1;
  }
  const bool ipv6 = cfg.listen_host.find(':') != std::string::npos;
  auto ready = server::log::line("info", "listening");
  ready.str("address", (ipv6 ? "[" + cfg.listen_host + "]" : cfg.listen_host) + ":" + std::to_string(port))
      .str("db", server::location_for_log(cfg.db_path))
      .num("secrets", static_cast<int64_t>(cfg.secrets.size()))
      .num("tenants", cfg.tenants_path.empty() ? 0 : static_cast<int64_t>(loaded.set->all().size()))
      .str("dashboard", credentials.configured() ? "credentials required"
                                                 : "loopback peers only (no CLICKREF_DASHBOARD_TOKEN or "
                                                   "CLICKREF_DASHBOARD_USER/PASSWORD)")
      .num("workers", cfg.workers)
      .num("max_connections", cfg.max_connections)
      .num("db_connections", cfg.db_connections)
      .str("postbacks", postbacks ? (cfg.postback_base.empty() ? std::string("per tenant") : cfg.postback_base)
                                  : std::string("off"));
  server::log::emit(ready);

  const std::function<void()> reload = [&] {
    if (cfg.tenants_path.empty()) {
      auto line = server::log::line("info", "SIGHUP ignored: no --tenants file to reload");
      server::log::emit(line);
    } else {
      tenants.reload(cfg.tenants_path, tenant_ctx);
    }
  };
  std::thread signal_thread(stop_on_signal, std::ref(http), std::cref(reload));
  const bool clean = http.run();  // returns once stopped, in-flight requests answered
  pthread_kill(signal_thread.native_handle(), SIGUSR1);  // releases sigwait if no signal came
  signal_thread.join();
  postbacks.reset();  // lets a delivery in flight finish
  db.reset();
  auto bye = server::log::line(clean ? "info" : "error", "stopped");
  server::log::emit(bye);
  return clean ? 0 : 1;
}
