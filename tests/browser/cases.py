"""Test pages for the browser conformance test: each is the body of a page
(or, with raw=True, the whole document after the harness) that hides payment
links where a tokenizer can get them wrong. Written for clickref."""

L = "https://buy.stripe.com/test_9A"  # a payment link without a query


def case(name, html, raw=False):
    return {"name": name, "html": html, "raw": raw}


CASES = [
    # Quoting and attribute syntax.
    case("double-quoted", f'<a href="{L}">buy</a>'),
    case("single-quoted", f"<a href='{L}'>buy</a>"),
    case("unquoted", f"<a href={L}>buy</a>"),
    case("unquoted-with-slash", f"<a href={L}/>buy</a>"),
    case("unquoted-decodes-to-quote", f"<a href={L}?q=&#34;x>buy</a>"),
    case("spaces-around-equals", f'<a  href = "{L}" >buy</a>'),
    case("newlines-in-tag", f'<a\r\nclass="x"\r\nhref="{L}"\r\n>buy</a>'),
    case("upper-case-names", f'<A HREF="{L}">buy</A><a HrEf="{L}?x=1">buy</a>'),
    case("no-space-between-attributes", f'<a class="x"href="{L}">buy</a>'),
    case("slash-before-attribute", f'<a/href="{L}">buy</a>'),
    case("duplicate-href-first-wins", f'<a href="/docs" href="{L}">docs</a><a href="{L}" href="/docs">buy</a>'),
    case("attribute-without-value-first", f'<a href href="{L}">?</a>'),
    case("gt-in-quoted-value", f'<a title="1 > 0" href="{L}">buy</a><p title="<a href=\'{L}\'>">x</p>'),
    case("lt-a-inside-attribute", f'<img alt="<a href=&quot;{L}&quot;>"><a data-x=\'<a href="{L}">\'>x</a>'),
    case("quotes-inside-values", f"<a title='say \"hi\"' href='{L}?q=\"1\"'>buy</a><a href=\"{L}?q='2'\">buy</a>"),
    # Queries, fragments, existing parameters.
    case("existing-query", f'<a href="{L}?prefilled_email=a%40b.example&amp;locale=de">buy</a>'),
    case("existing-reference", f'<a href="{L}?client_reference_id=old&amp;x=1">buy</a>'),
    case("reference-twice", f'<a href="{L}?client_reference_id=a&amp;x=1&amp;client_reference_id=b">buy</a>'),
    case("fragment", f'<a href="{L}#pay">buy</a><a href="{L}?x=1#pay">buy</a>'),
    case("empty-query-and-fragment", f'<a href="{L}?">buy</a><a href="{L}?#f">buy</a><a href="{L}#">buy</a>'),
    case("plus-and-percent", f'<a href="{L}?note=a+b%20c&amp;e=%E2%82%AC">buy</a>'),
    case("test-and-live-links", '<a href="https://buy.stripe.com/test_aEU5nP">t</a>'
                                 '<a href="https://buy.stripe.com/aEU5nP">l</a>'),
    # Character references in hrefs.
    case("numeric-references", f'<a href="{L}?a=1&#38;b=2&#x26;c=3">buy</a>'),
    case("named-references", f'<a href="{L}?a=1&amp;b=2&AMP;c=3&amp">buy</a>'),
    case("legacy-reference-before-equals", f'<a href="{L}?a=1&copy=2&not=3">buy</a>'),
    case("legacy-reference-before-letter", f'<a href="{L}?a=&ampx&notit;">buy</a>'),
    case("legacy-reference-at-end", f'<a href="{L}?a=&copy">buy</a><a href="{L}?a=&copy;">buy</a>'),
    case("scheme-and-host-as-references", '<a href="&#104;ttps&colon;//buy&period;stripe.com/x">buy</a>'),
    case("non-ascii", f'<a href="{L}?n=caf&eacute;&amp;m=\u00fc\u20ac">buy</a>'),
    case("c1-and-null-references", f'<a href="{L}?a=&#128;&#x9F;&#0;&#xD800;">buy</a>'),
    # Which URLs are payment links.
    case("upper-case-scheme-and-host", '<a href="HTTPS://BUY.STRIPE.COM/x">buy</a>'),
    case("look-alike-host", '<a href="https://buy.stripe.com.evil.example/x">no</a>'),
    case("userinfo-trick", '<a href="https://buy.stripe.com@evil.example/x">no</a>'
                            '<a href="https://user@buy.stripe.com/x">yes</a>'),
    case("ports", '<a href="https://buy.stripe.com:443/x">443</a><a href="https://buy.stripe.com:8443/x">8443</a>'),
    case("white-space-around", f'<a href="  {L}\n">buy</a><a href="\t{L}?a=1 ">buy</a>'),
    case("tab-and-newline-inside", '<a href="https://buy.stri\tpe.com/x\n?a=1">buy</a>'),
    case("other-schemes-and-relative", '<a href="http://buy.stripe.com/x">http</a><a href="/buy.stripe.com/x">rel</a>'
                                        '<a href="//buy.stripe.com/x">scheme-relative</a><a href="mailto:a@b.example">m</a>'),
    case("percent-encoded-host", '<a href="https://buy%2Estripe.com/x">buy</a>'),
    case("trailing-dot-host", '<a href="https://buy.stripe.com./x">buy</a>'),
    # Comments, bogus comments, DOCTYPE, CDATA.
    case("comment", f'<!-- <a href="{L}">old</a> --><a href="{L}?c=1">buy</a>'),
    case("abrupt-comments", f'<!--><a href="{L}?c=1">1</a><!---><a href="{L}?c=2">2</a><!----><a href="{L}?c=3">3</a>'),
    case("comment-bang-end", f'<!-- x --!><a href="{L}?c=1">1</a><!--!> <a href="{L}?c=2">2</a> -->'),
    case("nested-comment-opener", f'<!-- <!-- <a href="{L}">x</a> --><a href="{L}?c=1">1</a>'),
    case("dashes-in-comment", f'<!-- -- > <a href="{L}">x</a> - -><a href="{L}?c=2">y</a> ---><a href="{L}?c=3">3</a>'),
    case("bogus-comments", f'<!x <a href="{L}">x</a><?php <a href="{L}">x</a></ <a href="{L}">x</a>'
                           f'</1<a href="{L}">x</a><a href="{L}?c=1">1</a>'),
    case("doctype-in-body", f'<!DOCTYPE html "<a href=\'{L}\'>"><a href="{L}?c=1">1</a>'),
    case("cdata-in-html-is-bogus", f'<![CDATA[ x > <a href="{L}?c=1">1</a> ]]>'),
    case("cdata-in-svg", f'<svg><![CDATA[<a href="{L}">x</a>]]><a href="{L}?c=1"><text>1</text></a></svg>'),
    # Raw text and RCDATA.
    case("script", f'<script>var s = \'<a href="{L}">x</a>\';</script><a href="{L}?c=1">1</a>'),
    case("script-double-escape", f'<script><!--<script></script><a href="{L}">x</a></script>'
                                 f'<a href="{L}?c=1">1</a>'),
    case("script-escape-ends", f'<script><!--<script>--></script><a href="{L}?c=1">1</a>'),
    case("script-false-end-tags", f'<script></scriptx><a href="{L}">x</a></script_><a href="{L}">y</a>'
                                  f'</SCRIPT ><a href="{L}?c=1">1</a>'),
    case("end-tag-with-attributes", f'<style></style x=">"><a href="{L}?c=1">1</a>'),
    case("style-xmp-iframe", f'<style>a[href="<a href={L}>"]{{}}</style><xmp><a href="{L}">x</a></xmp>'
                             f'<iframe><a href="{L}">x</a></iframe><a href="{L}?c=1">1</a>'),
    case("noembed-noframes", f'<noembed><a href="{L}">x</a></noembed><noframes><a href="{L}">x</a></noframes>'
                             f'<a href="{L}?c=1">1</a>'),
    case("textarea-and-title", f'<textarea><a href="{L}">x</a></textarea><title><a href="{L}">x</a></title>'
                               f'<a href="{L}?c=1">1</a>'),
    case("plaintext", f'<a href="{L}?c=1">1</a><plaintext><a href="{L}">x</a>'),
    # Foreign content.
    case("svg-anchor", f'<svg><a href="{L}"><text>svg</text></a></svg><a href="{L}?c=1">1</a>'),
    case("svg-style-and-title-are-not-raw", f'<svg><style><a href="{L}?c=1"></a></style>'
                                            f'<title><a href="{L}?c=2">2</a></title></svg>'),
    case("foreign-object-raw-text", f'<svg><foreignObject><style><a href="{L}">x</a></style>'
                                    f'<a href="{L}?c=1">1</a></foreignObject></svg>'),
    case("svg-ends-then-raw-text", f'<svg></svg><style><a href="{L}">x</a></style><svg/><title><a href="{L}">x</a></title>'
                                   f'<a href="{L}?c=1">1</a>'),
    case("svg-breakout", f'<svg><g><p><style><a href="{L}">x</a></style><a href="{L}?c=1">1</a>'),
    case("svg-font-breakout", f'<svg><font color="red"><title><a href="{L}">x</a></title></svg>'
                              f'<svg><font><title><a href="{L}?c=1">1</a></title></font></svg>'),
    case("math", f'<math><mi><textarea><a href="{L}">x</a></textarea></mi>'
                 f'<annotation-xml encoding="text/html"><style><a href="{L}">y</a></style></annotation-xml>'
                 f'<annotation-xml><style><a href="{L}?c=1"></a></style></annotation-xml></math>'),
    case("svg-xlink-href", '<svg><a xlink:href="https://buy.stripe.com/x"><text>x</text></a></svg>'),
    # Tree-builder corners that keep the link.
    case("template", f'<template id="t"><div><a href="{L}?c=1">1</a></div></template><a href="{L}?c=2">2</a>'),
    case("table-foster-parenting", f'<table><tr><td>x</td></tr><a href="{L}?c=1">1</a></table>'),
    case("nested-anchors", f'<a href="{L}?c=1">1<a href="{L}?c=2">2</a></a>'),
    case("anchor-in-button-and-label", f'<button><a href="{L}?c=1">1</a></button><label><a href="{L}?c=2">2</a></label>'),
    case("base-href", '<base href="https://shop.example/"><a href="/pricing">rel</a>'
                      f'<a href="{L}?c=1">1</a>'),
    case("select-contents", f'<select><option>x</option><style><a href="{L}">x</a></style></select>'
                            f'<a href="{L}?c=1">1</a>'),
    case("raw-text-in-table", f'<table><style><a href="{L}">x</a></style><tr><td><textarea><a href="{L}">y</a>'
                              f'</textarea></td></tr></table><a href="{L}?c=1">1</a>'),
    case("noscript", f'<noscript><a href="{L}?c=1">with scripting off</a></noscript><a href="{L}?c=2">2</a>'),
    case("svg-closed-by-html-ancestor", f'<div><svg><g></div><style><a href="{L}">x</a></style><a href="{L}?c=1">1</a>'),
    case("area-and-link-elements", f'<map><area href="{L}"></map><link rel="x" href="{L}"><a href="{L}?c=1">1</a>'),
    # Stripe's elements.
    case("stripe-elements", '<stripe-buy-button buy-button-id="buy_1"></stripe-buy-button>'
                            "<stripe-pricing-table client-reference-id='old' pricing-table-id=p>"
                            "</stripe-pricing-table><stripe-buy-button client-reference-id></stripe-buy-button>"
                            "<STRIPE-BUY-BUTTON Client-Reference-Id=x></STRIPE-BUY-BUTTON>"),
    # Malformed.
    case("unclosed-tag-at-end", f'<a href="{L}?c=1">1</a><a href="{L}"', raw=True),
    case("lt-that-opens-nothing", f'1 < 2 <3 <<a href="{L}?c=1">1</a> <> </> x'),
    case("attribute-from-lt", f'<a <a href="{L}?c=1">1</a><p <a href="{L}">x</p>'),
    # A whole document, DOCTYPE first.
    case("whole-document", f'<!DOCTYPE html><html><head><title>t</title></head><body>'
                           f'<a href="{L}?c=1">1</a></body></html><a href="{L}?c=2">after html</a>', raw=True),
]


if __name__ == "__main__":
    # `cases.py --json OUT` writes CASES as JSON for the bindings' tests in
    # other languages (the Go middleware's), so that the corpus has one source.
    import json
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "--json":
        sys.exit("usage: cases.py --json OUT")
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump(CASES, out)
