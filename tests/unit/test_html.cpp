// The HTML rewriter (C++ API) and its attribute-value decoder.
//
// Expected documents are written out by hand from the WHATWG tokenizer's
// rules; the streaming tests compare every way of cutting a document into
// chunks with the one-shot result, and the corpus pages (tests/data/html)
// with the number of links they were written to hold.
#include <clickref/html.hpp>

#include "../catch.hpp"
#include "html_entities.hpp"
#include "test_data.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using namespace clickref;
using namespace std::string_literals;

namespace {

const std::string kId = "cid_7Q-x";
const std::string kLink = "https://buy.stripe.com/test_9A";
const std::string kLinkWithId = "https://buy.stripe.com/test_9A?client_reference_id=cid_7Q-x";

struct outcome {
  std::string html;
  size_t rewritten = 0;
};

outcome rewrite(std::string_view html, const link_options& options = {}) {
  auto r = rewrite_html(html, kId, options);
  REQUIRE(r.ok());
  return {r->html, r->rewritten};
}

std::string rewritten(std::string_view html) { return rewrite(html).html; }

// A document that must come back byte for byte.
void check_unchanged(std::string_view html) {
  INFO("html: " << html);
  const outcome out = rewrite(html);
  CHECK(out.html == html);
  CHECK(out.rewritten == 0);
}

// Feeds `html` to a streaming rewriter, cut at `cuts` (ascending offsets).
outcome stream(std::string_view html, const std::vector<size_t>& cuts, const link_options& options = {}) {
  outcome out;
  auto rw = html_rewriter::create(kId, options, [&out](std::string_view bytes) {
    out.html.append(bytes);
    return CLICKREF_OK;
  });
  REQUIRE(rw.ok());
  size_t at = 0;
  for (size_t cut : cuts) {
    REQUIRE(rw->write(html.substr(at, cut - at)) == CLICKREF_OK);
    at = cut;
  }
  REQUIRE(rw->write(html.substr(at)) == CLICKREF_OK);
  REQUIRE(rw->finish() == CLICKREF_OK);
  out.rewritten = rw->rewritten();
  return out;
}

// Every cut in one place, every pair of cuts, and one byte at a time.
void check_all_splits(std::string_view html) {
  INFO("html: " << html);
  const outcome whole = rewrite(html);
  std::vector<size_t> bytes;
  for (size_t i = 1; i < html.size(); ++i) bytes.push_back(i);
  for (size_t i = 0; i <= html.size(); ++i) {
    for (size_t j = i; j <= html.size(); ++j) {
      const outcome split = stream(html, {i, j});
      if (split.html != whole.html || split.rewritten != whole.rewritten) {
        FAIL("cut at " << i << " and " << j << ": " << split.html);
      }
    }
  }
  const outcome single = stream(html, bytes);
  CHECK(single.html == whole.html);
  CHECK(single.rewritten == whole.rewritten);
}

std::string decoded(std::string_view raw) {
  std::string out;
  detail::append_decoded_attribute_value(out, raw);
  return out;
}

}  // namespace

// ---------------------------------------------------------------- what is rewritten

TEST_CASE("html: a document without payment links comes back byte for byte", "[html]") {
  check_unchanged("");
  check_unchanged("plain text, no markup at all");
  check_unchanged(
      "<!doctype html><html><head><title>x</title></head><body><a href=\"/pricing\">p</a></body></html>");
  check_unchanged("<a href=\"https://stripe.com/pricing\">not a payment link</a>");
  check_unchanged("<a href=\"http://buy.stripe.com/x\">http is not https</a>");
  check_unchanged("<a>no href</a><a href>empty</a><a href=\"\">empty</a><a href=>empty</a>");
  check_unchanged("<link href=\"https://buy.stripe.com/x\"><area href=\"https://buy.stripe.com/x\">");
  check_unchanged("<img src=\"https://buy.stripe.com/x\"><abbr href=\"https://buy.stripe.com/x\">");
  check_unchanged("\x00\xff\xfe<\x80\r\n<<>></ >&amp;&#0;"s);
}

TEST_CASE("html: the href of an <a> gets the click id, in its quote style", "[html]") {
  const outcome out = rewrite("<p><a class=btn href=\"" + kLink + "\">Buy</a></p>");
  CHECK(out.html == "<p><a class=btn href=\"" + kLinkWithId + "\">Buy</a></p>");
  CHECK(out.rewritten == 1);
  CHECK(rewritten("<a href='" + kLink + "'>") == "<a href='" + kLinkWithId + "'>");
  CHECK(rewritten("<a href=" + kLink + ">") == "<a href=" + kLinkWithId + ">");
  CHECK(rewritten("<a href=" + kLink + " class=x>") == "<a href=" + kLinkWithId + " class=x>");
  CHECK(rewritten("<a href = \"" + kLink + "\" >") == "<a href = \"" + kLinkWithId + "\" >");
  CHECK(rewritten("<a\nhref=\"" + kLink + "\"\n>") == "<a\nhref=\"" + kLinkWithId + "\"\n>");
  CHECK(rewritten("<a\rhref=\"" + kLink + "\">") == "<a\rhref=\"" + kLinkWithId + "\">");
  CHECK(rewritten("<a\fhref=\"" + kLink + "\">") == "<a\fhref=\"" + kLinkWithId + "\">");
  // An existing client_reference_id is replaced in place.
  CHECK(rewritten("<a href=\"https://buy.stripe.com/x?client_reference_id=old&amp;a=1\">") ==
        "<a href=\"https://buy.stripe.com/x?client_reference_id=cid_7Q-x&amp;a=1\">");
  // Already right: nothing to do, nothing counted.
  const outcome same = rewrite("<a href=\"" + kLinkWithId + "\">");
  CHECK(same.html == "<a href=\"" + kLinkWithId + "\">");
  CHECK(same.rewritten == 0);
}

TEST_CASE("html: tag and attribute names are case-insensitive", "[html]") {
  CHECK(rewritten("<A HREF=\"" + kLink + "\">") == "<A HREF=\"" + kLinkWithId + "\">");
  CHECK(rewritten("<a HrEf='" + kLink + "'>") == "<a HrEf='" + kLinkWithId + "'>");
  // Scheme and host in upper case are a payment link too (the snippet's
  // selector misses them).
  CHECK(rewritten("<a href=\"HTTPS://BUY.STRIPE.COM/x\">") ==
        "<a href=\"HTTPS://BUY.STRIPE.COM/x?client_reference_id=cid_7Q-x\">");
}

TEST_CASE("html: of duplicate attributes the first counts", "[html]") {
  check_unchanged("<a href=\"/docs\" href=\"" + kLink + "\">");
  CHECK(rewritten("<a href=\"" + kLink + "\" HREF=\"/docs\">") ==
        "<a href=\"" + kLinkWithId + "\" HREF=\"/docs\">");
  CHECK(rewritten("<a href href=\"/docs\" x=\"" + kLink + "\">") ==
        "<a href href=\"/docs\" x=\"" + kLink + "\">");
}

TEST_CASE("html: attribute syntax: no value, self-closing, odd names, quotes inside", "[html]") {
  CHECK(rewritten("<a download href=\"" + kLink + "\"/>") == "<a download href=\"" + kLinkWithId + "\"/>");
  CHECK(rewritten("<a/href=\"" + kLink + "\">") == "<a/href=\"" + kLinkWithId + "\">");
  CHECK(rewritten("<a x=1/href='" + kLink + "'>") ==
        "<a x=1/href='" + kLink + "'>");  // "1/href='…'" is x's value
  CHECK(rewritten("<a x=\"1\"href=\"" + kLink + "\">") == "<a x=\"1\"href=\"" + kLinkWithId + "\">");
  // An unquoted value ends at white space or '>', and "/>" belongs to it.
  CHECK(rewritten("<a href=" + kLink + "/>") ==
        "<a href=https://buy.stripe.com/test_9A/?client_reference_id=cid_7Q-x>");
  // Not href: "=href", "hr\"ef", "href\"".
  check_unchanged("<a =href=\"" + kLink + "\">");
  check_unchanged("<a hr\"ef=\"" + kLink + "\">");
  check_unchanged("<a data-href=\"" + kLink + "\">");
  // A '>' inside a quoted value does not end the tag.
  CHECK(rewritten("<a title=\"1 > 0\" href=\"" + kLink + "\">") ==
        "<a title=\"1 > 0\" href=\"" + kLinkWithId + "\">");
  check_unchanged("<p title=\"<a href='" + kLink + "'>\">x</p>");
  check_unchanged("<p title='<a href=\"" + kLink + "\">'>x</p>");
  // Quotes of the other kind inside a value.
  CHECK(rewritten("<a title='say \"hi\"' href='https://buy.stripe.com/x?q=\"1\"'>") ==
        "<a title='say \"hi\"' href='https://buy.stripe.com/x?q=\"1\"&amp;client_reference_id=cid_7Q-x'>");
  CHECK(rewritten("<a href=\"https://buy.stripe.com/x?q='1'\">") ==
        "<a href=\"https://buy.stripe.com/x?q='1'&amp;client_reference_id=cid_7Q-x\">");
  // The quote character of the value, written as a reference, stays one.
  CHECK(rewritten("<a href=\"https://buy.stripe.com/x?q=&quot;1&quot;\">") ==
        "<a href=\"https://buy.stripe.com/x?q=&quot;1&quot;&amp;client_reference_id=cid_7Q-x\">");
  CHECK(rewritten("<a href='https://buy.stripe.com/x?q=&#39;1&apos;'>") ==
        "<a href='https://buy.stripe.com/x?q=&#39;1&#39;&amp;client_reference_id=cid_7Q-x'>");
  // An unquoted value that decodes to a quote cannot stay unquoted.
  CHECK(rewritten("<a href=https://buy.stripe.com/x?q=&#34;>") ==
        "<a href=\"https://buy.stripe.com/x?q=&quot;&amp;client_reference_id=cid_7Q-x\">");
  CHECK(rewritten("<a href=https://buy.stripe.com/x?q=a&amp;b=c>") ==
        "<a href=https://buy.stripe.com/x?q=a&amp;b=c&amp;client_reference_id=cid_7Q-x>");
}

TEST_CASE("html: an href is decoded as the DOM holds it, then written back escaped", "[html]") {
  const std::string expected =
      "<a href=\"https://buy.stripe.com/x?a=1&amp;b=2&amp;client_reference_id=cid_7Q-x\">";
  CHECK(rewritten("<a href=\"https://buy.stripe.com/x?a=1&amp;b=2\">") == expected);
  CHECK(rewritten("<a href=\"https://buy.stripe.com/x?a=1&#38;b=2\">") == expected);
  CHECK(rewritten("<a href=\"https://buy.stripe.com/x?a=1&#x26;b=2\">") == expected);
  CHECK(rewritten("<a href=\"https://buy.stripe.com/x?a=1&b=2\">") == expected);
  CHECK(rewritten("<a href=\"https://buy.stripe.com/x?a=1&AMP;b=2\">") == expected);
  // "&ampx" is literal (the legacy "&amp" is followed by a letter)...
  CHECK(rewritten("<a href=\"https://buy.stripe.com/x?a=&ampx\">") ==
        "<a href=\"https://buy.stripe.com/x?a=&amp;ampx&amp;client_reference_id=cid_7Q-x\">");
  // ... "&amp" at the end of the value is '&' ...
  CHECK(rewritten("<a href=\"https://buy.stripe.com/x?a=1&amp\">") ==
        "<a href=\"https://buy.stripe.com/x?a=1&amp;client_reference_id=cid_7Q-x\">");
  // ... and "&copy=2" stays "&copy=2", not "©=2".
  CHECK(rewritten("<a href=\"https://buy.stripe.com/x?a=1&copy=2\">") ==
        "<a href=\"https://buy.stripe.com/x?a=1&amp;copy=2&amp;client_reference_id=cid_7Q-x\">");
  // The scheme and host may be spelled with references.
  CHECK(rewritten("<a href=\"&#104;ttps&colon;//buy&period;stripe.com/x\">") ==
        "<a href=\"https://buy.stripe.com/x?client_reference_id=cid_7Q-x\">");
  // Non-ASCII from references is written as UTF-8.
  CHECK(rewritten("<a href=\"https://buy.stripe.com/x?n=caf&eacute;\">") ==
        "<a href=\"https://buy.stripe.com/x?n=caf\xC3\xA9&amp;client_reference_id=cid_7Q-x\">");
  // White space around the URL and newlines inside it are what a browser
  // ignores; the rewritten link comes without them.
  CHECK(rewritten("<a href=\" https://buy.stripe.com/x \">") ==
        "<a href=\"https://buy.stripe.com/x?client_reference_id=cid_7Q-x\">");
  CHECK(rewritten("<a href=\"https://buy.stripe.com/\r\nx\">") ==
        "<a href=\"https://buy.stripe.com/x?client_reference_id=cid_7Q-x\">");
}

TEST_CASE("html: attribute values decode as the tokenizer decodes them", "[html][entities]") {
  CHECK(decoded("a&amp;b") == "a&b");
  CHECK(decoded("a&#38;b&#x26;c&#X26;d") == "a&b&c&d");
  CHECK(decoded("&#65&#x42;&#67;") == "ABC");  // ';' is optional after digits
  CHECK(decoded("&#x41g") == "Ag");
  CHECK(decoded("&#;&#x;&#X;&#") == "&#;&#x;&#X;&#");  // no digits: literal
  CHECK(decoded("&#x&amp;") == "&#x&");
  CHECK(decoded("&#0;") == "\xEF\xBF\xBD");
  CHECK(decoded("&#xD800;&#xDFFF;") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(decoded("&#x110000;") == "\xEF\xBF\xBD");
  CHECK(decoded("&#99999999999999999999;") == "\xEF\xBF\xBD");
  CHECK(decoded("&#x10FFFF;") == "\xF4\x8F\xBF\xBF");
  CHECK(decoded("&#128;&#x82;&#x9F;") == "\xE2\x82\xAC\xE2\x80\x9A\xC5\xB8");  // windows-1252
  CHECK(decoded("&#x81;&#x8D;") == "\xC2\x81\xC2\x8D");                        // undefined there: kept
  CHECK(decoded("&#13;&#9;") == "\r\t");  // controls from references stay
  CHECK(decoded("&#x7F;") == "\x7F");
  CHECK(decoded("&#xFFFE;") == "\xEF\xBF\xBE");
  // Named references: the longest name wins; legacy names without ';'.
  CHECK(decoded("&notin;") == "\xE2\x88\x89");
  CHECK(decoded("&not;") == "\xC2\xAC");
  CHECK(decoded("&not") == "\xC2\xAC");
  CHECK(decoded("&not x") == "\xC2\xAC x");
  CHECK(decoded("&notit;") == "&notit;");  // "&not" then a letter: literal in an attribute
  CHECK(decoded("&not=1") == "&not=1");
  CHECK(decoded("&amp;amp;") == "&amp;");
  CHECK(decoded("&ampx") == "&ampx");
  CHECK(decoded("&amp") == "&");
  CHECK(decoded("&amp-") == "&-");
  CHECK(decoded("&copy=2") == "&copy=2");
  CHECK(decoded("&copy;=2") == "\xC2\xA9=2");
  CHECK(decoded("&frac12;&frac12") == "\xC2\xBD\xC2\xBD");
  CHECK(decoded("&nosuch;&nosuch") == "&nosuch;&nosuch");
  CHECK(decoded("&;&&&") == "&;&&&");
  CHECK(decoded("&CounterClockwiseContourIntegral;") == "\xE2\x88\xB3");
  CHECK(decoded("&NotEqualTilde;") == "\xE2\x89\x82\xCC\xB8");  // two code points
  CHECK(decoded("&AMP;&Amp;") == "&&Amp;");                     // names are case-sensitive
  CHECK(decoded("&lt;&LT&gt") == "<<>");
  // The input stream's rules.
  CHECK(decoded("a\r\nb\rc\n\rd") == "a\nb\nc\n\nd");
  CHECK(decoded("a\0b"s) ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(decoded("\xFF\xC3(") == "\xFF\xC3(");  // not UTF-8: bytes copied
}

TEST_CASE("html: every <a>, in SVG, MathML, template and noscript too", "[html]") {
  const std::string a = "<a href=\"" + kLink + "\">";
  const std::string b = "<a href=\"" + kLinkWithId + "\">";
  CHECK(rewritten("<svg>" + a + "<text>x</text></a></svg>") == "<svg>" + b + "<text>x</text></a></svg>");
  CHECK(rewritten("<math>" + a + "</math>") == "<math>" + b + "</math>");
  CHECK(rewritten("<template>" + a + "</template>") == "<template>" + b + "</template>");
  CHECK(rewritten("<noscript>" + a + "</noscript>") == "<noscript>" + b + "</noscript>");
  CHECK(rewritten("<table><tr>" + a + "</table>") == "<table><tr>" + b + "</table>");
  const outcome out = rewrite(a + a + "<div>" + a + "</div>");
  CHECK(out.html == b + b + "<div>" + b + "</div>");
  CHECK(out.rewritten == 3);
}

TEST_CASE("html: <stripe-buy-button> and <stripe-pricing-table> get client-reference-id", "[html]") {
  CHECK(
      rewritten("<stripe-buy-button buy-button-id=\"buy_1\" publishable-key=\"pk_1\"></stripe-buy-button>") ==
      "<stripe-buy-button client-reference-id=\"cid_7Q-x\" buy-button-id=\"buy_1\" publishable-key=\"pk_1\">"
      "</stripe-buy-button>");
  CHECK(rewritten("<stripe-pricing-table pricing-table-id='prctbl_1'>") ==
        "<stripe-pricing-table client-reference-id=\"cid_7Q-x\" pricing-table-id='prctbl_1'>");
  CHECK(rewritten("<stripe-buy-button>") == "<stripe-buy-button client-reference-id=\"cid_7Q-x\">");
  CHECK(rewritten("<STRIPE-BUY-BUTTON/>") == "<STRIPE-BUY-BUTTON client-reference-id=\"cid_7Q-x\"/>");
  CHECK(rewritten("<stripe-buy-button x=y/>") == "<stripe-buy-button client-reference-id=\"cid_7Q-x\" x=y/>");
  // An existing value is replaced, in its quote style.
  CHECK(rewritten("<stripe-buy-button client-reference-id=\"old\" x>") ==
        "<stripe-buy-button client-reference-id=\"cid_7Q-x\" x>");
  CHECK(rewritten("<stripe-buy-button Client-Reference-Id='a&amp;b'>") ==
        "<stripe-buy-button Client-Reference-Id='cid_7Q-x'>");
  CHECK(rewritten("<stripe-pricing-table client-reference-id=old>") ==
        "<stripe-pricing-table client-reference-id=cid_7Q-x>");
  CHECK(rewritten("<stripe-pricing-table client-reference-id= >") ==
        "<stripe-pricing-table client-reference-id= cid_7Q-x>");
  CHECK(rewritten("<stripe-pricing-table client-reference-id>") ==
        "<stripe-pricing-table client-reference-id=\"cid_7Q-x\">");
  CHECK(rewritten("<stripe-pricing-table client-reference-id x=1>") ==
        "<stripe-pricing-table client-reference-id=\"cid_7Q-x\" x=1>");
  // Only the first counts; already right means unchanged.
  CHECK(rewritten("<stripe-buy-button client-reference-id=a client-reference-id=b>") ==
        "<stripe-buy-button client-reference-id=cid_7Q-x client-reference-id=b>");
  check_unchanged("<stripe-buy-button client-reference-id=\"cid_7Q-x\">");
  check_unchanged("<stripe-buy-button client-reference-id=\"cid_&#55;Q-x\">");
  check_unchanged("</stripe-buy-button><stripe-buy-buttons><stripe-checkout>");
}

TEST_CASE("html: custom payment-link hosts; look-alikes stay", "[html]") {
  link_options custom;
  custom.hosts = {"pay.example.com"};
  CHECK(rewrite("<a href=\"https://pay.example.com/x\"><a href=\"" + kLink + "\">", custom).html ==
        "<a href=\"https://pay.example.com/x?client_reference_id=cid_7Q-x\"><a href=\"" + kLink + "\">");
  check_unchanged("<a href=\"https://buy.stripe.com.evil.example/x\">");
  check_unchanged("<a href=\"https://buy.stripe.com@evil.example/x\">");
  check_unchanged("<a href=\"https://buy.stripe.com:8443/x\">");
  check_unchanged("<a href=\"/buy.stripe.com/x\">");
  check_unchanged("<a href=\"https://[buy.stripe.com/x\">");  // refused by a browser: left alone
}

// ---------------------------------------------------------------- what is not

TEST_CASE("html: never inside comments, bogus comments or DOCTYPE", "[html]") {
  const std::string a = "<a href=\"" + kLink + "\">";
  const std::string b = "<a href=\"" + kLinkWithId + "\">";
  check_unchanged("<!-- " + a + " -->");
  check_unchanged("<!--" + a + "-->");
  check_unchanged("<!-- -- > " + a + " -- -->");
  check_unchanged("<!--!> " + a + " -->");       // "<!--!>" does not close
  check_unchanged("<!-- <!-- " + a + " -->");    // nested opener: still one comment
  check_unchanged("<!-- " + a);                  // unterminated: to the end
  CHECK(rewritten("<!-->" + a) == "<!-->" + b);  // closed at once
  CHECK(rewritten("<!--->" + a) == "<!--->" + b);
  CHECK(rewritten("<!---->" + a) == "<!---->" + b);
  CHECK(rewritten("<!-- x --!>" + a) == "<!-- x --!>" + b);
  CHECK(rewritten("<!-- x --->" + a) == "<!-- x --->" + b);
  CHECK(rewritten("<!-- <!--> -->" + a) == "<!-- <!--> -->" + b);
  // Bogus comments end at the first '>': "<!x", "<?x", "</ x", "<![CDATA[" in HTML.
  check_unchanged("<!x " + a);
  check_unchanged("<?xml " + a + "?>");
  check_unchanged("</ " + a);
  check_unchanged("</1" + a);
  check_unchanged("<!- " + a);
  check_unchanged("<!DOCTYPE html PUBLIC \"-//x" + a + "\">");
  CHECK(rewritten("<!x>" + a) == "<!x>" + b);
  CHECK(rewritten("<!>" + a) == "<!>" + b);
  CHECK(rewritten("<!->" + a) == "<!->" + b);
  CHECK(rewritten("<?>" + a) == "<?>" + b);
  CHECK(rewritten("</>" + a) == "</>" + b);
  CHECK(rewritten("<!DOCTYPE html>" + a) == "<!DOCTYPE html>" + b);
  CHECK(rewritten("<![CDATA[ x > " + a + " ]]>") == "<![CDATA[ x > " + b + " ]]>");
  // '<' that opens nothing is text.
  CHECK(rewritten("1 < 2 <3 <" + a + "<") == "1 < 2 <3 <" + b + "<");
}

TEST_CASE("html: never in the text of raw text and RCDATA elements", "[html]") {
  const std::string in = "<a href=\"" + kLink + "\">";
  const std::string out = "<a href=\"https://buy.stripe.com/out\">";
  const std::string out_rewritten = "<a href=\"https://buy.stripe.com/out?client_reference_id=cid_7Q-x\">";
  for (const char* element :
       {"script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title"}) {
    const std::string e = element;
    INFO(e);
    CHECK(rewritten("<" + e + ">" + in + "</" + e + ">" + out) ==
          "<" + e + ">" + in + "</" + e + ">" + out_rewritten);
    CHECK(rewritten("<" + e + " id=x>" + in + "</" + e + " >" + out) ==
          "<" + e + " id=x>" + in + "</" + e + " >" + out_rewritten);
    // Only its own end tag ends it, in any case, then white space, '/' or '>'.
    std::string upper = e;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](char c) { return static_cast<char>(c - 32); });
    CHECK(rewritten("<" + upper + ">" + in + "</" + upper + "/>" + out) ==
          "<" + upper + ">" + in + "</" + upper + "/>" + out_rewritten);
    check_unchanged("<" + e + ">" + in + "</" + e + "x>" + in + "</" + e + "1>" + in + "</p>" + in + "</ " +
                    e + ">" + in);
    check_unchanged("<" + e + ">" + in + "<!-- </" + e + "> -->");  // no comments in there...
    CHECK(rewritten("<" + e + "><!-- </" + e + "> -->" + out) ==
          "<" + e + "><!-- </" + e + "> -->" + out_rewritten);
    check_unchanged("<" + e + ">" + in);  // unterminated: to the end
  }
  // The end tag may carry attributes, with quoted '>' in them.
  CHECK(rewritten("<style></style x='>" + in + "'>" + out) ==
        "<style></style x='>" + in + "'>" + out_rewritten);
  // plaintext never ends.
  check_unchanged("<plaintext></plaintext>" + in);
  // A start tag's self-closing slash changes nothing for HTML elements.
  check_unchanged("<title/>" + in + "</title");
}

TEST_CASE("html: script's escapes follow the tokenizer", "[html]") {
  const std::string in = "<a href=\"" + kLink + "\">";
  const std::string out = "<a href=\"https://buy.stripe.com/out\">";
  const std::string out_rewritten = "<a href=\"https://buy.stripe.com/out?client_reference_id=cid_7Q-x\">";
  // "<!--<script>" makes the next "</script>" text: the one after ends it.
  check_unchanged("<script><!--<script></script>" + in + "</script>");
  CHECK(rewritten("<script><!--<script></script>" + in + "--></script>" + out) ==
        "<script><!--<script></script>" + in + "--></script>" + out_rewritten);
  // "-->" leaves the escape, even a double one.
  CHECK(rewritten("<script><!--<script>--></script>" + out) ==
        "<script><!--<script>--></script>" + out_rewritten);
  // Escaped (not double-escaped) text ends at </script>.
  CHECK(rewritten("<script><!-- x </script>" + out) == "<script><!-- x </script>" + out_rewritten);
  CHECK(rewritten("<script><!--></script>" + out) == "<script><!--></script>" + out_rewritten);
  // "<scripts>" or "<script0" are no double escape.
  CHECK(rewritten("<script><!--<scripts></script>" + out) ==
        "<script><!--<scripts></script>" + out_rewritten);
  CHECK(rewritten("<script><!--<script0></script>" + out) ==
        "<script><!--<script0></script>" + out_rewritten);
  // Plain script text: "<!" without "--" escapes nothing.
  CHECK(rewritten("<script>if (a<!b) x = '<a href=\"" + kLink + "\">';</script>" + out) ==
        "<script>if (a<!b) x = '<a href=\"" + kLink + "\">';</script>" + out_rewritten);
  CHECK(rewritten("<script><!-<script></script>" + out) == "<script><!-<script></script>" + out_rewritten);
  // "</script" must be followed by white space, '/' or '>'.
  check_unchanged("<script></scriptx>" + in + "</script_" + in);
  // In the double escape, "</script " ends it, and the escape ends at "-->".
  // "--!>" ends a comment but not a script escape.
  check_unchanged("<script><!--<script >--!></script >" + out);
}

TEST_CASE("html: SVG and MathML: CDATA, no raw text, integration points", "[html]") {
  const std::string in = "<a href=\"" + kLink + "\">";
  const std::string out = "<a href=\"" + kLinkWithId + "\">";
  // CDATA sections exist in foreign content only.
  CHECK(rewritten("<svg><![CDATA[" + in + "]]>" + in + "</svg>") ==
        "<svg><![CDATA[" + in + "]]>" + out + "</svg>");
  CHECK(rewritten("<svg><![CDATA[ ]] ]]]>" + in) == "<svg><![CDATA[ ]] ]]]>" + out);
  CHECK(rewritten("<svg><![cdata[ x>" + in) == "<svg><![cdata[ x>" + out);  // case-sensitive: bogus comment
  CHECK(rewritten("<math><![CDATA[" + in + "]]></math>") == "<math><![CDATA[" + in + "]]></math>");
  CHECK(rewritten("<svg></svg><![CDATA[ >" + in + "]]>") == "<svg></svg><![CDATA[ >" + out + "]]>");
  // Inside SVG, <style>, <script> and <title> are ordinary elements.
  CHECK(rewritten("<svg><style>" + in + "</style></svg>") == "<svg><style>" + out + "</style></svg>");
  CHECK(rewritten("<svg><title>" + in + "</title></svg>") == "<svg><title>" + out + "</title></svg>");
  CHECK(rewritten("<svg><script>" + in + "</script></svg>") == "<svg><script>" + out + "</script></svg>");
  CHECK(rewritten("<math><style>" + in + "</style></math>") == "<math><style>" + out + "</style></math>");
  // ...until foreign content ends: its end tag, a self-closing <svg/>, or a
  // tag that breaks out.
  check_unchanged("<svg></svg><style>" + in + "</style>");
  check_unchanged("<svg/><style>" + in + "</style>");
  check_unchanged("<svg><g><p><style>" + in + "</style>");
  check_unchanged("<svg><font color=red><style>" + in + "</style>");
  CHECK(rewritten("<svg><font><style>" + in + "</style>") == "<svg><font><style>" + out + "</style>");
  check_unchanged("<svg><g></div><style>" + in + "</style>");  // closes an HTML ancestor
  check_unchanged("<svg><g></g></svg><title>" + in + "</title>");
  CHECK(rewritten("<svg><g/><title>" + in + "</title>") == "<svg><g/><title>" + out + "</title>");
  // Integration points read their content as HTML.
  check_unchanged("<svg><foreignObject><style>" + in + "</style></foreignObject>");
  check_unchanged("<svg><desc><textarea>" + in + "</textarea></desc>");
  check_unchanged("<math><mi><title>" + in + "</title></mi>");
  check_unchanged("<math><annotation-xml encoding=\"Text/HTML\"><style>" + in + "</style>");
  CHECK(rewritten("<math><annotation-xml><style>" + in + "</style>") ==
        "<math><annotation-xml><style>" + out + "</style>");
  CHECK(rewritten("<math><annotation-xml encoding=\"text/html\"><svg><style>" + in + "</style>") ==
        "<math><annotation-xml encoding=\"text/html\"><svg><style>" + out + "</style>");
  // Back in SVG after the integration point.
  CHECK(rewritten("<svg><foreignObject></foreignObject><style>" + in + "</style>") ==
        "<svg><foreignObject></foreignObject><style>" + out + "</style>");
  // HTML inside an integration point: "<![CDATA[" is a bogus comment there.
  CHECK(rewritten("<svg><foreignObject><div><![CDATA[ >" + in + "]]>") ==
        "<svg><foreignObject><div><![CDATA[ >" + out + "]]>");
  check_unchanged("<svg><foreignObject><![CDATA[ >" + in + "]]>");
}

// ---------------------------------------------------------------- malformed input, limits, errors

TEST_CASE("html: deeply nested foreign content stays bounded and balanced", "[html]") {
  const std::string in = "<a href=\"" + kLink + "\">";
  const std::string out = "<a href=\"" + kLinkWithId + "\">";
  std::string open, close;
  for (int i = 0; i < 10000; ++i) {
    open += "<g>";
    close += "</g>";
  }
  // A link at depth 10 000 is rewritten; once every <g> and the <svg> are
  // closed, <style> is raw text again.
  CHECK(rewritten("<svg>" + open + in + close + "</svg><style>" + in + "</style>") ==
        "<svg>" + open + out + close + "</svg><style>" + in + "</style>");
  // Still in SVG after closing only some of them.
  CHECK(rewritten("<svg>" + open + close.substr(0, 4 * 9999) + "<style>" + in + "</style>") ==
        "<svg>" + open + close.substr(0, 4 * 9999) + "<style>" + out + "</style>");
  // And 10 000 unclosed <svg><math> pairs.
  std::string pairs;
  for (int i = 0; i < 10000; ++i) pairs += "<svg><math>";
  CHECK(rewritten(pairs + in) == pairs + out);
}

TEST_CASE("html: malformed HTML is passed through", "[html]") {
  check_unchanged("<a href=\"" + kLink + "\"");  // the tag never ends
  check_unchanged("<a href=\"" + kLink);
  check_unchanged("<a href=" + kLink);
  check_unchanged("<a");
  check_unchanged("<");
  CHECK(rewritten("<a href=\"" + kLink + "\" <p>") ==
        "<a href=\"" + kLinkWithId + "\" <p>");        // "<p" is an attribute
  check_unchanged("<a\0 href=\""s + kLink + "\">");    // the name is "a\uFFFD"
  CHECK(rewritten("<a href=\"" + kLink + "\0\">"s) ==  // the DOM holds U+FFFD for the NUL
        "<a href=\"" + kLink + "\xEF\xBF\xBD?client_reference_id=cid_7Q-x\">");
  CHECK(rewritten("<p <a href=\"" + kLink + "\">") == "<p <a href=\"" + kLink + "\">");  // attributes of <p>
  CHECK(rewritten("<<a href=\"" + kLink + "\">") == "<<a href=\"" + kLinkWithId + "\">");
  CHECK(rewritten("</a href=\"" + kLink + "\">") == "</a href=\"" + kLink + "\">");  // an end tag
}

TEST_CASE("html: an invalid click id fails before any output", "[html]") {
  CHECK(rewrite_html("<a href=\"" + kLink + "\">", "").error() == CLICKREF_E_INVALID_CLICK_ID);
  CHECK(rewrite_html("x", "has space").error() == CLICKREF_E_INVALID_CLICK_ID);
  CHECK(rewrite_html("x", std::string(201, 'a')).error() == CLICKREF_E_INVALID_CLICK_ID);
  CHECK(rewrite_html("x", std::string(200, 'a')).ok());
  bool called = false;
  auto rw = html_rewriter::create("caf\xC3\xA9", {}, [&](std::string_view) {
    called = true;
    return CLICKREF_OK;
  });
  CHECK(rw.error() == CLICKREF_E_INVALID_CLICK_ID);
  CHECK_FALSE(called);
  CHECK(html_rewriter::create(kId, {}, nullptr).error() == CLICKREF_E_INVALID_ARGUMENT);
}

TEST_CASE("html: a start tag longer than kMaxTagBytes is copied unchanged", "[html]") {
  const std::string head = "<a href=\"" + kLink + "\" data-x=\"";
  const std::string tail = "\">";
  const std::string fits = head + std::string(kMaxTagBytes - head.size() - tail.size(), 'x') + tail;
  REQUIRE(fits.size() == kMaxTagBytes);
  const std::string too_long = head + std::string(kMaxTagBytes - head.size() - tail.size() + 1, 'x') + tail;
  const outcome a = rewrite(fits);
  CHECK(a.rewritten == 1);
  CHECK(a.html.size() == fits.size() + std::string("?client_reference_id=cid_7Q-x").size());
  check_unchanged(too_long);
  // Streaming, whatever the chunks.
  for (size_t chunk : {size_t{1000}, size_t{4096}, size_t{65536}, size_t{70000}}) {
    std::vector<size_t> cuts;
    for (size_t at = chunk; at < too_long.size(); at += chunk) cuts.push_back(at);
    CHECK(stream(too_long, cuts).html == too_long);
    cuts.clear();
    for (size_t at = chunk; at < fits.size(); at += chunk) cuts.push_back(at);
    CHECK(stream(fits, cuts).html == a.html);
  }
}

TEST_CASE("html: streaming holds back only a tag that may change, at most kMaxTagBytes", "[html]") {
  std::string received;
  int calls = 0;
  auto rw = html_rewriter::create(kId, {}, [&](std::string_view bytes) {
    received.append(bytes);
    ++calls;
    return CLICKREF_OK;
  });
  REQUIRE(rw.ok());
  std::string expected;
  // Text and tags that cannot change go out with their chunk, in one call.
  REQUIRE(rw->write("<p class=\"x\">hello</p><!-- <a ") == CLICKREF_OK);
  CHECK(calls == 1);
  CHECK(received == (expected += "<p class=\"x\">hello</p><!-- <a "));
  REQUIRE(rw->write("--><div><a hr") == CLICKREF_OK);
  CHECK(received == (expected += "--><div>"));  // "<a hr" is held
  REQUIRE(rw->write("ef=\"" + kLink + "\">Buy</a>") == CLICKREF_OK);
  CHECK(received == (expected += "<a href=\"" + kLinkWithId + "\">Buy</a>"));
  CHECK(rw->rewritten() == 1);
  // A tag name is let go once it is too long to be one that matters.
  REQUIRE(rw->write("<abbreviation-that-is-long") == CLICKREF_OK);
  CHECK(received == (expected += "<abbreviation-that-is-long"));
  REQUIRE(rw->write(" title=x>") == CLICKREF_OK);
  CHECK(received == (expected += " title=x>"));
  // An unfinished <a> grows up to the limit, then goes out unchanged.
  const std::string start = "<a x=\"" + std::string(kMaxTagBytes - 10, 'y');
  REQUIRE(rw->write(start) == CLICKREF_OK);
  CHECK(received == expected);
  REQUIRE(rw->write(std::string(20, 'y')) == CLICKREF_OK);
  CHECK(received == (expected += start + std::string(20, 'y')));
  REQUIRE(rw->write("\" href=\"" + kLink + "\">") == CLICKREF_OK);
  CHECK(received == (expected += "\" href=\"" + kLink + "\">"));
  // An unfinished tag at the end is passed on by finish().
  REQUIRE(rw->write("<a href=\"" + kLink) == CLICKREF_OK);
  CHECK(received == expected);
  REQUIRE(rw->finish() == CLICKREF_OK);
  CHECK(received == (expected += "<a href=\"" + kLink));
  CHECK(rw->write("x") == CLICKREF_E_INVALID_ARGUMENT);
  CHECK(rw->finish() == CLICKREF_E_INVALID_ARGUMENT);
  CHECK(rw->rewritten() == 1);
}

TEST_CASE("html: a sink failure stops the rewriter and is returned", "[html]") {
  int calls = 0;
  auto rw = html_rewriter::create(kId, {}, [&](std::string_view) {
    ++calls;
    return calls == 2 ? CLICKREF_E_NO_MEMORY : CLICKREF_OK;
  });
  REQUIRE(rw.ok());
  CHECK(rw->write("<p>one</p>") == CLICKREF_OK);
  CHECK(rw->write("<p>two</p><a href=\"" + kLink + "\">") == CLICKREF_E_NO_MEMORY);
  CHECK(rw->rewritten() == 0);
  CHECK(rw->write("<p>three</p>") == CLICKREF_E_NO_MEMORY);
  CHECK(rw->finish() == CLICKREF_E_NO_MEMORY);
  CHECK(calls == 2);
  // An empty rewriter (moved from) refuses politely.
  html_rewriter moved = std::move(*rw);
  CHECK(rw->write("x") == CLICKREF_E_INVALID_ARGUMENT);
  CHECK(rw->finish() == CLICKREF_E_INVALID_ARGUMENT);
  CHECK(rw->rewritten() == 0);
}

// ---------------------------------------------------------------- streaming equals one-shot

TEST_CASE("html: every split of small documents gives the one-shot output", "[html][stream]") {
  const std::string link = "https://buy.stripe.com/x?a=1&amp;b=2";
  for (const std::string& doc : std::vector<std::string>{
           "<a href=\"" + link + "\">x</a>",
           "<A HREF='" + link + "'><a href=" + link + ">",
           "<p>&amp;<a title='>' href=\"" + link + "\" x>",
           "<!--<a href=\"" + link + "\">--><a href=\"" + link + "\">",
           "<!---><a href=\"" + link + "\"><!--!>-->",
           "<script><!--<script></script><a href='" + link + "'></script><a href='" + link + "'>",
           "<title>x</title ><a href='" + link + "'><textarea></TEXTAREA/>",
           "<svg><![CDATA[<a href='" + link + "'>]]]></svg><![CDATA[>",
           "<stripe-buy-button x=1><stripe-pricing-table client-reference-id='o'/>",
           "<svg><foreignObject><style></style></foreignObject><style><a href=" + link + "></style>",
           "<a href=\"https://buy.stripe.com/x?c=&copy=&ampx&#38;\"><?x><!x></ y>",
           "<math><annotation-xml encoding=text/html><xmp></xmp></math><a href=" + link + ">",
           "<plaintext><a href=\"" + link + "\">",
       }) {
    check_all_splits(doc);
  }
}

TEST_CASE("html: corpus pages: the links they hold, and random splits", "[html][stream][corpus]") {
  struct page {
    const char* file;
    size_t links;  // counted by hand when the page was written
  };
  const page pages[] = {
      {"landing.html", 4},           {"pricing-table.html", 6},     {"blog-svg-icons.html", 3},
      {"email-newsletter.html", 5},  {"docs-code-samples.html", 2}, {"app-shell-templates.html", 4},
      {"legacy-crlf-latin.html", 3}, {"broken-markup.html", 3},
  };
  std::mt19937_64 random(20240517);
  for (const page& p : pages) {
    INFO(p.file);
    const std::string html = test::read_test_file(std::string("html/") + p.file);
    const outcome whole = rewrite(html);
    CHECK(whole.rewritten == p.links);
    // Changing no link changes no byte.
    const std::string again = rewrite(whole.html).html;
    CHECK(again == whole.html);
    for (int round = 0; round < 200; ++round) {
      std::vector<size_t> cuts;
      const size_t n = 1 + random() % 40;
      for (size_t i = 0; i < n; ++i) cuts.push_back(random() % (html.size() + 1));
      std::sort(cuts.begin(), cuts.end());
      const outcome split = stream(html, cuts);
      if (split.html != whole.html || split.rewritten != whole.rewritten) {
        std::string where;
        for (size_t c : cuts) where += std::to_string(c) + " ";
        FAIL("cuts: " << where);
      }
    }
    std::vector<size_t> every_byte;
    for (size_t i = 1; i < html.size(); ++i) every_byte.push_back(i);
    CHECK(stream(html, every_byte).html == whole.html);
  }
}
