// clickref/url.hpp — payment links: recognising them and setting
// client_reference_id, C++ API. The C equivalent is clickref_rewrite_url.
#pragma once

#include <clickref/status.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace clickref {

// Where Stripe serves Payment Links (test-mode links too: buy.stripe.com/test_…).
inline constexpr std::string_view kDefaultPaymentLinkHost = "buy.stripe.com";

struct link_options {
  // Hosts whose https URLs are payment links, compared case-insensitively.
  // Add your Stripe custom domain (e.g. "pay.example.com") here. An empty
  // list makes no URL a payment link.
  std::vector<std::string> hosts = {std::string(kDefaultPaymentLinkHost)};
};

// Whether `url` is a payment link, judged as a browser parses the URL:
//  - white space and C0 controls around it are ignored, and tabs and
//    newlines inside it are deleted, as the URL parser does;
//  - the scheme is https (any case), followed by at least two '/' or '\'
//    ("https:x" or "https:/x" is relative to the page in a browser);
//  - the host is what follows the last '@' of the authority (so
//    "https://buy.stripe.com@evil.example/" is a link to evil.example);
//    it is percent-decoded and compared case-insensitively with
//    options.hosts, one trailing dot ignored on both sides ("buy.stripe.com."
//    is the same DNS name); "https://buy.stripe.com.evil.example/" is not a
//    payment link;
//  - the port is absent, empty or 443 (leading zeros allowed): any other
//    port is another origin, where Stripe serves no payment link;
//  - a non-ASCII host (which a browser maps with IDNA) never matches, so a
//    look-alike can only make clickref miss a link, never send the id away.
CLICKREF_API bool is_payment_link(std::string_view url, const link_options& options = {});

// Appends to `out` the URL with client_reference_id=<click_id> set, when
// it is a payment link (see is_payment_link): the first existing
// client_reference_id (its name decoded as URLSearchParams decodes it) gets
// the new value in place, later ones are removed, otherwise the parameter is
// appended to the query ('?' or '&' as needed; an empty "?" or a trailing
// '&' is reused) before any fragment. Every other byte of the link is kept:
// parsed by `new URL(out).searchParams`, the result lists the same
// parameters as the browser snippet's `url.searchParams.set(...)` would,
// without its re-serialisation. A rewritten link comes without the
// surrounding white space and inner tabs/newlines that browsers ignore, and
// a space that removing trailing client_reference_ids would leave at its very
// end is written as %20, since a browser would trim it off the value.
//
// Any other URL (relative, another scheme, another host or port, unparsable
// without a scheme) is appended unchanged with CLICKREF_OK.
//
// `*changed` (optional) is set to whether the appended URL differs from
// `url`. Errors append nothing:
//  - CLICKREF_E_INVALID_CLICK_ID for an id Stripe would drop
//    (click_id_valid), checked first, whatever the URL;
//  - CLICKREF_E_INVALID_URL for an https URL (at least two slashes) that a
//    browser would refuse or rewrite behind the page's back: an empty host,
//    a port that is not a number up to 65535, an unclosed IPv6 bracket, a
//    forbidden byte in the host (controls, space, %, <, >, ^, |, …, also
//    when percent-encoded), or a NUL, other C0 control or DEL anywhere in
//    it once the ignored tabs and newlines are gone.
CLICKREF_API status rewrite_url(std::string_view url, std::string_view click_id, const link_options& options,
                                std::string& out, bool* changed = nullptr);

// The same, returning the URL.
CLICKREF_API result<std::string> rewrite_url(std::string_view url, std::string_view click_id,
                                             const link_options& options = {});

}  // namespace clickref
