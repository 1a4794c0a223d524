#include "http_parser.hpp"

#include <cstring>

namespace server {
namespace {

constexpr http_refusal kBadRequest{400, "bad_request", "the request is not well-formed HTTP/1.1"};
constexpr http_refusal kLineTooLong{414, "uri_too_long", "the request line is longer than 8 KiB"};
constexpr http_refusal kHeadTooLarge{431, "headers_too_large",
                                     "the headers exceed 8 KiB per line, 32 KiB in all or 100 fields"};
constexpr http_refusal kBodyTooLarge{413, "payload_too_large", "the body is larger than 1048576 bytes"};
constexpr http_refusal kNoChunked{501, "transfer_encoding_not_supported",
                                  "request bodies must be sent with Content-Length"};
constexpr http_refusal kBadVersion{505, "http_version_not_supported",
                                   "only HTTP/1.0 and HTTP/1.1 are served"};
constexpr http_refusal kBadExpectation{417, "expectation_failed", "only Expect: 100-continue is understood"};

// RFC 9110 5.6.2: the characters of a token (method, header name).
bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const unsigned char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits `head` into lines without their CRLF or LF; a CR anywhere else is
// refused by the callers' character checks.
class line_reader {
 public:
  explicit line_reader(std::string_view head) : rest_(head) {}
  std::optional<std::string_view> next() {
    const size_t lf = rest_.find('\n');
    if (lf == std::string_view::npos) return std::nullopt;
    std::string_view line = rest_.substr(0, lf);
    rest_.remove_prefix(lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

 private:
  std::string_view rest_;
};

// Each comma-separated element of a header's value, trimmed.
template <typename Visit>
void for_each_element(std::string_view value, Visit visit) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view element = trim_ows(value.substr(0, comma));
    if (!element.empty()) visit(element);
    if (comma == std::string_view::npos) return;
    value.remove_prefix(comma + 1);
  }
}

// "METHOD SP request-target SP HTTP/1.x"; the target in origin form, or in
// absolute form, whose authority then stands for the Host header (RFC 9112
// 3.2.2). Returns the authority of an absolute-form target through `authority`.
std::optional<http_refusal> parse_request_line(std::string_view line, http_request& req, bool& http10,
                                               std::optional<std::string>& authority) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) return kBadRequest;
  const std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method) || target.empty()) return kBadRequest;
  for (const unsigned char c : target)
    if (c <= 0x20 || c >= 0x7f) return kBadRequest;
  if (version.size() != 8 || version.compare(0, 5, "HTTP/") != 0 || version[6] != '.' || version[5] < '0' ||
      version[5] > '9' || version[7] < '0' || version[7] > '9')
    return kBadRequest;
  if (version[5] != '1') return kBadVersion;
  http10 = version[7] == '0';
  req.method = std::string(method);
  req.target = std::string(target);
  for (const std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (target.size() > scheme.size() && iequals(target.substr(0, scheme.size()), scheme)) {
      const std::string_view rest = target.substr(scheme.size());
      const size_t slash = rest.find_first_of("/?");
      authority = std::string(rest.substr(0, slash));
      target = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
      break;
    }
  }
  if (target.front() != '/' && target.front() != '?') return kBadRequest;
  const size_t q = target.find('?');
  req.path = target.front() == '?' ? "/" : std::string(target.substr(0, q));
  req.query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
  return std::nullopt;
}

}  // namespace

size_t find_head_end(std::string_view bytes, size_t from) {
  // Back up so that a blank line split across two reads is still found.
  size_t i = from >= 2 ? from - 2 : 0;
  for (;;) {
    const void* lf = std::memchr(bytes.data() + i, '\n', bytes.size() - i);
    if (!lf) return 0;
    const size_t at = static_cast<size_t>(static_cast<const char*>(lf) - bytes.data());
    if (at + 1 < bytes.size() && bytes[at + 1] == '\n') return at + 2;
    if (at + 2 < bytes.size() && bytes[at + 1] == '\r' && bytes[at + 2] == '\n') return at + 3;
    i = at + 1;
  }
}

std::optional<http_refusal> refuse_incomplete_head(std::string_view bytes, const head_limits& limits) {
  // A line's limit counts neither its CR nor its LF: a line still waiting
  // for its LF may hold one byte more (its CR) and still be acceptable.
  const size_t first_lf = bytes.find('\n');
  if (first_lf == std::string_view::npos) {
    if (bytes.size() > limits.request_line + 1) return kLineTooLong;
    return std::nullopt;
  }
  if (first_lf > limits.request_line + 1) return kLineTooLong;
  if (bytes.size() > limits.head) return kHeadTooLarge;
  const size_t last_lf = bytes.rfind('\n');
  if (bytes.size() - last_lf - 1 > limits.header_line + 1) return kHeadTooLarge;
  return std::nullopt;
}

std::variant<request_framing, http_refusal> parse_head(std::string_view head, const head_limits& limits,
                                                       http_request& req) {
  line_reader lines(head);
  const std::optional<std::string_view> request_line = lines.next();
  if (!request_line) return kBadRequest;
  if (request_line->size() > limits.request_line) return kLineTooLong;
  if (head.size() > limits.head) return kHeadTooLarge;
  bool http10 = false;
  std::optional<std::string> authority;
  if (auto refused = parse_request_line(*request_line, req, http10, authority)) return *refused;

  request_framing framing;
  bool has_length = false;
  bool close = http10;
  size_t hosts = 0;
  req.headers.clear();
  while (const std::optional<std::string_view> line = lines.next()) {
    if (line->empty()) break;  // the blank line that ends the head
    if (line->size() > limits.header_line || req.headers.size() == limits.header_count) return kHeadTooLarge;
    const size_t colon = line->find(':');
    // No space before the colon, and no obs-fold continuation lines (RFC 9112 5.1, 5.2).
    if (colon == std::string_view::npos || !is_token(line->substr(0, colon))) return kBadRequest;
    const std::string_view name = line->substr(0, colon);
    const std::string_view value = trim_ows(line->substr(colon + 1));
    for (const unsigned char c : value)
      if (c == '\0' || c == '\r' || (c < 0x20 && c != '\t') || c == 0x7f) return kBadRequest;
    req.headers.emplace_back(std::string(name), std::string(value));

    if (iequals(name, "Content-Length")) {
      // Repeated, it must repeat the same number (RFC 9110 8.6).
      uint64_t n = 0;
      if (value.empty() || value.size() > 19) return value.empty() ? kBadRequest : kBodyTooLarge;
      for (const char c : value) {
        if (c < '0' || c > '9') return kBadRequest;
        n = n * 10 + static_cast<uint64_t>(c - '0');
      }
      if (has_length && n != framing.content_length) return kBadRequest;
      framing.content_length = n;
      has_length = true;
    } else if (iequals(name, "Transfer-Encoding")) {
      return kNoChunked;
    } else if (iequals(name, "Host")) {
      ++hosts;
    } else if (iequals(name, "Connection")) {
      // HTTP/1.0's "keep-alive" is not honoured: such clients are rare
      // enough that closing after each response is the simpler contract.
      for_each_element(value, [&](std::string_view token) { close = close || iequals(token, "close"); });
    } else if (iequals(name, "Expect")) {
      if (!iequals(value, "100-continue")) return kBadExpectation;
      framing.expect_continue = !http10;
    }
  }
  // HTTP/1.1 requires exactly one Host (RFC 9112 3.2).
  if (!http10 && hosts != 1 && !authority) return kBadRequest;
  if (authority) {
    // The target's authority replaces any Host header.
    for (auto it = req.headers.begin(); it != req.headers.end();)
      it = iequals(it->first, "Host") ? req.headers.erase(it) : it + 1;
    req.headers.emplace_back("Host", *authority);
  }
  if (framing.content_length > limits.body) return kBodyTooLarge;
  req.keep_alive = !close;
  return framing;
}

}  // namespace server
