// Stripe-Signature verification and signing (C++ API).
#include <clickref/signature.hpp>

#include "../catch.hpp"
#include "reference_hmac.hpp"
#include "test_data.hpp"

#include <string>

using namespace clickref;
using clickref::test::reference_v1;

namespace {

const std::string kSecret = "whsec_test_secret";
const std::string kPayload = R"({"id":"evt_1","object":"event","type":"charge.succeeded"})";
constexpr int64_t kT = 1700000000;

std::string header_for(const std::string& secret, int64_t t, const std::string& payload) {
  return "t=" + std::to_string(t) + ",v1=" + reference_v1(secret, t, payload);
}

status verify(const std::string& payload, const std::string& header, int64_t now = kT,
              verify_options options = {}) {
  return verify_signature(payload, header, kSecret, now, options);
}

}  // namespace

TEST_CASE("known-answer vector from stripe-dotnet", "[signature]") {
  const std::string payload = test::read_test_file("stripe-signature-vector-payload.json");
  REQUIRE(payload.size() == 484);
  const std::string header =
      "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7,"
      "v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef";
  CHECK(verify_signature(payload, header, "webhook_secret", 1533204720) == CLICKREF_OK);
  CHECK(verify_signature(payload, header, "webhook_secret", 1533205020 + 1) == CLICKREF_E_SIG_TOO_OLD);
  std::string tampered = payload;
  tampered[10] ^= 1;
  CHECK(verify_signature(tampered, header, "webhook_secret", 1533204720) == CLICKREF_E_SIG_MISMATCH);
  // The v0 decoy alone never verifies.
  CHECK(verify_signature(payload, "t=1533204620,v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef",
                         "webhook_secret", 1533204720) == CLICKREF_E_SIG_NO_V1);
  // sign_payload reproduces the published v1.
  auto signed_header = sign_payload(payload, "webhook_secret", 1533204620);
  REQUIRE(signed_header.ok());
  CHECK(*signed_header == "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7");
}

TEST_CASE("a valid header verifies; tampering and wrong secrets do not", "[signature]") {
  const std::string header = header_for(kSecret, kT, kPayload);
  CHECK(verify(kPayload, header) == CLICKREF_OK);

  for (size_t i = 0; i < kPayload.size(); i += 7) {
    std::string tampered = kPayload;
    tampered[i] ^= 0x20;
    CHECK(verify(tampered, header) == CLICKREF_E_SIG_MISMATCH);
  }
  CHECK(verify(kPayload + " ", header) == CLICKREF_E_SIG_MISMATCH);
  CHECK(verify_signature(kPayload, header, "whsec_other", kT) == CLICKREF_E_SIG_MISMATCH);
  // The timestamp is part of the signed content.
  CHECK(verify(kPayload, "t=" + std::to_string(kT + 1) + ",v1=" + reference_v1(kSecret, kT, kPayload)) ==
        CLICKREF_E_SIG_MISMATCH);
}

TEST_CASE("any v1 may match: bogus extras and secret rotation", "[signature]") {
  const std::string good = reference_v1(kSecret, kT, kPayload);
  const std::string bogus(64, 'a');
  const std::string t = "t=" + std::to_string(kT);
  CHECK(verify(kPayload, t + ",v1=" + bogus + ",v1=" + good) == CLICKREF_OK);
  CHECK(verify(kPayload, t + ",v1=" + good + ",v1=" + bogus) == CLICKREF_OK);
  CHECK(verify(kPayload, t + ",v1=" + bogus) == CLICKREF_E_SIG_MISMATCH);

  // Rotation: two secrets configured, the header signed with the new one,
  // or carrying one v1 per secret.
  const std::string old_secret = "whsec_old";
  const std::string new_secret = "whsec_new";
  const std::string both = t + ",v1=" + reference_v1(new_secret, kT, kPayload) + ",v1=" +
                           reference_v1(old_secret, kT, kPayload);
  CHECK(verify_signature(kPayload, both, {old_secret, new_secret}, kT) == CLICKREF_OK);
  CHECK(verify_signature(kPayload, header_for(new_secret, kT, kPayload), {old_secret, new_secret}, kT) ==
        CLICKREF_OK);
  CHECK(verify_signature(kPayload, header_for(old_secret, kT, kPayload), {new_secret}, kT) ==
        CLICKREF_E_SIG_MISMATCH);
  CHECK(verify_signature(kPayload, both, std::initializer_list<std::string_view>{}, kT) ==
        CLICKREF_E_INVALID_ARGUMENT);
}

TEST_CASE("only v1 counts: v0 and unknown schemes are ignored", "[signature]") {
  const std::string good = reference_v1(kSecret, kT, kPayload);
  const std::string t = "t=" + std::to_string(kT);
  CHECK(verify(kPayload, t + ",v0=" + good) == CLICKREF_E_SIG_NO_V1);
  CHECK(verify(kPayload, t + ",v2=" + good) == CLICKREF_E_SIG_NO_V1);
  CHECK(verify(kPayload, t + ",V1=" + good) == CLICKREF_E_SIG_NO_V1);
  CHECK(verify(kPayload, t + ",v0=" + good + ",v1=" + good) == CLICKREF_OK);
  CHECK(verify(kPayload, t) == CLICKREF_E_SIG_NO_V1);
}

TEST_CASE("v1 values that are not 64 hex digits never match", "[signature]") {
  const std::string good = reference_v1(kSecret, kT, kPayload);
  const std::string t = "t=" + std::to_string(kT) + ",v1=";
  CHECK(verify(kPayload, t + good.substr(0, 63)) == CLICKREF_E_SIG_MISMATCH);
  CHECK(verify(kPayload, t + good + "0") == CLICKREF_E_SIG_MISMATCH);
  CHECK(verify(kPayload, t + good.substr(0, 62) + "zz") == CLICKREF_E_SIG_MISMATCH);
  CHECK(verify(kPayload, t) == CLICKREF_E_SIG_MISMATCH);
  // Upper-case hex encodes the same bytes; the comparison is on bytes.
  std::string upper = good;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(verify(kPayload, t + upper) == CLICKREF_OK);
}

TEST_CASE("timestamp tolerance", "[signature]") {
  const std::string header = header_for(kSecret, kT, kPayload);
  CHECK(verify(kPayload, header, kT + 300) == CLICKREF_OK);
  CHECK(verify(kPayload, header, kT + 301) == CLICKREF_E_SIG_TOO_OLD);
  verify_options tight;
  tight.tolerance_s = 10;
  CHECK(verify(kPayload, header, kT + 10, tight) == CLICKREF_OK);
  CHECK(verify(kPayload, header, kT + 11, tight) == CLICKREF_E_SIG_TOO_OLD);
  verify_options unlimited;
  unlimited.tolerance_s = 0;
  CHECK(verify(kPayload, header, kT + 100000000, unlimited) == CLICKREF_OK);
  unlimited.tolerance_s = -1;
  CHECK(verify(kPayload, header, kT + 100000000, unlimited) == CLICKREF_OK);

  // The signature is checked first: a forged header learns nothing of timing.
  CHECK(verify(kPayload, "t=1,v1=" + std::string(64, '0'), kT) == CLICKREF_E_SIG_MISMATCH);
}

TEST_CASE("future timestamps: accepted by default, rejected on request", "[signature]") {
  const std::string header = header_for(kSecret, kT, kPayload);
  CHECK(verify(kPayload, header, kT - 100000) == CLICKREF_OK);
  verify_options strict;
  strict.reject_future = true;
  CHECK(verify(kPayload, header, kT - 300, strict) == CLICKREF_OK);
  CHECK(verify(kPayload, header, kT - 301, strict) == CLICKREF_E_SIG_IN_FUTURE);
  CHECK(verify(kPayload, header, kT + 301, strict) == CLICKREF_E_SIG_TOO_OLD);
}

TEST_CASE("extreme timestamps do not overflow the age arithmetic", "[signature]") {
  const int64_t max_t = INT64_MAX;
  const std::string header = header_for(kSecret, max_t, kPayload);
  verify_options strict;
  strict.reject_future = true;
  CHECK(verify(kPayload, header, INT64_MIN, strict) == CLICKREF_E_SIG_IN_FUTURE);
  CHECK(verify(kPayload, header_for(kSecret, 0, kPayload), INT64_MAX) == CLICKREF_E_SIG_TOO_OLD);
}

TEST_CASE("white space around items, keys and values is tolerated", "[signature]") {
  const std::string good = reference_v1(kSecret, kT, kPayload);
  const std::string t = std::to_string(kT);
  for (const std::string& header : {
           "t=" + t + ", v1=" + good,
           " t=" + t + " , v1=" + good + " ",
           "t=" + t + ",\tv1=" + good,
           "t = " + t + ",v1 = " + good,
           "t=" + t + ",,v1=" + good,
       }) {
    CAPTURE(header);
    CHECK(verify(kPayload, header) == CLICKREF_OK);
  }
}

TEST_CASE("malformed t is rejected with a named status", "[signature]") {
  const std::string v1 = ",v1=" + reference_v1(kSecret, kT, kPayload);
  const std::string t = std::to_string(kT);
  for (const std::string& header : {
           "v1=" + reference_v1(kSecret, kT, kPayload),  // no t
           "t=" + v1,                                    // empty t
           "t" + v1,                                     // t without '='
           "t=abc" + v1,
           "t=" + t + "abc" + v1,
           "t=-5" + v1,
           "t=+5" + v1,
           "t=12 34" + v1,
           "t=12345678901234567890" + v1,  // 20 digits: beyond int64
           "t=9223372036854775808" + v1,   // INT64_MAX + 1
           "t=" + t + ",t=" + t + v1,      // duplicate t, even when equal
           "t=" + t + v1 + ",t=1",
       }) {
    CAPTURE(header);
    CHECK(verify(kPayload, header) == CLICKREF_E_SIG_MALFORMED_HEADER);
  }
  clickref_error err{};
  CHECK(verify_signature(kPayload, "v1=x, t=12x", kSecret, kT, {}, &err) == CLICKREF_E_SIG_MALFORMED_HEADER);
  CHECK(err.code == CLICKREF_E_SIG_MALFORMED_HEADER);
  CHECK(err.offset == 5);
  CHECK(std::string(err.message).find("malformed") != std::string::npos);
}

TEST_CASE("empty header and empty payload", "[signature]") {
  CHECK(verify(kPayload, "") == CLICKREF_E_SIG_MISSING_HEADER);
  CHECK(verify(kPayload, "  \t ") == CLICKREF_E_SIG_MISSING_HEADER);
  CHECK(verify("", header_for(kSecret, kT, "")) == CLICKREF_E_EMPTY_PAYLOAD);
}

TEST_CASE("hostile headers: 64 KiB of junk", "[signature]") {
  const std::string junk(64 * 1024, 'x');
  CHECK(verify(kPayload, junk) == CLICKREF_E_SIG_MALFORMED_HEADER);
  std::string commas(64 * 1024, ',');
  CHECK(verify(kPayload, commas) == CLICKREF_E_SIG_MALFORMED_HEADER);
  std::string many_v1 = "t=" + std::to_string(kT);
  while (many_v1.size() < 64 * 1024) many_v1 += ",v1=" + std::string(64, 'f');
  CHECK(verify(kPayload, many_v1) == CLICKREF_E_SIG_MISMATCH);
  CHECK(verify(kPayload, many_v1 + ",v1=" + reference_v1(kSecret, kT, kPayload)) == CLICKREF_OK);
  std::string nul_header = header_for(kSecret, kT, kPayload);
  nul_header.insert(nul_header.begin() + 3, '\0');
  CHECK(verify(kPayload, nul_header) == CLICKREF_E_SIG_MALFORMED_HEADER);
}

TEST_CASE("payload bytes are bytes: NUL and invalid UTF-8", "[signature]") {
  const std::string payload("{\"a\":\"\0\xff\xfe\xc3\x28\"}\r\n", 14);
  REQUIRE(payload.size() == 14);
  const std::string header = header_for(kSecret, kT, payload);
  CHECK(verify(payload, header) == CLICKREF_OK);
  CHECK(verify(payload.substr(0, 13), header) == CLICKREF_E_SIG_MISMATCH);
}

TEST_CASE("sign_payload matches an independent HMAC", "[signature]") {
  auto header = sign_payload(kPayload, kSecret, kT);
  REQUIRE(header.ok());
  CHECK(*header == header_for(kSecret, kT, kPayload));
  CHECK(verify(kPayload, *header) == CLICKREF_OK);
  CHECK(sign_payload(kPayload, kSecret, -1).error() == CLICKREF_E_INVALID_ARGUMENT);
  auto zero = sign_payload(kPayload, kSecret, 0);
  REQUIRE(zero.ok());
  CHECK(zero->rfind("t=0,v1=", 0) == 0);
}

TEST_CASE("prepared verifier behaves as the one-shot function", "[signature]") {
  const std::string header = header_for(kSecret, kT, kPayload);
  auto v = verifier::create({"whsec_unrelated", kSecret});
  REQUIRE(v.ok());
  CHECK(v->verify(kPayload, header, kT) == CLICKREF_OK);
  CHECK(v->verify(kPayload, header, kT + 301) == CLICKREF_E_SIG_TOO_OLD);
  CHECK(v->verify(kPayload + "x", header, kT) == CLICKREF_E_SIG_MISMATCH);
  CHECK(v->verify(kPayload, "", kT) == CLICKREF_E_SIG_MISSING_HEADER);
  CHECK(v->verify("", header, kT) == CLICKREF_E_EMPTY_PAYLOAD);
  // Repeated use of the prepared state gives the same answer every time.
  for (int i = 0; i < 100; ++i) REQUIRE(v->verify(kPayload, header, kT) == CLICKREF_OK);

  verify_options strict;
  strict.tolerance_s = 5;
  strict.reject_future = true;
  auto s = verifier::create({kSecret}, strict);
  REQUIRE(s.ok());
  CHECK(s->verify(kPayload, header, kT - 6) == CLICKREF_E_SIG_IN_FUTURE);
  CHECK(s->verify(kPayload, header, kT + 6) == CLICKREF_E_SIG_TOO_OLD);

  CHECK(verifier::create({}).error() == CLICKREF_E_INVALID_ARGUMENT);
  CHECK(verifier::create({""}).error() == CLICKREF_E_INVALID_ARGUMENT);
  verifier empty;
  CHECK(empty.verify(kPayload, header, kT) == CLICKREF_E_INVALID_ARGUMENT);
}

TEST_CASE("secrets of every length around the HMAC block size", "[signature]") {
  // Keys longer than SHA-256's 64-byte block are hashed first (RFC 2104);
  // the reference is OpenSSL's own HMAC.
  for (size_t len : {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{100}, size_t{1000}}) {
    std::string secret;
    for (size_t i = 0; i < len; ++i) secret.push_back(static_cast<char>('A' + i % 26));
    CAPTURE(len);
    const std::string header = "t=" + std::to_string(kT) + ",v1=" + reference_v1(secret, kT, kPayload);
    CHECK(verify_signature(kPayload, header, secret, kT) == CLICKREF_OK);
    auto signed_header = sign_payload(kPayload, secret, kT);
    REQUIRE(signed_header.ok());
    CHECK(*signed_header == header);
    if (len > 0) {
      auto v = verifier::create({secret});
      REQUIRE(v.ok());
      CHECK(v->verify(kPayload, header, kT) == CLICKREF_OK);
      CHECK(v->verify(kPayload + "!", header, kT) == CLICKREF_E_SIG_MISMATCH);
    }
  }
}
