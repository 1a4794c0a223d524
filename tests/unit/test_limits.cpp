// The limits of every input, through the C API: what each accepts, and the
// named status (never a crash, a hang or an allocation without bound) past
// it. The README's limits table is this file in prose.
#include <clickref/clickref.h>

#include "../catch.hpp"
#include "reference_hmac.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace {

constexpr size_t kMiB = size_t{1} << 20;
const std::string kSecret = "whsec_limits";
constexpr int64_t kT = 1700000000;

// The v1 signature of `payload`, computed with OpenSSL alone.
std::string reference_v1(const std::string& payload) { return clickref::test::reference_v1(kSecret, kT, payload); }

clickref_status verify(const std::string& payload, const std::string& header, clickref_error* err = nullptr) {
  return clickref_verify_signature(payload.data(), payload.size(), header.data(), header.size(),
                                   kSecret.data(), kSecret.size(), kT, CLICKREF_DEFAULT_TOLERANCE, 0, err);
}

// Calls a clickref output function the documented way: a size query, then
// a buffer of exactly that size. Returns the status and fills `out`.
template <class Write>
clickref_status call_with_exact_buffer(Write&& write, std::string& out) {
  size_t needed = 0;
  clickref_status s = write(nullptr, 0, &needed);
  if (s != CLICKREF_E_BUFFER_TOO_SMALL) return s;
  out.assign(needed, '\0');
  size_t written = 0;
  s = write(out.data(), out.size(), &written);
  out.resize(written);
  return s;
}

clickref_status from_url(const std::string& url, std::string& value) {
  return call_with_exact_buffer(
      [&](char* out, size_t cap, size_t* len) {
        return clickref_click_id_from_url(url.data(), url.size(), nullptr, 0, out, cap, len);
      },
      value);
}

clickref_status from_cookies(const std::string& header, std::string& value) {
  return call_with_exact_buffer(
      [&](char* out, size_t cap, size_t* len) {
        return clickref_click_id_from_cookies(header.data(), header.size(), nullptr, 0, out, cap, len);
      },
      value);
}

}  // namespace

// ---------------------------------------------------------------- Stripe-Signature header

TEST_CASE("a header has no length limit: a genuine v1 after 1 MiB of others still matches",
          "[limits][signature]") {
  const std::string payload = R"({"id":"evt_limits","object":"event"})";
  std::string header = "t=" + std::to_string(kT);
  while (header.size() < kMiB) header += ",v1=" + std::string(64, '0');
  header += ",v1=" + reference_v1(payload);
  CHECK(verify(payload, header) == CLICKREF_OK);
  header.resize(header.size() - 1);  // the genuine one, cut: no v1 matches
  CHECK(verify(payload, header) == CLICKREF_E_SIG_MISMATCH);
}

TEST_CASE("1 MiB headers of junk get their status and the offset of the problem", "[limits][signature]") {
  const std::string payload = "{}";
  clickref_error err{};
  CHECK(verify(payload, std::string(kMiB, 'x'), &err) == CLICKREF_E_SIG_MALFORMED_HEADER);
  CHECK(verify(payload, std::string(kMiB, ' ')) == CLICKREF_E_SIG_MISSING_HEADER);
  CHECK(verify(payload, std::string(kMiB, ',')) == CLICKREF_E_SIG_MALFORMED_HEADER);
  // A timestamp of a million digits overflows int64: malformed, at its item.
  const std::string long_t = "v1=" + std::string(64, 'a') + ",t=" + std::string(kMiB, '9');
  CHECK(verify(payload, long_t, &err) == CLICKREF_E_SIG_MALFORMED_HEADER);
  CHECK(err.offset == 68);
  // NUL bytes are data, not terminators: "17\0" is not a timestamp.
  const std::string with_nul = std::string("t=17\0,v1=", 9) + std::string(64, 'a');
  CHECK(verify(payload, with_nul) == CLICKREF_E_SIG_MALFORMED_HEADER);
}

// ---------------------------------------------------------------- payload size

TEST_CASE("the C API verifies a 16 MiB payload; one byte changed at its end is a mismatch",
          "[limits][signature]") {
  std::string payload(16 * kMiB, 'p');
  const std::string header = "t=" + std::to_string(kT) + ",v1=" + reference_v1(payload);
  CHECK(verify(payload, header) == CLICKREF_OK);
  payload.back() = 'q';
  CHECK(verify(payload, header) == CLICKREF_E_SIG_MISMATCH);
}

// ---------------------------------------------------------------- click ids

TEST_CASE("a click id is at most 200 characters wherever one is written", "[limits][click_id]") {
  const std::string longest(CLICKREF_MAX_CLICK_ID_LEN, 'a');
  const std::string too_long(CLICKREF_MAX_CLICK_ID_LEN + 1, 'a');
  CHECK(clickref_click_id_valid(longest.data(), longest.size()) == 1);
  CHECK(clickref_click_id_valid(too_long.data(), too_long.size()) == 0);

  char out[1024];
  size_t len = 0;
  CHECK(clickref_click_cookie(longest.data(), longest.size(), nullptr, kT, out, sizeof out, &len) ==
        CLICKREF_OK);
  CHECK(clickref_click_cookie(too_long.data(), too_long.size(), nullptr, kT, out, sizeof out, &len) ==
        CLICKREF_E_INVALID_CLICK_ID);
  const std::string link = "https://buy.stripe.com/test_abc";
  CHECK(clickref_rewrite_url(link.data(), link.size(), longest.data(), longest.size(), nullptr, out,
                             sizeof out, &len) == CLICKREF_OK);
  CHECK(std::string(out, len) == link + "?client_reference_id=" + longest);
  CHECK(clickref_rewrite_url(link.data(), link.size(), too_long.data(), too_long.size(), nullptr, out,
                             sizeof out, &len) == CLICKREF_E_INVALID_CLICK_ID);
}

TEST_CASE("reading a click id returns the whole value, however long; checking it is the caller's step",
          "[limits][click_id]") {
  const std::string mib_value(kMiB, 'a');
  std::string value;
  REQUIRE(from_url("/landing?click_id=" + mib_value + "&x=1", value) == CLICKREF_OK);
  CHECK(value == mib_value);
  CHECK(clickref_click_id_valid(value.data(), value.size()) == 0);
  REQUIRE(from_cookies("a=b; tn_click_id=" + mib_value, value) == CLICKREF_OK);
  CHECK(value == mib_value);
}

TEST_CASE("a decoded value is at most three times its input: each byte that is not UTF-8 becomes U+FFFD",
          "[limits][click_id]") {
  const size_t n = 300 * 1024;
  std::string value;
  REQUIRE(from_url("click_id=" + std::string(n, '\xFF'), value) == CLICKREF_OK);
  CHECK(value.size() == 3 * n);
  CHECK(value.substr(0, 6) == "\xEF\xBF\xBD\xEF\xBF\xBD");
  // decodeURIComponent refuses instead of replacing.
  CHECK(from_cookies("tn_click_id=" + std::string(n, '\xFF'), value) == CLICKREF_E_BAD_ENCODING);
}

// ---------------------------------------------------------------- events

namespace {

// A charge.succeeded event whose charge carries an unknown field nested so
// that the document is `levels` deep (the root object is level 1).
std::string event_nested(size_t levels) {
  const size_t arrays = levels - 3;  // root, data, data.object
  return R"({"id":"evt_1","object":"event","created":1,"livemode":false,"type":"charge.succeeded",)"
         R"("data":{"object":{"id":"ch_1","object":"charge","amount":1,"amount_refunded":0,"currency":"usd",)"
         R"("extra":)" +
         std::string(arrays, '[') + std::string(arrays, ']') + "}}}";
}

clickref_status parse(const std::string& payload, clickref_error* err = nullptr) {
  clickref_event* event = nullptr;
  const clickref_status s = clickref_event_parse(payload.data(), payload.size(), &event, err);
  clickref_event_free(event);
  return s;
}

}  // namespace

TEST_CASE("JSON nesting: 64 levels parse, 65 are CLICKREF_E_JSON_TOO_DEEP", "[limits][event]") {
  CHECK(parse(event_nested(64)) == CLICKREF_OK);
  CHECK(parse(event_nested(65)) == CLICKREF_E_JSON_TOO_DEEP);
  // Half a million levels are refused the same way, without recursion.
  clickref_error err{};
  CHECK(parse(std::string(kMiB / 2, '[') + std::string(kMiB / 2, ']'), &err) == CLICKREF_E_JSON_TOO_DEEP);
  CHECK(err.code == CLICKREF_E_JSON_TOO_DEEP);
  // Unclosed, they are not JSON at all.
  CHECK(parse(std::string(kMiB, '[')) == CLICKREF_E_JSON);
}

TEST_CASE("the C API parses a 16 MiB event", "[limits][event]") {
  std::string payload = event_nested(4);
  const std::string big_field = R"(,"description":")" + std::string(16 * kMiB, 'd') + "\"";
  payload.insert(payload.size() - 3, big_field);
  REQUIRE(payload.size() > 16 * kMiB);
  clickref_event* event = nullptr;
  REQUIRE(clickref_event_parse(payload.data(), payload.size(), &event, nullptr) == CLICKREF_OK);
  clickref_conversion c;
  CHECK(clickref_event_conversion(event, &c) == CLICKREF_OK);
  CHECK(c.amount == 1);
  clickref_event_free(event);
}

// ---------------------------------------------------------------- HTML

namespace {

constexpr size_t kMaxTagBytes = 64 * 1024;  // clickref.h: "a tag longer than 64 KiB"
const std::string kHtmlId = "aff_1";

// A payment-link <a> start tag exactly `bytes` long from '<' to '>'.
std::string link_tag(size_t bytes) {
  const std::string head = R"(<a href="https://buy.stripe.com/x" data-pad=")";
  const std::string tail = "\">";
  return head + std::string(bytes - head.size() - tail.size(), 'p') + tail;
}

std::string rewrite_one_shot(const std::string& html) {
  std::string out;
  const clickref_status s = call_with_exact_buffer(
      [&](char* buffer, size_t cap, size_t* len) {
        return clickref_rewrite_html(html.data(), html.size(), kHtmlId.data(), kHtmlId.size(), nullptr,
                                     buffer, cap, len);
      },
      out);
  REQUIRE(s == CLICKREF_OK);
  return out;
}

clickref_status append(void* user, const char* data, size_t len) {
  static_cast<std::string*>(user)->append(data, len);
  return CLICKREF_OK;
}

// Streams `html` in 4 KiB chunks and returns the output. `most_held` is the
// largest number of bytes fed but not yet passed to the sink after a write.
std::string rewrite_streaming(const std::string& html, size_t& most_held) {
  std::string out;
  clickref_html_rewriter* rw = nullptr;
  REQUIRE(clickref_html_rewriter_new(kHtmlId.data(), kHtmlId.size(), nullptr, append, &out, &rw) ==
          CLICKREF_OK);
  most_held = 0;
  for (size_t at = 0; at < html.size(); at += 4096) {
    const size_t n = std::min<size_t>(4096, html.size() - at);
    REQUIRE(clickref_html_rewriter_write(rw, html.data() + at, n) == CLICKREF_OK);
    // Without a rewrite, output and input advance byte for byte.
    most_held = std::max(most_held, at + n - out.size());
  }
  REQUIRE(clickref_html_rewriter_finish(rw) == CLICKREF_OK);
  clickref_html_rewriter_free(rw);
  return out;
}

}  // namespace

TEST_CASE("a start tag of up to 64 KiB is rewritten; a longer one is copied unchanged", "[limits][html]") {
  const std::string longest = link_tag(kMaxTagBytes);
  const std::string rewritten = rewrite_one_shot(longest);
  CHECK(rewritten.find("href=\"https://buy.stripe.com/x?client_reference_id=aff_1\"") != std::string::npos);
  const std::string too_long = link_tag(kMaxTagBytes + 1);
  CHECK(rewrite_one_shot(too_long) == too_long);
  size_t held = 0;
  CHECK(rewrite_streaming(too_long, held) == too_long);
}

TEST_CASE("a streaming rewriter holds at most 64 KiB, whatever it is fed", "[limits][html]") {
  const std::string mib(kMiB, 'x');
  const std::pair<const char*, std::string> documents[] = {
      {"a 1 MiB payment-link tag", link_tag(kMiB)},
      {"an unterminated attribute value", R"(<a href="https://buy.stripe.com/x)" + mib},
      {"a tag name and white space", "<a" + std::string(kMiB, ' ')},
      {"an unterminated comment", "<!--" + mib},
      {"unterminated script text", "<script>" + mib},
      {"unterminated title text", "<title>" + mib},
      {"a huge DOCTYPE", "<!DOCTYPE " + mib},
      {"a huge end tag", "</a " + mib},
      {"SVG nested 100 000 deep",
       [] {
         std::string s = "<svg>";
         for (int i = 0; i < 100000; ++i) s += "<g>";
         return s;
       }()},
      {"many small tags",
       [] {
         std::string s;
         while (s.size() < kMiB) s += "<p class=x>t</p>";
         return s;
       }()},
  };
  for (const auto& [what, html] : documents) {
    INFO(what);
    size_t held = 0;
    CHECK(rewrite_streaming(html, held) == html);
    CHECK(held <= kMaxTagBytes);
  }
}
