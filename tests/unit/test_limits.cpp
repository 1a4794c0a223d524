// The limits of every input, through the C API: what each accepts, and the
// named status (never a crash, a hang or an allocation without bound) past
// it. The README's limits table is this file in prose.
#include <clickref/clickref.h>

#include "../catch.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

namespace {

constexpr size_t kMiB = size_t{1} << 20;
const std::string kSecret = "whsec_limits";
constexpr int64_t kT = 1700000000;

// The v1 signature of `payload`, computed with OpenSSL alone.
std::string reference_v1(const std::string& payload) {
  const std::string content = std::to_string(kT) + "." + payload;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < mac_len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 15];
  }
  return out;
}

clickref_status verify(const std::string& payload, const std::string& header, clickref_error* err = nullptr) {
  return clickref_verify_signature(payload.data(), payload.size(), header.data(), header.size(), kSecret.data(),
                                   kSecret.size(), kT, CLICKREF_DEFAULT_TOLERANCE, 0, err);
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

TEST_CASE("a header has no length limit: a genuine v1 after 1 MiB of others still matches", "[limits][signature]") {
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
  CHECK(clickref_click_cookie(longest.data(), longest.size(), nullptr, kT, out, sizeof out, &len) == CLICKREF_OK);
  CHECK(clickref_click_cookie(too_long.data(), too_long.size(), nullptr, kT, out, sizeof out, &len) ==
        CLICKREF_E_INVALID_CLICK_ID);
  const std::string link = "https://buy.stripe.com/test_abc";
  CHECK(clickref_rewrite_url(link.data(), link.size(), longest.data(), longest.size(), nullptr, out, sizeof out,
                             &len) == CLICKREF_OK);
  CHECK(std::string(out, len) == link + "?client_reference_id=" + longest);
  CHECK(clickref_rewrite_url(link.data(), link.size(), too_long.data(), too_long.size(), nullptr, out, sizeof out,
                             &len) == CLICKREF_E_INVALID_CLICK_ID);
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
