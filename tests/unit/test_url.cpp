// Payment links: recognition and client_reference_id rewriting (C++ API).
// Expected URLs are written out by hand from the URL standard and the
// seed snippet's behaviour (url.searchParams.set('client_reference_id', id)).
#include <clickref/url.hpp>

#include "../catch.hpp"

#include <string>

using namespace clickref;
using namespace std::string_literals;

namespace {

const std::string kId = "tn_123-abc";

std::string rewritten(std::string_view url, const link_options& options = {}) {
  std::string out;
  bool changed = false;
  REQUIRE(rewrite_url(url, kId, options, out, &changed) == CLICKREF_OK);
  CHECK(changed == (out != url));
  return out;
}

// A URL that must come back byte for byte.
void check_unchanged(std::string_view url, const link_options& options = {}) {
  INFO("url: " << url);
  std::string out = "prefix:";
  bool changed = true;
  REQUIRE(rewrite_url(url, kId, options, out, &changed) == CLICKREF_OK);
  CHECK(out == "prefix:" + std::string(url));
  CHECK_FALSE(changed);
  CHECK_FALSE(is_payment_link(url, options));
}

status rewrite_error(std::string_view url, std::string_view id = kId) {
  std::string out = "kept";
  bool changed = true;
  const status s = rewrite_url(url, id, {}, out, &changed);
  CHECK(out == "kept");  // nothing appended on failure
  CHECK_FALSE(changed);
  return s;
}

link_options hosts(std::initializer_list<const char*> list) {
  link_options options;
  options.hosts.assign(list.begin(), list.end());
  return options;
}

}  // namespace

TEST_CASE("the parameter is appended to a link without one", "[url]") {
  CHECK(rewritten("https://buy.stripe.com/aEU5nP") ==
        "https://buy.stripe.com/aEU5nP?client_reference_id=tn_123-abc");
  CHECK(rewritten("https://buy.stripe.com/test_aEU5nP") ==
        "https://buy.stripe.com/test_aEU5nP?client_reference_id=tn_123-abc");
  CHECK(rewritten("https://buy.stripe.com") == "https://buy.stripe.com?client_reference_id=tn_123-abc");
  CHECK(rewritten("https://buy.stripe.com/x?prefilled_email=a%40b.example&locale=fr") ==
        "https://buy.stripe.com/x?prefilled_email=a%40b.example&locale=fr&client_reference_id=tn_123-abc");
}

TEST_CASE("an empty query is reused, a trailing '&' too", "[url]") {
  CHECK(rewritten("https://buy.stripe.com/x?") == "https://buy.stripe.com/x?client_reference_id=tn_123-abc");
  CHECK(rewritten("https://buy.stripe.com/x?#") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc#");
  CHECK(rewritten("https://buy.stripe.com/x#") == "https://buy.stripe.com/x?client_reference_id=tn_123-abc#");
  CHECK(rewritten("https://buy.stripe.com/x?a=1&") ==
        "https://buy.stripe.com/x?a=1&client_reference_id=tn_123-abc");
  CHECK(rewritten("https://buy.stripe.com/x?&") ==
        "https://buy.stripe.com/x?&client_reference_id=tn_123-abc");
  // A query that itself ends in '?' is not empty: it needs the '&' (found
  // by the rewrite_url fuzzer; without it Stripe sees "(?client_reference_id").
  CHECK(rewritten("https://buy.stripe.com/x?(?") ==
        "https://buy.stripe.com/x?(?&client_reference_id=tn_123-abc");
  CHECK(rewritten("https://buy.stripe.com/x??#f") ==
        "https://buy.stripe.com/x??&client_reference_id=tn_123-abc#f");
}

TEST_CASE("the fragment stays after the query", "[url]") {
  CHECK(rewritten("https://buy.stripe.com/x#pay") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc#pay");
  CHECK(rewritten("https://buy.stripe.com/x?a=1#pay?b=2&client_reference_id=z") ==
        "https://buy.stripe.com/x?a=1&client_reference_id=tn_123-abc#pay?b=2&client_reference_id=z");
}

TEST_CASE("an existing client_reference_id is replaced in place, later ones removed", "[url]") {
  CHECK(rewritten("https://buy.stripe.com/x?client_reference_id=old") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc");
  CHECK(rewritten("https://buy.stripe.com/x?a=1&client_reference_id=old&b=2") ==
        "https://buy.stripe.com/x?a=1&client_reference_id=tn_123-abc&b=2");
  CHECK(rewritten("https://buy.stripe.com/x?client_reference_id=1&a=%20+&client_reference_id=2#f") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc&a=%20+#f");
  CHECK(
      rewritten(
          "https://buy.stripe.com/x?a&client_reference_id=1&b&client_reference_id=2&client_reference_id&c") ==
      "https://buy.stripe.com/x?a&client_reference_id=tn_123-abc&b&c");
  CHECK(rewritten("https://buy.stripe.com/x?client_reference_id") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc");
  CHECK(rewritten("https://buy.stripe.com/x?client_reference_id=&x=1") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc&x=1");
  // The same id again: the bytes do not change.
  CHECK(rewritten("https://buy.stripe.com/x?client_reference_id=tn_123-abc") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc");
}

TEST_CASE("removing a trailing duplicate never leaves white space at the end", "[url]") {
  // A browser trims trailing spaces off a URL: "a=1 " at the end would
  // lose its space, so it is percent-encoded, as the browser would encode it
  // inside the query (found by the rewrite_url fuzzer).
  CHECK(rewritten("https://buy.stripe.com/x?client_reference_id=old&a=1 &client_reference_id=older") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc&a=1%20");
  CHECK(rewritten("https://buy.stripe.com/x?client_reference_id=old&a=1  &client_reference_id=o") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc&a=1%20%20");
  // Several removed pieces in a row at the end: the space before them too.
  CHECK(rewritten("https://buy.stripe.com/x?client_reference_id=old&a=1 &client_reference_id=o&client_reference_id=p") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc&a=1%20");
  // Not at the end, the space stays as it was.
  CHECK(rewritten("https://buy.stripe.com/x?client_reference_id=old&a=1 &client_reference_id=older#f") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc&a=1 #f");
  CHECK(rewritten("https://buy.stripe.com/x?client_reference_id=old&a=1 &b=2&client_reference_id=older") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc&a=1 &b=2");
  // Rewriting the output again changes nothing.
  const std::string once = rewritten("https://buy.stripe.com/x?client_reference_id=old&a=1 &client_reference_id=z");
  CHECK(rewritten(once) == once);
}

TEST_CASE("names are matched as URLSearchParams decodes them", "[url]") {
  // client%5Freference%5Fid is client_reference_id to a browser: its name is kept, its value set.
  CHECK(rewritten("https://buy.stripe.com/x?client%5Freference%5Fid=old&b=1") ==
        "https://buy.stripe.com/x?client%5Freference%5Fid=tn_123-abc&b=1");
  CHECK(rewritten("https://buy.stripe.com/x?client_reference_id=1&client_reference_i%64=2") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc");
  // Not the same name: '+' is a space, and names are case-sensitive.
  CHECK(
      rewritten("https://buy.stripe.com/x?client_reference_id+=1&Client_Reference_Id=2") ==
      "https://buy.stripe.com/x?client_reference_id+=1&Client_Reference_Id=2&client_reference_id=tn_123-abc");
}

TEST_CASE("every other byte is kept", "[url]") {
  // Not re-serialised: the snippet would turn these into %27, %20, … or reorder nothing either.
  CHECK(rewritten("https://buy.stripe.com/x?a='b c'&d=%zz&&e==f&g=\xC3\xA9#h i") ==
        "https://buy.stripe.com/x?a='b c'&d=%zz&&e==f&g=\xC3\xA9&client_reference_id=tn_123-abc#h i");
  CHECK(rewritten("https://user:pa%20ss@buy.stripe.com/x/../y?z") ==
        "https://user:pa%20ss@buy.stripe.com/x/../y?z&client_reference_id=tn_123-abc");
}

TEST_CASE("scheme and host compare case-insensitively; :443 is the default port", "[url]") {
  CHECK(rewritten("HTTPS://BUY.STRIPE.COM/X") == "HTTPS://BUY.STRIPE.COM/X?client_reference_id=tn_123-abc");
  CHECK(rewritten("hTTpS://Buy.Stripe.Com/x") == "hTTpS://Buy.Stripe.Com/x?client_reference_id=tn_123-abc");
  CHECK(rewritten("https://buy.stripe.com:443/x") ==
        "https://buy.stripe.com:443/x?client_reference_id=tn_123-abc");
  CHECK(rewritten("https://buy.stripe.com:0443/x") ==
        "https://buy.stripe.com:0443/x?client_reference_id=tn_123-abc");
  CHECK(rewritten("https://buy.stripe.com:/x") == "https://buy.stripe.com:/x?client_reference_id=tn_123-abc");
  // The URL parser percent-decodes the host.
  CHECK(rewritten("https://buy%2Estripe.com/x") ==
        "https://buy%2Estripe.com/x?client_reference_id=tn_123-abc");
  // Browsers read '\' as '/' and skip extra slashes after "https:".
  CHECK(rewritten("https:\\\\buy.stripe.com\\x") ==
        "https:\\\\buy.stripe.com\\x?client_reference_id=tn_123-abc");
  CHECK(rewritten("https:///buy.stripe.com/x") == "https:///buy.stripe.com/x?client_reference_id=tn_123-abc");
  // Userinfo before the real host does not matter.
  CHECK(rewritten("https://evil.example@buy.stripe.com/x") ==
        "https://evil.example@buy.stripe.com/x?client_reference_id=tn_123-abc");
  // A trailing dot names the same DNS host.
  CHECK(rewritten("https://buy.stripe.com./x") == "https://buy.stripe.com./x?client_reference_id=tn_123-abc");
}

TEST_CASE("look-alikes and other origins are not payment links", "[url]") {
  check_unchanged("https://buy.stripe.com.evil.example/x");
  check_unchanged("https://buy.stripe.com@evil.example/x");
  check_unchanged("https://buy.stripe.com:pass@evil.example/x");
}

TEST_CASE("other URLs come back unchanged", "[url]") {
  check_unchanged("https://buy.stripe.com:8443/x");  // another origin: Stripe serves 443 only
  check_unchanged("https://buy.stripe.com:444/x");
  check_unchanged("http://buy.stripe.com/x");
  check_unchanged("https://evilbuy.stripe.com/x");
  check_unchanged("https://stripe.com/x");
  check_unchanged("https://buy.stripe.co/x");
  check_unchanged("https://buy.stripe.com../x");
  check_unchanged("https://[::1]/x");
  check_unchanged("https://[::1]:443/x");
  check_unchanged("https://xn--by-ila.stripe.com/x");
  check_unchanged("https://bu\xC3\xBD.stripe.com/x");  // non-ASCII: never a listed host
  check_unchanged("wss://buy.stripe.com/x");
  check_unchanged("httpsx://buy.stripe.com/x");
  check_unchanged("javascript:location='https://buy.stripe.com/x'");
  check_unchanged("//buy.stripe.com/x");  // scheme-relative: depends on the page
  check_unchanged("/buy.stripe.com/x");
  check_unchanged("buy.stripe.com/x");
  check_unchanged("https:buy.stripe.com/x");   // relative to an https page
  check_unchanged("https:/buy.stripe.com/x");  // likewise
  check_unchanged("#");
  check_unchanged("");
  check_unchanged("  not a url at all  ");
  check_unchanged("mailto:pay@buy.stripe.com");
  check_unchanged("http://example.com/\x01\x7F");  // not https: controls are not our business
}

TEST_CASE("white space around a link is ignored, tabs and newlines inside are deleted", "[url]") {
  CHECK(rewritten("  https://buy.stripe.com/x \n") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc");
  CHECK(rewritten("\t\r\nhttps://buy.stripe.com/x\f") ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc");
  CHECK(rewritten("\0https://buy.stripe.com/x\0"s) ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc");
  CHECK(rewritten("ht\ttps://buy.str\nipe.com/x?a\r=1") ==
        "https://buy.stripe.com/x?a=1&client_reference_id=tn_123-abc");
  check_unchanged("  https://example.com/x  ");
}

TEST_CASE("custom domains", "[url]") {
  const link_options custom = hosts({"pay.example.com", "buy.stripe.com"});
  CHECK(rewritten("https://pay.example.com/x", custom) ==
        "https://pay.example.com/x?client_reference_id=tn_123-abc");
  CHECK(rewritten("https://PAY.EXAMPLE.COM./x", custom) ==
        "https://PAY.EXAMPLE.COM./x?client_reference_id=tn_123-abc");
  CHECK(rewritten("https://buy.stripe.com/x", custom) ==
        "https://buy.stripe.com/x?client_reference_id=tn_123-abc");
  check_unchanged("https://pay.example.com/x");  // not in the default list
  check_unchanged("https://buy.stripe.com/x", hosts({"pay.example.com"}));
  check_unchanged("https://buy.stripe.com/x", hosts({}));
  // Listed hosts are compared case-insensitively and without a trailing dot.
  CHECK(rewritten("https://pay.example.com/x", hosts({"Pay.Example.Com."})) ==
        "https://pay.example.com/x?client_reference_id=tn_123-abc");
  check_unchanged("https://pay.example.com/x", hosts({""}));
}

TEST_CASE("an https URL that a browser refuses is CLICKREF_E_INVALID_URL", "[url]") {
  CHECK(rewrite_error("https://") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https:///") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://user@/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://:443/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://buy.stripe.com:abc/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://buy.stripe.com:65536/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://buy.stripe.com:4433333333333333333333/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://buy.stripe.com:-443/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://[::1/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://[::1]x/") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://buy stripe.com/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://buy.stripe.com%2F/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://buy.stripe.com%40evil.example/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://buy.stripe.com%zz/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://buy.stripe.com%00/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://a<b/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://a|b/x") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://a:b:443/x") == CLICKREF_E_INVALID_URL);
  // Controls anywhere in an https URL: a NUL is truncation bait for C
  // consumers, and browsers would not send these bytes as written.
  CHECK(rewrite_error("https://buy.stripe.com/x?a=\0b"s) == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://buy.stripe.com/x\x01y") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://buy.stripe.com/x#\x7F") == CLICKREF_E_INVALID_URL);
  CHECK(rewrite_error("https://example.com/\x1B[31m") == CLICKREF_E_INVALID_URL);
  CHECK_FALSE(is_payment_link("https://buy.stripe.com:abc/x"));
}

TEST_CASE("an id Stripe would drop is refused before anything else", "[url]") {
  CHECK(rewrite_error("https://buy.stripe.com/x", "") == CLICKREF_E_INVALID_CLICK_ID);
  CHECK(rewrite_error("https://buy.stripe.com/x", "a b") == CLICKREF_E_INVALID_CLICK_ID);
  CHECK(rewrite_error("https://buy.stripe.com/x", "a&b=c") == CLICKREF_E_INVALID_CLICK_ID);
  CHECK(rewrite_error("https://buy.stripe.com/x", std::string(201, 'a')) == CLICKREF_E_INVALID_CLICK_ID);
  CHECK(rewrite_error("/not/a/link", "bad id") == CLICKREF_E_INVALID_CLICK_ID);
  CHECK(rewrite_error("https://", "bad id") == CLICKREF_E_INVALID_CLICK_ID);
  std::string out;
  REQUIRE(rewrite_url("https://buy.stripe.com/x", std::string(200, 'a'), {}, out) == CLICKREF_OK);
  CHECK(out == "https://buy.stripe.com/x?client_reference_id=" + std::string(200, 'a'));
}

TEST_CASE("rewrite_url appends to the caller's string and has a result form", "[url]") {
  std::string out = "<a href=\"";
  REQUIRE(rewrite_url("https://buy.stripe.com/x", kId, {}, out) == CLICKREF_OK);
  CHECK(out == "<a href=\"https://buy.stripe.com/x?client_reference_id=tn_123-abc");
  auto url = rewrite_url("https://buy.stripe.com/x", kId);
  REQUIRE(url.ok());
  CHECK(*url == "https://buy.stripe.com/x?client_reference_id=tn_123-abc");
  CHECK(rewrite_url("https://buy.stripe.com/x", "no!").error() == CLICKREF_E_INVALID_CLICK_ID);
  CHECK(is_payment_link("https://buy.stripe.com/x"));
  CHECK(is_payment_link(" HTTPS://buy.stripe.com:443 "));
}

TEST_CASE("long links", "[url]") {
  std::string query;
  for (int i = 0; i < 10000; ++i)
    query += "client_reference_id=" + std::to_string(i) + "&keep" + std::to_string(i) + "&";
  std::string expected = "client_reference_id=tn_123-abc&keep0&";
  for (int i = 1; i < 10000; ++i) expected += "keep" + std::to_string(i) + "&";
  CHECK(rewritten("https://buy.stripe.com/x?" + query) == "https://buy.stripe.com/x?" + expected);
  const std::string long_host(100000, 'a');
  check_unchanged("https://" + long_host + "/x");
  check_unchanged("https://" + long_host + ".buy.stripe.com/x");
}
