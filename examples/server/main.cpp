// clickref-server: the reference receiver. See routes.hpp for what it serves
// and `clickref-server --help` for its configuration.
#include "config.hpp"
#include "log.hpp"
#include "postback_worker.hpp"
#include "routes.hpp"
#include "tenants.hpp"

#include <httplib.h>

#include <malloc.h>
#include <pthread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// Waits for SIGINT/SIGTERM and stops `http`, whose listen loop may not have
// started yet when the signal arrives. Returns when `listen_returned` is set
// and SIGUSR1 comes.
// SIGHUP calls `reload`.
void stop_on_signal(httplib::Server& http, const std::atomic<bool>& listen_returned,
                    const std::function<void()>& reload) {
  const sigset_t set = handled_signals();
  int signal = 0;
  do {
    sigwait(&set, &signal);
    if (listen_returned) return;
    if (signal == SIGHUP) reload();
  } while (signal == SIGUSR1 || signal == SIGHUP);  // SIGUSR1: not ours to act on
  auto line = server::log::line("info", "shutting down");
  line.str("signal", signal == SIGINT ? "SIGINT" : "SIGTERM");
  server::log::emit(line);
  while (!listen_returned) {
    if (http.is_running()) {
      http.stop();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Binds `http` to host:port (port 0: any free port) and returns the port, or
// -1. Three departures from httplib 0.11's socket defaults (the third,
// TCP_NODELAY, is explained where it is set): its listen backlog
// of 5 is compiled into Debian's library and a burst of deliveries overflows
// it (the kernel then resets connections), so the socket is listened on
// again with the system's maximum; and SO_REUSEADDR (rebind at once after a
// restart) replaces its SO_REUSEPORT, which would let a second server take
// the same port without an error.
int bind_listener(httplib::Server& http, const std::string& host, int port) {
  // Shared: httplib keeps the callback after this function returns.
  const auto listen_socket = std::make_shared<int>(-1);
  http.set_socket_options([listen_socket](int sock) {
    const int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    // httplib writes a response's headers and body separately; with Nagle on
    // the body waits for the client's delayed ACK (about 40 ms) on a kept-alive
    // connection. Accepted sockets inherit the option from this one.
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    *listen_socket = sock;
  });
  if (port == 0) {
    port = http.bind_to_any_port(host);
  } else if (!http.bind_to_port(host, port)) {
    port = -1;
  }
  if (port >= 0 && listen(*listen_socket, SOMAXCONN) != 0) {
    log_error("cannot raise the listen backlog", std::strerror(errno));
  }
  return port;
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

  httplib::Server http;
  const int workers = cfg.workers;
  http.new_task_queue = [workers] { return new httplib::ThreadPool(static_cast<size_t>(workers)); };
  const server::app app{pages, *db, tenants, credentials};
  server::add_routes(http, app);

  const int port = bind_listener(http, cfg.listen_host, cfg.listen_port);
  if (port < 0) {
    log_error("cannot listen", cfg.listen_host + ":" + std::to_string(cfg.listen_port));
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
      .num("workers", workers)
      .num("db_connections", cfg.db_connections)
      .str("postbacks", postbacks ? (cfg.postback_base.empty() ? std::string("per tenant") : cfg.postback_base)
                                  : std::string("off"));
  server::log::emit(ready);

  std::atomic<bool> listen_returned{false};
  const std::function<void()> reload = [&] {
    if (cfg.tenants_path.empty()) {
      auto line = server::log::line("info", "SIGHUP ignored: no --tenants file to reload");
      server::log::emit(line);
    } else {
      tenants.reload(cfg.tenants_path, tenant_ctx);
    }
  };
  std::thread signal_thread(stop_on_signal, std::ref(http), std::cref(listen_returned), std::cref(reload));
  const bool clean = http.listen_after_bind();  // returns once stopped, in-flight requests answered
  listen_returned = true;
  pthread_kill(signal_thread.native_handle(), SIGUSR1);  // releases sigwait if no signal came
  signal_thread.join();
  postbacks.reset();  // lets a delivery in flight finish
  db.reset();
  auto bye = server::log::line(clean ? "info" : "error", "stopped");
  server::log::emit(bye);
  return clean ? 0 : 1;
}
