// The Set-Cookie header for the click id (C++ API).
#include <clickref/click_id.hpp>
#include <clickref/cookie.hpp>

#include "../catch.hpp"

#include <ctime>
#include <string>
#include <vector>

using namespace clickref;

namespace {

std::string cookie(std::string_view id, int64_t now, const cookie_options& options = {}) {
  auto header = click_cookie(id, now, options);
  REQUIRE(header.ok());
  return *header;
}

status cookie_error(std::string_view id, int64_t now, const cookie_options& options = {}) {
  return click_cookie(id, now, options).error();
}

// The Expires attribute of a header.
std::string expires_of(const std::string& header) {
  const size_t begin = header.find("; Expires=");
  REQUIRE(begin != std::string::npos);
  const size_t end = header.find(';', begin + 2);
  return header.substr(begin + 10, end - begin - 10);
}

// The date `t` as an IMF-fixdate, as the C library formats it in the
// "C" locale: the independent reference.
std::string libc_imf_fixdate(int64_t t) {
  const std::time_t time = static_cast<std::time_t>(t);
  std::tm tm{};
  REQUIRE(gmtime_r(&time, &tm) != nullptr);
  char text[64];
  const size_t n = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  REQUIRE(n > 0);
  return std::string(text, n);
}

std::string expires_at(int64_t t) {
  cookie_options options;
  options.max_age_s = 1;
  return expires_of(cookie("abc", t - 1, options));
}

}  // namespace

TEST_CASE("the default Set-Cookie header", "[cookie]") {
  // 1700000000 + 365 days = 1731536000 = Wed, 13 Nov 2024 22:13:20 GMT.
  CHECK(cookie("tn_123-abc", 1700000000) ==
        "tn_click_id=tn_123-abc; Expires=Wed, 13 Nov 2024 22:13:20 GMT; Max-Age=31536000; Path=/; Secure; "
        "SameSite=Lax");
}

TEST_CASE("options: name, domain, max-age, HttpOnly", "[cookie]") {
  cookie_options options;
  options.name = "ref";
  options.domain = "example.com";
  options.max_age_s = 86400;
  options.http_only = true;
  CHECK(cookie("x", 0, options) ==
        "ref=x; Expires=Fri, 02 Jan 1970 00:00:00 GMT; Max-Age=86400; Domain=example.com; Path=/; Secure; "
        "SameSite=Lax; HttpOnly");
  options = {};
  options.domain = ".shop.example-1.com";
  CHECK(cookie("x", 0, options) ==
        "tn_click_id=x; Expires=Fri, 01 Jan 1971 00:00:00 GMT; Max-Age=31536000; Domain=.shop.example-1.com; "
        "Path=/; Secure; SameSite=Lax");
}

TEST_CASE("IMF-fixdate across year boundaries and leap days", "[cookie][date]") {
  CHECK(expires_at(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(expires_at(946684799) == "Fri, 31 Dec 1999 23:59:59 GMT");
  CHECK(expires_at(946684800) == "Sat, 01 Jan 2000 00:00:00 GMT");
  CHECK(expires_at(951782400) == "Tue, 29 Feb 2000 00:00:00 GMT");  // divisible by 400: leap
  CHECK(expires_at(951868800) == "Wed, 01 Mar 2000 00:00:00 GMT");
  CHECK(expires_at(1704067199) == "Sun, 31 Dec 2023 23:59:59 GMT");
  CHECK(expires_at(1704067200) == "Mon, 01 Jan 2024 00:00:00 GMT");
  CHECK(expires_at(1709164800) == "Thu, 29 Feb 2024 00:00:00 GMT");
  CHECK(expires_at(1735689599) == "Tue, 31 Dec 2024 23:59:59 GMT");  // day 366 of a leap year
  CHECK(expires_at(1735689600) == "Wed, 01 Jan 2025 00:00:00 GMT");
  CHECK(expires_at(4107456000) == "Sun, 28 Feb 2100 00:00:00 GMT");  // divisible by 100: not leap
  CHECK(expires_at(4107542400) == "Mon, 01 Mar 2100 00:00:00 GMT");
  CHECK(expires_at(253402300799) == "Fri, 31 Dec 9999 23:59:59 GMT");
}

TEST_CASE("IMF-fixdate agrees with the C library over four centuries", "[cookie][date]") {
  // A step that is not a whole number of days walks through every time of
  // day, weekday and month end; the boundaries are checked on both sides.
  for (int64_t t = 1; t < 253402300799; t += 86400 * 97 + 3607) {
    INFO("t = " << t);
    REQUIRE(expires_at(t) == libc_imf_fixdate(t));
  }
  for (int64_t year = 1970; year <= 9999; year += 7) {
    std::tm tm{};
    tm.tm_year = static_cast<int>(year - 1900);
    tm.tm_mday = 1;
    const int64_t new_year = static_cast<int64_t>(timegm(&tm));
    if (new_year > 0) REQUIRE(expires_at(new_year - 1) == libc_imf_fixdate(new_year - 1));
    REQUIRE(expires_at(new_year) == libc_imf_fixdate(new_year));
  }
}

TEST_CASE("the cookie round-trips through the Cookie header", "[cookie]") {
  for (const std::string& id :
       std::vector<std::string>{"a", "tn_123-abc", "ABC_xyz-09", std::string(200, 'z')}) {
    const std::string header = cookie(id, 1700000000);
    // A browser sends back "name=value", the part before the first ';'.
    const std::string sent = "other=1; " + header.substr(0, header.find(';'));
    auto back = click_id_from_cookies(sent);
    REQUIRE(back.ok());
    CHECK(*back == id);
  }
}

TEST_CASE("bad ids and options are refused", "[cookie]") {
  CHECK(cookie_error("", 0) == CLICKREF_E_INVALID_CLICK_ID);
  CHECK(cookie_error("a b", 0) == CLICKREF_E_INVALID_CLICK_ID);
  CHECK(cookie_error("a;b", 0) == CLICKREF_E_INVALID_CLICK_ID);
  CHECK(cookie_error(std::string(201, 'a'), 0) == CLICKREF_E_INVALID_CLICK_ID);
  CHECK(cookie(std::string(200, 'a'), 0).size() > 200);

  auto with_name = [](const char* name) {
    cookie_options o;
    o.name = name;
    return o;
  };
  CHECK(cookie_error("a", 0, with_name("")) == CLICKREF_E_INVALID_ARGUMENT);
  for (const char* name :
       {"a b", "a=b", "a;b", "a,b", "a\"b", "a\tb", "a\nb", "caf\xC3\xA9", "a(b)", "a/b"}) {
    INFO("name: " << name);
    CHECK(cookie_error("a", 0, with_name(name)) == CLICKREF_E_INVALID_ARGUMENT);
  }
  CHECK(cookie("a", 0, with_name("__Secure-ref")).rfind("__Secure-ref=a; ", 0) == 0);
  CHECK(cookie("a", 0, with_name("__Host-ref")).rfind("__Host-ref=a; ", 0) == 0);

  cookie_options host_prefixed = with_name("__host-ref");
  host_prefixed.domain = "example.com";
  CHECK(cookie_error("a", 0, host_prefixed) == CLICKREF_E_INVALID_ARGUMENT);

  for (const char* domain :
       {"example.com; HttpOnly", "a b", "exa\nmple.com", "ex_ample.com", "caf\xC3\xA9.fr"}) {
    INFO("domain: " << domain);
    cookie_options o;
    o.domain = domain;
    CHECK(cookie_error("a", 0, o) == CLICKREF_E_INVALID_ARGUMENT);
  }

  cookie_options age;
  for (int64_t bad : {int64_t{0}, int64_t{-1}, INT64_MIN, INT64_MAX, int64_t{253402300800}}) {
    age.max_age_s = bad;
    CHECK(cookie_error("a", 0, age) == CLICKREF_E_INVALID_ARGUMENT);
  }
  // The expiry must be a date IMF-fixdate can write, 1970..9999.
  age.max_age_s = 10;
  CHECK(cookie_error("a", 253402300790, age) == CLICKREF_E_INVALID_ARGUMENT);
  CHECK(cookie_error("a", INT64_MAX, age) == CLICKREF_E_INVALID_ARGUMENT);
  CHECK(cookie_error("a", -11, age) == CLICKREF_E_INVALID_ARGUMENT);
  CHECK(expires_of(cookie("a", -10, age)) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(expires_of(cookie("a", 253402300789, age)) == "Fri, 31 Dec 9999 23:59:59 GMT");
}
