#include "http_server.hpp"

#include "json.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace server {
namespace {

using clock = std::chrono::steady_clock;

// How often deadlines are checked: a deadline is enforced within this much
// of its time.
constexpr std::chrono::milliseconds kSweepInterval{250};
// After refusing a request, how long the rest of what the client sends is
// read and dropped before the connection is closed. Closing with unread
// bytes makes the kernel reset the connection, which can destroy the
// refusal before the client reads it.
constexpr std::chrono::milliseconds kDrainTime{2000};
// When accept() runs out of file descriptors, how long new connections wait
// in the kernel's backlog before accept is tried again.
constexpr std::chrono::milliseconds kAcceptPause{100};
constexpr size_t kReadChunk = 64 * 1024;

constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr http_refusal kTooManyConnections{503, "too_many_connections",
                                           "the server is at its connection limit"};

enum class phase {
  idle,      // kept alive, no request begun
  reading,   // a request has begun and is not whole yet
  handling,  // on a worker: the I/O thread leaves the connection alone
  writing,   // the response is being sent
  draining,  // refused: the response is sent, the client's remaining bytes are dropped
};

struct connection {
  int fd = -1;
  std::string peer;
  phase at = phase::idle;
  clock::time_point deadline;
  std::string in;       // read and not yet consumed
  size_t searched = 0;  // of `in`, searched for the end of the head
  size_t head_end = 0;  // 0 until the head is whole
  request_framing framing;
  http_request request;
  std::string out;
  size_t sent = 0;
  bool close_after = false;
  bool refused = false;               // the response is a refusal: drain, then close
  // The client shut its side: what came whole is answered (pipelined
  // requests too), then the connection is closed.
  bool peer_done = false;
  std::atomic<bool> responded{false};  // by the handler, for the current request
};

std::string peer_address(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, text, sizeof text);
  } else if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, text, sizeof text);
  }
  return text;
}

std::string serialize(const http_response& res, bool head_only, bool close) {
  // (HTTP/1.0 clients are always answered with a close, so their responses
  // need no "Connection: keep-alive".)
  std::string out;
  out.reserve(128 + res.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(res.status);
  out += ' ';
  out += reason_phrase(res.status);
  out += "\r\n";
  for (const auto& [name, value] : res.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "Content-Length: ";
  out += std::to_string(res.body.size());
  out += "\r\n";
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  if (!head_only) out += res.body;
  return out;
}

// The JSON error body the routes use too: {"error":…,"message":…}.
http_response error_response(const http_refusal& why) {
  http_response res;
  res.status = why.status;
  res.set_content(json_object().str("error", why.error).str("message", why.message).take(),
                  "application/json");
  return res;
}

std::string refusal_response(const http_refusal& why) { return serialize(error_response(why), false, true); }

}  // namespace

struct http_server::impl {
  http_server_options options;
  http_handler handler;
  http_refusal_observer on_refusal;

  int listen_fd = -1;
  int epoll_fd = -1;
  int wake_fd = -1;  // an eventfd: stop() and the workers' finished requests
  std::atomic<bool> stop_requested{false};

  // Owned by the I/O thread.
  std::unordered_map<int, std::unique_ptr<connection>> connections;
  size_t handling = 0;
  bool stopping = false;
  bool accept_paused = false;
  clock::time_point accept_resumes;

  // Between the I/O thread and the workers.
  std::mutex mutex;
  std::condition_variable ready_cv;
  std::deque<connection*> ready;      // whole requests for the workers
  std::vector<connection*> finished;  // responses for the I/O thread
  bool workers_stop = false;

  // Tags in epoll_event.data.ptr for the two descriptors that are not connections.
  char listen_tag = 0;
  char wake_tag = 0;

  ~impl() {
    for (auto& [fd, conn] : connections) close(fd);
    for (const int fd : {listen_fd, epoll_fd, wake_fd})
      if (fd >= 0) close(fd);
  }

  void watch(connection& c, uint32_t events, int op = EPOLL_CTL_MOD) {
    epoll_event ev{};
    ev.events = events | EPOLLONESHOT;
    ev.data.ptr = &c;
    epoll_ctl(epoll_fd, op, c.fd, &ev);
  }

  void watch_listener(bool on) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &listen_tag;
    epoll_ctl(epoll_fd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, listen_fd, &ev);
  }

  void close_connection(connection& c) {
    const int fd = c.fd;
    close(fd);  // also removes it from the epoll set
    connections.erase(fd);
  }

  void accept_all(clock::time_point now) {
    for (int n = 0; n < 128; ++n) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      const int fd =
          accept4(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Level-triggered: retrying at once would spin. The backlog holds them.
          watch_listener(false);
          accept_paused = true;
          accept_resumes = now + kAcceptPause;
        }
        return;  // EAGAIN: none left; ECONNABORTED and the like: that client is gone
      }
      if (connections.size() >= options.max_connections) {
        // Answered without reading the request: a client that had sent it
        // already may see a reset instead of the 503.
        static const std::string answer = refusal_response(kTooManyConnections);
        (void)!send(fd, answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        close(fd);
        http_request nobody;
        nobody.peer = peer_address(addr);
        on_refusal(nobody, kTooManyConnections);
        continue;
      }
      // A response goes out in one write; without this a kept-alive
      // client's next request could wait on Nagle and the delayed ACK.
      const int yes = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      auto conn = std::make_unique<connection>();
      conn->fd = fd;
      conn->peer = peer_address(addr);
      // A new connection's first request must arrive within the request deadline.
      conn->at = phase::reading;
      conn->deadline = now + options.request_timeout;
      watch(*conn, EPOLLIN, EPOLL_CTL_ADD);
      connections.emplace(fd, std::move(conn));
    }
  }

  // Reads what the socket has, up to what the request being read may still
  // need. Returns false when the connection failed; a client that shut its
  // side after sending (half-close) is marked peer_done, and its request is
  // still answered.
  bool read_some(connection& c) {
    char buffer[kReadChunk];
    for (;;) {
      const size_t wanted = c.head_end ? c.head_end + c.framing.content_length : options.limits.head + 1;
      if (c.in.size() >= wanted) return true;
      const ssize_t n = recv(c.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        c.in.append(buffer, static_cast<size_t>(n));
        // A short read took all the socket had: asking again would only
        // say EAGAIN, one more system call per request. If the request is
        // not whole yet, the re-armed descriptor reports the rest.
        if (static_cast<size_t>(n) < sizeof buffer) return true;
        continue;
      }
      if (n == 0) {
        c.peer_done = true;
        return true;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      if (errno == EINTR) continue;
      return false;
    }
  }

  // The request is not whole yet: wait for more, unless no more can come.
  void wait_for_more(connection& c) {
    if (c.peer_done) {
      close_connection(c);  // an incomplete request is dropped
    } else {
      watch(c, EPOLLIN);
    }
  }

  void on_readable(connection& c, clock::time_point now) {
    if (c.at == phase::draining) {
      char buffer[kReadChunk];
      ssize_t n;
      while ((n = recv(c.fd, buffer, sizeof buffer, 0)) > 0) {
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
        close_connection(c);
      } else {
        watch(c, EPOLLIN);
      }
      return;
    }
    if (!read_some(c)) {
      close_connection(c);
      return;
    }
    advance(c, now);
  }

  // Moves the connection on with what it has read: refuse, wait for more,
  // or hand a whole request to a worker.
  void advance(connection& c, clock::time_point now) {
    if (c.head_end == 0) {
      // Empty lines before a request are allowed (RFC 9112 2.2).
      size_t blank = 0;
      while (blank < c.in.size() && (c.in[blank] == '\r' || c.in[blank] == '\n')) ++blank;
      if (blank > 0) c.in.erase(0, blank);
      if (c.in.empty()) {
        wait_for_more(c);
        return;
      }
      if (c.at == phase::idle) {
        c.at = phase::reading;
        c.deadline = now + options.request_timeout;
      }
      const size_t end = find_head_end(c.in, c.searched);
      c.searched = c.in.size();
      if (end == 0) {
        if (const auto refused = refuse_incomplete_head(c.in, options.limits)) {
          refuse(c, *refused, now);
        } else {
          wait_for_more(c);
        }
        return;
      }
      auto parsed = parse_head(std::string_view(c.in).substr(0, end), options.limits, c.request);
      if (const auto* refused = std::get_if<http_refusal>(&parsed)) {
        refuse(c, *refused, now);
        return;
      }
      c.framing = std::get<request_framing>(parsed);
      c.head_end = end;
      if (c.framing.expect_continue && c.in.size() < end + c.framing.content_length) {
        // The interim answer is tiny and the socket's buffer empty; if it does
        // not go out whole the connection is not worth keeping.
        const ssize_t n = send(c.fd, kContinue, sizeof kContinue - 1, MSG_NOSIGNAL);
        if (n != static_cast<ssize_t>(sizeof kContinue - 1)) {
          close_connection(c);
          return;
        }
      }
    }
    const size_t whole = c.head_end + c.framing.content_length;
    if (c.in.size() < whole) {
      wait_for_more(c);
      return;
    }
    c.request.body.assign(c.in, c.head_end, c.framing.content_length);
    c.in.erase(0, whole);  // what follows is the next request, pipelined
    c.request.peer = c.peer;
    c.responded = false;
    c.at = phase::handling;
    ++handling;
    if (options.handle_inline && options.handle_inline(c.request)) {
      // Its answer comes back through `finished`, as a worker's would.
      handle(c);
      return;
    }
    {
      const std::lock_guard<std::mutex> lock(mutex);
      ready.push_back(&c);
    }
    ready_cv.notify_one();
  }

  void refuse(connection& c, const http_refusal& why, clock::time_point now) {
    c.request.peer = c.peer;
    on_refusal(c.request, why);
    c.out = refusal_response(why);
    c.close_after = true;
    c.refused = true;
    start_writing(c, now);
  }

  void start_writing(connection& c, clock::time_point now) {
    c.at = phase::writing;
    c.sent = 0;
    c.deadline = now + options.write_timeout;
    write_some(c, now);
  }

  void write_some(connection& c, clock::time_point now) {
    while (c.sent < c.out.size()) {
      const ssize_t n = send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
      if (n > 0) {
        c.sent += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        watch(c, EPOLLOUT);
        return;
      }
      if (n < 0 && errno == EINTR) continue;
      close_connection(c);
      return;
    }
    finish_response(c, now);
  }

  void finish_response(connection& c, clock::time_point now) {
    c.out = std::string();  // an idle connection keeps no response buffer
    if (c.refused) {
      shutdown(c.fd, SHUT_WR);
      c.at = phase::draining;
      c.deadline = now + kDrainTime;
      c.in.clear();
      watch(c, EPOLLIN);
      return;
    }
    if (c.close_after || stopping) {
      close_connection(c);
      return;
    }
    c.request = http_request{};
    c.head_end = 0;
    c.searched = 0;
    c.framing = {};
    c.at = phase::idle;
    c.deadline = now + options.idle_timeout;
    advance(c, now);  // a pipelined request may be waiting in `in`
  }

  void take_finished(clock::time_point now) {
    uint64_t count;
    (void)!read(wake_fd, &count, sizeof count);
    std::vector<connection*> done;
    {
      const std::lock_guard<std::mutex> lock(mutex);
      done.swap(finished);
    }
    for (connection* c : done) {
      --handling;
      start_writing(*c, now);
    }
  }

  void sweep(clock::time_point now) {
    std::vector<connection*> expired;
    for (auto& [fd, conn] : connections)
      if (conn->at != phase::handling && conn->deadline <= now) expired.push_back(conn.get());
    for (connection* c : expired) {
      if (c->at == phase::reading) {
        refuse(*c, {408, "request_timeout", "the request did not arrive whole in time"}, now);
      } else {
        close_connection(*c);  // idle, or a client that does not read its response
      }
    }
    if (accept_paused && now >= accept_resumes && !stopping) {
      accept_paused = false;
      watch_listener(true);
    }
  }

  // Stops taking connections and requests; what is being handled is still answered.
  void begin_stopping() {
    stopping = true;
    if (!accept_paused) watch_listener(false);
    std::vector<connection*> quiet;
    for (auto& [fd, conn] : connections)
      if (conn->at == phase::idle || conn->at == phase::reading || conn->at == phase::draining)
        quiet.push_back(conn.get());
    for (connection* c : quiet) close_connection(*c);
  }

  void work() {
    for (;;) {
      connection* c;
      {
        std::unique_lock<std::mutex> lock(mutex);
        ready_cv.wait(lock, [&] { return workers_stop || !ready.empty(); });
        if (ready.empty()) return;
        c = ready.front();
        ready.pop_front();
      }
      handle(*c);
    }
  }

  void handle(connection& c) {
    try {
      handler(c.request, [this, conn = &c](http_response res) { respond(*conn, std::move(res)); });
    } catch (...) {
      // The handler is meant to answer every failure itself; if one
      // escapes before it answered, the client still gets a response.
      // (Handlers must not throw once they have handed `respond` on.)
      if (!c.responded.load())
        respond(c, error_response({500, "internal", "the request failed; see the server log"}));
    }
  }

  // From any thread, once per request: queues the response for the I/O thread.
  void respond(connection& c, http_response res) {
    if (c.responded.exchange(true)) return;
    c.close_after = !c.request.keep_alive;
    c.out = serialize(res, c.request.method == "HEAD", c.close_after);
    bool first;
    {
      const std::lock_guard<std::mutex> lock(mutex);
      first = finished.empty();
      finished.push_back(&c);
    }
    // The I/O thread takes every finished response when it wakes, so only
    // the first since it last took them needs to wake it (a batch of
    // commits answers many at once).
    if (first) {
      const uint64_t one = 1;
      (void)!write(wake_fd, &one, sizeof one);
    }
  }
};

http_server::http_server(http_server_options options, http_handler handler, http_refusal_observer on_refusal)
    : impl_(std::make_unique<impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->on_refusal = std::move(on_refusal);
  // Made here, not in run(), so that stop() may come before run() starts.
  impl_->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

http_server::~http_server() = default;

int http_server::bind(const std::string& host, int port, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    error = gai_strerror(rc);
    return -1;
  }
  const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, freeaddrinfo);
  const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::strerror(errno);
    return -1;
  }
  // Rebinding at once after a restart; SO_REUSEPORT is left off, so a second
  // server on the same port fails here instead of sharing it.
  const int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
    error = std::strerror(errno);
    close(fd);
    return -1;
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  impl_->listen_fd = fd;
  return ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                           : reinterpret_cast<sockaddr_in&>(bound).sin_port);
}

void http_server::stop() {
  impl_->stop_requested = true;
  const uint64_t one = 1;
  if (impl_->wake_fd >= 0) (void)!write(impl_->wake_fd, &one, sizeof one);
}

bool http_server::run() {
  impl& s = *impl_;
  if (s.epoll_fd < 0 || s.wake_fd < 0 || s.listen_fd < 0) return false;
  epoll_event wake{};
  wake.events = EPOLLIN;
  wake.data.ptr = &s.wake_tag;
  epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.wake_fd, &wake);
  s.watch_listener(true);

  std::vector<std::thread> workers;
  for (int i = 0; i < s.options.workers; ++i) workers.emplace_back([&s] { s.work(); });

  bool ok = true;
  clock::time_point last_sweep = clock::now();
  epoll_event events[256];
  for (;;) {
    const int n = epoll_wait(s.epoll_fd, events, 256, static_cast<int>(kSweepInterval.count()));
    if (n < 0 && errno != EINTR) {
      ok = false;
      break;
    }
    const clock::time_point now = clock::now();
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &s.listen_tag) {
        if (!s.stopping) s.accept_all(now);
      } else if (tag == &s.wake_tag) {
        s.take_finished(now);
      } else {
        // Armed one-shot, so a connection on a worker reports nothing.
        auto* c = static_cast<connection*>(tag);
        if (c->at == phase::writing) {
          s.write_some(*c, now);
        } else if (c->at != phase::handling) {
          s.on_readable(*c, now);
        }
      }
    }
    if (s.stop_requested && !s.stopping) s.begin_stopping();
    if (now - last_sweep >= kSweepInterval) {
      s.sweep(now);
      last_sweep = now;
    }
    if (s.stopping && s.handling == 0 && s.connections.empty()) break;
  }
  {
    const std::lock_guard<std::mutex> lock(s.mutex);
    s.workers_stop = true;
  }
  s.ready_cv.notify_all();
  for (std::thread& t : workers) t.join();
  return ok;
}

}  // namespace server
