// The receiver's HTTP/1.1 server: one thread reads and writes every
// connection with epoll, and hands each request, once it has arrived whole,
// to a pool of worker threads that run the routes (which may block on the
// database, or answer later). So a client that sends slowly, or keeps a connection open and
// idle, costs a file descriptor and its buffer, never a worker; and every
// phase of a connection has a deadline (README, "Limits").
#pragma once

#include "http_message.hpp"
#include "http_parser.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace server {

struct http_server_options {
  head_limits limits;
  int workers = 64;               // threads running the handler
  size_t max_connections = 1024;  // more are answered 503 and closed at once
  // From a request's first byte (or the connection's accept) until it has
  // arrived whole: beyond, 408 and the connection is closed. This is the
  // total deadline that a client sending a byte now and then cannot stretch.
  std::chrono::milliseconds request_timeout{10000};
  // A kept-alive connection with no request started is closed after this.
  std::chrono::milliseconds idle_timeout{5000};
  // Writing one response, from its first byte to its last.
  std::chrono::milliseconds write_timeout{10000};
  // Requests whose handler never blocks (it answers at once or hands the
  // answer to other work) and is cheap: they are handled on the I/O thread
  // itself, which saves handing each to a worker and back. Empty: none.
  std::function<bool(const http_request&)> handle_inline;
};

// Sends the response to one request. Call it exactly once, from any thread;
// the request stays valid until then.
using http_respond = std::function<void(http_response)>;
// Handles one request; runs on a worker thread, several at once. It may
// respond before it returns, or hand `respond` to work that finishes later
// (a webhook answered once its commit is durable), which frees the worker.
// An exception that escapes it before it responded is answered 500; it must
// not throw once it has handed `respond` on.
using http_handler = std::function<void(const http_request&, http_respond)>;
// Told of every request the server answered by itself, without the handler
// (malformed, too large, too slow, too many connections), for the log.
using http_refusal_observer = std::function<void(const http_request& partial, const http_refusal&)>;

class http_server {
 public:
  http_server(http_server_options options, http_handler handler, http_refusal_observer on_refusal);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds host:port (port 0: any free one); returns the port, or -1 with
  // `error` saying why.
  int bind(const std::string& host, int port, std::string& error);
  // Serves until stop(); then answers the requests already being handled
  // and returns. False when the event loop failed.
  bool run();
  // From any thread.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace server
