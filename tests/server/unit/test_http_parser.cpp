// http_parser and http_message: the request head as the receiver reads it
// (RFC 9112), byte by byte, and the query decoding the dashboard filters use.
#include "http_parser.hpp"

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

#include <string>

using namespace server;
using namespace std::string_literals;  // "…"s keeps a NUL inside a case

namespace {

// The refusal's status, or 0 when the head parses.
int status_of(const std::string& head, http_request* out = nullptr, request_framing* framing = nullptr) {
  http_request req;
  const auto parsed = parse_head(head, head_limits{}, req);
  if (const auto* refused = std::get_if<http_refusal>(&parsed)) return refused->status;
  if (out) *out = req;
  if (framing) *framing = std::get<request_framing>(parsed);
  return 0;
}

}  // namespace

TEST_CASE("http head: the end of the head is found across reads and line endings", "[http]") {
  const std::string crlf = "GET / HTTP/1.1\r\nHost: a\r\n\r\nnext";
  CHECK(find_head_end(crlf, 0) == crlf.size() - 4);
  const std::string lf = "GET / HTTP/1.1\nHost: a\n\nnext";
  CHECK(find_head_end(lf, 0) == lf.size() - 4);
  CHECK(find_head_end("GET / HTTP/1.1\r\nHost: a\r\n", 0) == 0);
  // Resuming after a read that ended inside the blank line.
  const std::string split = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  CHECK(find_head_end(split, split.size() - 1) == split.size());
  CHECK(find_head_end(split, split.size() - 2) == split.size());
}

TEST_CASE("http head: a well-formed request", "[http]") {
  http_request req;
  request_framing framing;
  REQUIRE(status_of("POST /stripe/postback/acme?x=1 HTTP/1.1\r\nHost: pay.test\r\nContent-Length:  42 \r\n"
                    "Cookie: a=1\r\ncookie: b=2\r\nExpect: 100-Continue\r\n\r\n",
                    &req, &framing) == 0);
  CHECK(req.method == "POST");
  CHECK(req.target == "/stripe/postback/acme?x=1");
  CHECK(req.path == "/stripe/postback/acme");
  CHECK(req.query == "x=1");
  CHECK(req.header("host") == "pay.test");
  CHECK(req.header("CONTENT-LENGTH") == "42");
  CHECK(req.header("Missing").empty());
  CHECK(req.headers_named("Cookie") == std::vector<std::string_view>{"a=1", "b=2"});
  CHECK(req.keep_alive);
  CHECK(framing.content_length == 42);
  CHECK(framing.expect_continue);
}

TEST_CASE("http head: keep-alive and close", "[http]") {
  http_request req;
  REQUIRE(status_of("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n", &req) == 0);
  CHECK_FALSE(req.keep_alive);
  REQUIRE(status_of("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &req) == 0);
  CHECK_FALSE(req.keep_alive);                              // HTTP/1.0 is always answered with a close
  REQUIRE(status_of("GET / HTTP/1.0\r\n\r\n", &req) == 0);  // no Host needed in 1.0
}

TEST_CASE("http head: an absolute-form target's authority is the Host", "[http]") {
  http_request req;
  REQUIRE(status_of("GET HTTP://Shop.test:8080/pricing?click_id=a HTTP/1.1\r\nHost: other\r\n\r\n", &req) ==
          0);
  CHECK(req.path == "/pricing");
  CHECK(req.query == "click_id=a");
  CHECK(req.header("Host") == "Shop.test:8080");
  CHECK(req.headers_named("Host").size() == 1);
  REQUIRE(status_of("GET http://shop.test HTTP/1.1\r\n\r\n", &req) == 0);
  CHECK(req.path == "/");
}

TEST_CASE("http head: malformed heads are refused with their status", "[http]") {
  const std::pair<std::string, int> cases[] = {
      {"GET / HTTP/1.1\r\n\r\n"s, 400},                        // no Host
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"s, 400},  // two
      {"GET  / HTTP/1.1\r\nHost: a\r\n\r\n"s, 400},            // two spaces
      {"GET / HTTP/1.1 \r\nHost: a\r\n\r\n"s, 400},            // trailing space
      {"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"s, 400},
      {"GET / HTTP/1.1\r\nHost: a\r\nX-Nul: a\0b\r\n\r\n"s, 400},
      {"GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n"s, 400},
      {"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n"s, 400},          // raw UTF-8 in the target
      {"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n"s, 400},          // bare CR
      {"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n folded\r\n\r\n"s, 400},  // obs-fold
      {"GET / HTTP/1.1\r\nHost : a\r\n\r\n"s, 400},                    // space before the colon
      {"GET / HTTP/1.1\r\nNo colon\r\n\r\n"s, 400},
      {"G(T / HTTP/1.1\r\nHost: a\r\n\r\n"s, 400},  // not a token
      {"GET * HTTP/1.1\r\nHost: a\r\n\r\n"s, 400},  // asterisk form: no OPTIONS here
      {"GET / HTTX/1.1\r\nHost: a\r\n\r\n"s, 400},
      {"GET / HTTP/1.12\r\nHost: a\r\n\r\n"s, 400},
      {"GET / HTTP/2.0\r\nHost: a\r\n\r\n"s, 505},
      {"GET / HTTP/0.9\r\nHost: a\r\n\r\n"s, 505},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n"s, 400},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n"s, 400},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n"s, 400},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"s, 400},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n"s, 413},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 184467440737095516160\r\n\r\n"s, 413},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"s, 501},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"s, 501},
      {"POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n"s, 417},
  };
  for (const auto& [head, status] : cases) {
    INFO(head);
    CHECK(status_of(head) == status);
  }
  // The same Content-Length twice is one length.
  request_framing framing;
  REQUIRE(status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", nullptr,
                    &framing) == 0);
  CHECK(framing.content_length == 5);
  CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048576\r\n\r\n") == 0);
}

TEST_CASE("http head: size limits, on complete and incomplete heads", "[http]") {
  const head_limits limits;
  const std::string long_target =
      "GET /" + std::string(limits.request_line, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n";
  CHECK(status_of(long_target) == 414);
  REQUIRE(refuse_incomplete_head(long_target.substr(0, limits.request_line + 2), limits));
  CHECK(refuse_incomplete_head(long_target.substr(0, limits.request_line + 2), limits)->status == 414);
  // A request line of exactly the limit, waiting for the LF after its CR.
  const std::string at_limit = "GET /" + std::string(limits.request_line - 14, 'a') + " HTTP/1.1";
  REQUIRE(at_limit.size() == limits.request_line);
  CHECK_FALSE(refuse_incomplete_head(at_limit + "\r", limits));
  CHECK(status_of(at_limit + "\r\nHost: a\r\n\r\n") == 0);

  const std::string start = "GET / HTTP/1.1\r\nHost: a\r\n";
  const std::string long_line = start + "X: " + std::string(limits.header_line, 'b');
  CHECK(status_of(long_line + "\r\n\r\n") == 431);
  REQUIRE(refuse_incomplete_head(long_line, limits));
  CHECK(refuse_incomplete_head(long_line, limits)->status == 431);
  CHECK_FALSE(refuse_incomplete_head(start + "X: " + std::string(limits.header_line - 3, 'b') + "\r", limits));
  CHECK(status_of(start + "X: " + std::string(limits.header_line - 3, 'b') + "\r\n\r\n") == 0);

  std::string many = start;
  for (size_t i = 1; i < limits.header_count; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
  CHECK(status_of(many + "\r\n") == 0);  // exactly the limit, Host included
  CHECK(status_of(many + "X-last: 1\r\n\r\n") == 431);

  std::string large = start;
  while (large.size() <= limits.head) large += "X-Pad: " + std::string(4000, 'c') + "\r\n";
  CHECK(status_of(large + "\r\n") == 431);
  REQUIRE(refuse_incomplete_head(large, limits));
  CHECK(refuse_incomplete_head(large, limits)->status == 431);
}

TEST_CASE("http query: form decoding and encoding", "[http]") {
  http_request req;
  req.query = "status=approved&from=2025-01-01&tenant=acme+co%2Fb&empty=&flag&bad=%zz%4&status=pending";
  CHECK(req.param("status") == "approved");  // the first of two
  CHECK(req.param("tenant") == "acme co/b");
  CHECK(req.param("empty") == "");
  CHECK(req.param("flag") == "");
  CHECK(req.param("bad") == "%zz%4");  // broken escapes stay as they are
  CHECK_FALSE(req.param("missing"));
  req.query = "na%6De=v";
  CHECK(req.param("name") == "v");  // names are compared decoded
  CHECK(encode_query_value("a b/c~d-e_f.g\xff") == "a%20b%2Fc~d-e_f.g%FF");
  CHECK(decode_query_value(encode_query_value(std::string("\0\x01 +%&=", 7))) ==
        std::string("\0\x01 +%&=", 7));
}
