// Click ids: Stripe's rule, the landing URL's query (WHATWG
// application/x-www-form-urlencoded) and the Cookie header (decodeURIComponent).
#include <clickref/click_id.hpp>

#include "../catch.hpp"
#include "form_urlencoded.hpp"
#include "test_data.hpp"

#include <simdjson.h>

#include <string>
#include <utility>
#include <vector>

using namespace clickref;
using namespace std::string_literals;

namespace {

using pair_list = std::vector<std::pair<std::string, std::string>>;

const std::string kFFFD = "\xEF\xBF\xBD";

std::string from_url(std::string_view url, std::string_view param = kDefaultClickIdParam) {
  auto id = click_id_from_url(url, param);
  REQUIRE(id.ok());
  return *id;
}

status from_url_error(std::string_view url, std::string_view param = kDefaultClickIdParam) {
  return click_id_from_url(url, param).error();
}

std::string from_cookies(std::string_view header, std::string_view name = kDefaultClickIdCookie) {
  auto id = click_id_from_cookies(header, name);
  REQUIRE(id.ok());
  return *id;
}

status from_cookies_error(std::string_view header, std::string_view name = kDefaultClickIdCookie) {
  return click_id_from_cookies(header, name).error();
}

// The WPT vectors as (input, expected pairs).
std::vector<std::pair<std::string, pair_list>> wpt_vectors() {
  simdjson::dom::parser parser;
  const simdjson::padded_string json(test::read_test_file("wpt-urlencoded-parser-data.json"));
  simdjson::dom::element root = parser.parse(json);
  std::vector<std::pair<std::string, pair_list>> vectors;
  for (simdjson::dom::element vector : root.get_array()) {
    pair_list expected;
    for (simdjson::dom::element pair : vector["output"].get_array()) {
      expected.emplace_back(std::string(pair.at(0).get_string().value()),
                            std::string(pair.at(1).get_string().value()));
    }
    vectors.emplace_back(std::string(vector["input"].get_string().value()), std::move(expected));
  }
  return vectors;
}

}  // namespace

TEST_CASE("the WPT urlencoded-parser vectors all pass", "[click_id][wpt]") {
  const auto vectors = wpt_vectors();
  REQUIRE(vectors.size() == 35);
  for (const auto& [input, expected] : vectors) {
    INFO("input: " << input);
    CHECK(detail::parse_form_urlencoded(input) == expected);
  }
}

TEST_CASE("click_id_from_url returns what URLSearchParams.get gives for the WPT vectors", "[click_id][wpt]") {
  for (const auto& [input, expected] : wpt_vectors()) {
    for (const auto& [name, value] : expected) {
      INFO("input: " << input << "  name: " << name);
      // The first pair with this name is the one get() returns.
      std::string first;
      for (const auto& pair : expected) {
        if (pair.first == name) {
          first = pair.second;
          break;
        }
      }
      const std::string url = "https://shop.example/landing?" + input;
      if (first.empty()) {
        CHECK(from_url_error(url, name) == CLICKREF_E_NOT_FOUND);
      } else {
        CHECK(from_url(url, name) == first);
        // The allocation-free decoder the C layer uses agrees.
        char buffer[64];
        std::string_view raw;
        detail::for_each_raw_pair(input, [&](const detail::raw_pair& pair) {
          raw = pair.value;
          return !detail::name_equals(pair, name);
        });
        REQUIRE(detail::write_form_decoded(raw, buffer, sizeof buffer) == first.size());
        CHECK(std::string(buffer, first.size()) == first);
      }
    }
  }
}

TEST_CASE("invalid UTF-8 becomes U+FFFD per maximal subpart", "[click_id][utf8]") {
  // Unicode 15, §3.9 "U+FFFD Substitution of Maximal Subparts", table 3-8:
  // 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 → a FFFD FFFD FFFD b FFFD c FFFD FFFD d.
  CHECK(from_url("?click_id=%61%F1%80%80%E1%80%C2%62%80%63%80%BF%64") ==
        "a" + kFFFD + kFFFD + kFFFD + "b" + kFFFD + "c" + kFFFD + kFFFD + "d");
  // The same bytes unescaped.
  CHECK(from_url("?click_id=a\xF1\x80\x80\xE1\x80\xC2"
                 "b\x80"
                 "c\x80\xBF"
                 "d") == "a" + kFFFD + kFFFD + kFFFD + "b" + kFFFD + "c" + kFFFD + kFFFD + "d");
  // Overlong, surrogate and beyond-U+10FFFF forms: their second byte is out
  // of range, so each byte is its own subpart.
  CHECK(from_url("?click_id=%C0%AF") == kFFFD + kFFFD);
  CHECK(from_url("?click_id=%E0%80%AF") == kFFFD + kFFFD + kFFFD);
  CHECK(from_url("?click_id=%ED%A0%80") == kFFFD + kFFFD + kFFFD);
  CHECK(from_url("?click_id=%F4%90%80%80") == kFFFD + kFFFD + kFFFD + kFFFD);
  CHECK(from_url("?click_id=%F5") == kFFFD);
  // A truncated sequence is one subpart, also at the very end.
  CHECK(from_url("?click_id=%F0%9F%98") == kFFFD);
  CHECK(from_url("?click_id=%E2%82x") == kFFFD + "x");
  // Valid sequences, escaped, raw, and split between the two.
  CHECK(from_url("?click_id=%F0%9F%98%80") == "\xF0\x9F\x98\x80");
  CHECK(from_url("?click_id=\xE2\x82\xAC") == "\xE2\x82\xAC");
  CHECK(from_url("?click_id=%E2\x82%AC") == "\xE2\x82\xAC");
  // No BOM is stripped ("UTF-8 decode without BOM").
  CHECK(from_url("?click_id=%EF%BB%BFa") ==
        "\xEF\xBB\xBF"
        "a");
}

TEST_CASE("click_id_from_url finds the query in URLs, request targets and bare queries", "[click_id]") {
  CHECK(from_url("https://shop.example/landing?click_id=abc_123") == "abc_123");
  CHECK(from_url("https://shop.example/landing?utm_source=x&click_id=abc&utm_medium=y") == "abc");
  CHECK(from_url("/landing?click_id=abc") == "abc");
  CHECK(from_url("?click_id=abc") == "abc");
  CHECK(from_url("click_id=abc&x=1") == "abc");
  CHECK(from_url("x=1&click_id=abc#top") == "abc");
  CHECK(from_url("https://shop.example/?click_id=abc#click_id=other") == "abc");
  // Only the query counts.
  CHECK(from_url_error("https://shop.example/#?click_id=abc") == CLICKREF_E_NOT_FOUND);
  CHECK(from_url_error("https://shop.example/#click_id=abc") == CLICKREF_E_NOT_FOUND);
  CHECK(from_url_error("https://shop.example/click_id=abc") == CLICKREF_E_NOT_FOUND);
  CHECK(from_url_error("/click_id=abc") == CLICKREF_E_NOT_FOUND);
  CHECK(from_url_error("mailto:click_id=abc") == CLICKREF_E_NOT_FOUND);
  // A '?' inside the query is data.
  CHECK(from_url("https://shop.example/a?x=?&click_id=a?b") == "a?b");
  CHECK(from_url_error("https://shop.example/a?b?click_id=abc") == CLICKREF_E_NOT_FOUND);
  CHECK(from_url_error("") == CLICKREF_E_NOT_FOUND);
  CHECK(from_url_error("?") == CLICKREF_E_NOT_FOUND);
}

TEST_CASE("click_id_from_url decodes like URLSearchParams", "[click_id]") {
  CHECK(from_url("?click_id=a+b") == "a b");
  CHECK(from_url("?click_id=a%2Bb") == "a+b");
  CHECK(from_url("?click_id=a%20b%3D%26") == "a b=&");
  CHECK(from_url("?click_id=a=b") == "a=b");
  CHECK(from_url("?click_id=%zz%4") == "%zz%4");
  CHECK(from_url("?click_id=100%") == "100%");
  CHECK(from_url("?click%5Fid=abc") == "abc");  // the name is decoded too
  CHECK(from_url("?click_id=%00x") == "\0x"s);
  CHECK(from_url("?click_id=a\0b"s) == "a\0b"s);
  CHECK(from_url("?click_id+=abc&click_id=def") == "def");  // "click_id " is another name
}

TEST_CASE("click_id_from_url returns the first value, and not found for an empty one", "[click_id]") {
  CHECK(from_url("?click_id=first&click_id=second") == "first");
  CHECK(from_url("?&&click_id=first&&") == "first");
  CHECK(from_url_error("?click_id=&click_id=second") == CLICKREF_E_NOT_FOUND);
  CHECK(from_url_error("?click_id&click_id=second") == CLICKREF_E_NOT_FOUND);
  CHECK(from_url_error("?clickid=abc&xclick_id=abc&click_idx=abc") == CLICKREF_E_NOT_FOUND);
  CHECK(from_url_error("?CLICK_ID=abc") == CLICKREF_E_NOT_FOUND);  // names are case-sensitive
}

TEST_CASE("click_id_from_url takes another parameter name", "[click_id]") {
  CHECK(from_url("?click_id=a&tn=b", "tn") == "b");
  CHECK(from_url("?=empty-name", "") == "empty-name");
  CHECK(from_url("?caf%C3%A9=x", "caf\xC3\xA9") == "x");
  // Names decode to U+FFFD like values do.
  CHECK(from_url("?%FF=x", kFFFD) == "x");
  CHECK(from_url_error("?%FF=x", "\xFF") == CLICKREF_E_NOT_FOUND);
}

TEST_CASE("click_id_from_url on a long URL", "[click_id]") {
  std::string url = "https://shop.example/landing?";
  for (int i = 0; i < 20000; ++i) url += "utm_" + std::to_string(i) + "=x&";
  url += "click_id=found";
  CHECK(from_url(url) == "found");
  CHECK(from_url(url + std::string(1 << 20, 'y')) == "found" + std::string(1 << 20, 'y'));
}

TEST_CASE("click_id_from_cookies splits, trims and unquotes", "[click_id][cookie]") {
  CHECK(from_cookies("tn_click_id=abc") == "abc");
  CHECK(from_cookies("a=1; b=2; tn_click_id=abc; c=3") == "abc");
  CHECK(from_cookies("a=1;tn_click_id=abc;c=3") == "abc");
  CHECK(from_cookies("  \ttn_click_id \t=\t abc \t ;x=1") == "abc");
  CHECK(from_cookies("tn_click_id=\"abc\"") == "abc");
  CHECK(from_cookies("tn_click_id=\"\"abc\"\"") == "\"abc\"");  // one pair only
  CHECK(from_cookies("tn_click_id=\"abc") == "\"abc");
  CHECK(from_cookies("tn_click_id=a=b==") == "a=b==");  // '=' in the value is kept
  CHECK(from_cookies("tn_click_id=a+b") == "a+b");      // '+' is not a space here
  CHECK(from_cookies("flag; tn_click_id=abc") == "abc");
}

TEST_CASE("click_id_from_cookies takes the first cookie of that exact name", "[click_id][cookie]") {
  CHECK(from_cookies("tn_click_id=specific; tn_click_id=general") == "specific");
  CHECK(from_cookies("xtn_click_id=no; tn_click_idx=no; TN_CLICK_ID=no; tn_click_id=yes") == "yes");
  // The first one wins even when it is empty, as the snippet's getCookie.
  CHECK(from_cookies_error("tn_click_id=; tn_click_id=later") == CLICKREF_E_NOT_FOUND);
  CHECK(from_cookies_error("tn_click_id=\"\"") == CLICKREF_E_NOT_FOUND);
  CHECK(from_cookies_error("tn_click_id  ") == CLICKREF_E_NOT_FOUND);
  CHECK(from_cookies_error("") == CLICKREF_E_NOT_FOUND);
  CHECK(from_cookies_error(";;;") == CLICKREF_E_NOT_FOUND);
  CHECK(from_cookies("session=1; theme=dark", "theme") == "dark");
  CHECK(from_cookies_error("tn_click_id=abc", "") == CLICKREF_E_INVALID_ARGUMENT);
}

TEST_CASE("click_id_from_cookies decodes like decodeURIComponent", "[click_id][cookie]") {
  CHECK(from_cookies("tn_click_id=a%20b%3B%3d") == "a b;=");
  CHECK(from_cookies("tn_click_id=caf%C3%A9") == "caf\xC3\xA9");
  CHECK(from_cookies("tn_click_id=%F0%9F%98%80") == "\xF0\x9F\x98\x80");
  CHECK(from_cookies("tn_click_id=%EF%BF%BF") == "\xEF\xBF\xBF");   // a noncharacter is still UTF-8
  CHECK(from_cookies("tn_click_id=caf\xC3\xA9") == "caf\xC3\xA9");  // raw UTF-8
  CHECK(from_cookies("tn_click_id=%00") == "\0"s);
}

TEST_CASE("click_id_from_cookies rejects what decodeURIComponent throws on", "[click_id][cookie]") {
  for (const char* value : {
           "%",
           "%2",
           "a%",
           "%zz",
           "%2G",
           "%%41",  // malformed escapes
           "%80",
           "%BF",  // a lone continuation byte
           "%C3",
           "%C3x",
           "%C3%",
           "%C3%2",
           "%C3%28",  // truncated or bad continuation
           "%C0%AF",
           "%E0%80%AF",
           "%F0%80%80%AF",  // overlong
           "%ED%A0%80",
           "%ED%BF%BF",  // surrogates
           "%F4%90%80%80",
           "%F5%80%80%80",
           "%FF",      // beyond U+10FFFF / never in UTF-8
           "%C3\xA9",  // an escape continued by a raw byte
           "\xFF",
           "\xC3",
           "a\xE2\x82",  // raw bytes that are not UTF-8
       }) {
    INFO("value: " << value);
    CHECK(from_cookies_error("tn_click_id="s + value) == CLICKREF_E_BAD_ENCODING);
  }
  // A bad cookie elsewhere in the header does not matter.
  CHECK(from_cookies("other=%ZZ%FF; tn_click_id=ok") == "ok");
}

TEST_CASE("click_id_from_cookies on long headers", "[click_id][cookie]") {
  std::string header;
  for (int i = 0; i < 5000; ++i) header += "cookie_" + std::to_string(i) + "=value; ";
  CHECK(from_cookies(header + "tn_click_id=last") == "last");
  const std::string long_value(1 << 20, 'v');
  CHECK(from_cookies(header + "tn_click_id=" + long_value) == long_value);
  std::string escaped;
  for (int i = 0; i < 100000; ++i) escaped += "%41";
  CHECK(from_cookies("tn_click_id=" + escaped) == std::string(100000, 'A'));
  CHECK(from_cookies_error("tn_click_id=" + escaped + "%") == CLICKREF_E_BAD_ENCODING);
}

TEST_CASE("click_id_valid is Stripe's client_reference_id rule", "[click_id]") {
  CHECK(click_id_valid("a"));
  CHECK(click_id_valid("ABCXYZabcxyz0189-_"));
  CHECK(click_id_valid(std::string(200, 'x')));
  CHECK_FALSE(click_id_valid(std::string(201, 'x')));
  CHECK_FALSE(click_id_valid(""));
  for (const std::string& bad :
       std::vector<std::string>{"a b", "a.b", "a~b", "a%41", "a+b", "a=b", "a/b", "caf\xC3\xA9", "a\0b"s,
                                "a\n", "@", "[", "`", "{", ":"}) {
    INFO("id: " << bad);
    CHECK_FALSE(click_id_valid(bad));
  }
  // Every byte value, checked against the rule written out.
  for (int c = 0; c < 256; ++c) {
    const bool allowed =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    CHECK(click_id_valid(std::string(1, static_cast<char>(c))) == allowed);
  }
}
