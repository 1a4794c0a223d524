"""rewrite_url, rewrite_html and the streaming HtmlRewriter."""

import html.parser

import pytest

import clickref
from clickref import ClickIdError
from clickref._native import lib

PAGE = (
    '<!doctype html><title>Plans <a href="https://buy.stripe.com/no"></title>\n'
    '<!-- <a href="https://buy.stripe.com/commented"> -->\n'
    '<a href="https://buy.stripe.com/test_basic">Basic</a>\n'
    "<a class=x href='https://buy.stripe.com/pro?a=1&amp;client_reference_id=old#top'>Pro</a>\n"
    '<a href="https://example.com/about">About</a>\n'
    '<script>var s = "<a href=\\"https://buy.stripe.com/in-script\\">";</script>\n'
)
REWRITTEN = (
    '<!doctype html><title>Plans <a href="https://buy.stripe.com/no"></title>\n'
    '<!-- <a href="https://buy.stripe.com/commented"> -->\n'
    '<a href="https://buy.stripe.com/test_basic?client_reference_id=aff_42">Basic</a>\n'
    "<a class=x href='https://buy.stripe.com/pro?a=1&amp;client_reference_id=aff_42#top'>Pro</a>\n"
    '<a href="https://example.com/about">About</a>\n'
    '<script>var s = "<a href=\\"https://buy.stripe.com/in-script\\">";</script>\n'
)


@pytest.mark.parametrize("url, expected", [
    ("https://buy.stripe.com/test_abc", "https://buy.stripe.com/test_abc?client_reference_id=aff_42"),
    ("https://buy.stripe.com/x?a=1&client_reference_id=old&b=2",
     "https://buy.stripe.com/x?a=1&client_reference_id=aff_42&b=2"),
    ("https://buy.stripe.com/x#frag", "https://buy.stripe.com/x?client_reference_id=aff_42#frag"),
    ("https://buy.stripe.com.evil.example/x", "https://buy.stripe.com.evil.example/x"),
    ("http://buy.stripe.com/x", "http://buy.stripe.com/x"),
    ("not a url", "not a url"),
])
def test_rewrite_url(url, expected):
    assert clickref.rewrite_url(url, "aff_42") == expected


def test_rewrite_url_custom_hosts():
    assert clickref.rewrite_url("https://pay.example.com/b", "aff_42", hosts=["pay.example.com"]) == \
        "https://pay.example.com/b?client_reference_id=aff_42"
    assert clickref.rewrite_url("https://buy.stripe.com/b", "aff_42", hosts=["pay.example.com"]) == \
        "https://buy.stripe.com/b"
    with pytest.raises(TypeError):
        clickref.rewrite_url("https://pay.example.com/b", "aff_42", hosts="pay.example.com")


def test_rewrite_url_rejects_urls_a_browser_would_refuse():
    with pytest.raises(clickref.Error) as raised:
        clickref.rewrite_url("https://buy.stripe.com:99999/x", "aff_42")
    assert type(raised.value) is clickref.Error and raised.value.status == "CLICKREF_E_INVALID_URL"


def test_rewrite_url_rejects_invalid_click_ids():
    with pytest.raises(ClickIdError) as raised:
        clickref.rewrite_url("https://buy.stripe.com/x", "no spaces")
    assert raised.value.status == "CLICKREF_E_INVALID_CLICK_ID"


def test_rewrite_html_str_in_str_out():
    out = clickref.rewrite_html(PAGE, "aff_42")
    assert isinstance(out, str) and out == REWRITTEN


@pytest.mark.parametrize("convert", [bytes, bytearray, memoryview])
def test_rewrite_html_bytes_in_bytes_out(convert):
    out = clickref.rewrite_html(convert(PAGE.encode()), "aff_42")
    assert type(out) is bytes and out == REWRITTEN.encode()


def test_rewrite_html_with_custom_hosts():
    page = '<a href="https://pay.example.com/b">x</a><a href="https://buy.stripe.com/b">y</a>'
    assert clickref.rewrite_html(page, "aff_42", hosts=["pay.example.com"]) == (
        '<a href="https://pay.example.com/b?client_reference_id=aff_42">x</a><a href="https://buy.stripe.com/b">y</a>')


class Attributes(html.parser.HTMLParser):
    """The attributes of each start tag, as Python's own HTML parser reads them."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_rewrite_html_sets_the_buy_button_reference():
    page = ('<stripe-buy-button buy-button-id="buy_btn_1" publishable-key="pk_test_1"></stripe-buy-button>'
            '<stripe-pricing-table pricing-table-id="prctbl_1" client-reference-id="old"></stripe-pricing-table>')
    parser = Attributes()
    parser.feed(clickref.rewrite_html(page, "aff_42"))
    assert parser.tags == [
        ("stripe-buy-button", {"buy-button-id": "buy_btn_1", "publishable-key": "pk_test_1",
                               "client-reference-id": "aff_42"}),
        ("stripe-pricing-table", {"pricing-table-id": "prctbl_1", "client-reference-id": "aff_42"}),
    ]


def test_rewrite_html_passes_anything_else_through():
    for page in ("", "plain text", "<a href=", "<!-- never closed", "\x00\xff<a"):
        assert clickref.rewrite_html(page, "aff_42") == page


def test_rewrite_html_rejects_invalid_click_ids():
    with pytest.raises(ClickIdError) as raised:
        clickref.rewrite_html(PAGE, "")
    assert raised.value.status == "CLICKREF_E_INVALID_CLICK_ID"


def test_streaming_equals_one_shot_for_every_split():
    data = PAGE.encode()
    for split in range(len(data) + 1):
        with clickref.HtmlRewriter("aff_42") as rewriter:
            out = rewriter.write(data[:split]) + rewriter.write(memoryview(data)[split:]) + rewriter.finish()
            assert out == REWRITTEN.encode(), split
            assert rewriter.links_rewritten == 2


def test_streaming_returns_output_as_it_goes():
    with clickref.HtmlRewriter("aff_42") as rewriter:
        first = rewriter.write(b"<p>hello</p>" * 100 + b"<a hr")
        assert first.startswith(b"<p>hello</p>")
        assert rewriter.links_rewritten == 0
        rest = rewriter.write(b'ef="https://buy.stripe.com/x">') + rewriter.finish()
        assert rewriter.links_rewritten == 1
    assert first + rest == b"<p>hello</p>" * 100 + b'<a href="https://buy.stripe.com/x?client_reference_id=aff_42">'


def test_finish_flushes_a_tag_cut_off_by_the_end():
    with clickref.HtmlRewriter("aff_42") as rewriter:
        held = rewriter.write(b'<p>x</p><a href="https://buy.stripe.com/x"')
        assert held == b"<p>x</p>"  # the tag may still be rewritten: it waits for its '>'
        assert rewriter.finish() == b'<a href="https://buy.stripe.com/x"'  # never closed: passed through
        assert rewriter.links_rewritten == 0


def test_streaming_with_custom_hosts():
    with clickref.HtmlRewriter("aff_42", hosts=["pay.example.com"]) as rewriter:
        out = rewriter.write(b'<a href="https://pay.example.com/b">') + rewriter.finish()
    assert out == b'<a href="https://pay.example.com/b?client_reference_id=aff_42">'


def test_streaming_misuse():
    rewriter = clickref.HtmlRewriter("aff_42")
    rewriter.finish()
    with pytest.raises(clickref.Error) as raised:
        rewriter.write(b"<a>")
    assert raised.value.status == "CLICKREF_E_INVALID_ARGUMENT"
    rewriter.close()
    rewriter.close()
    with pytest.raises(ValueError, match="closed"):
        rewriter.write(b"<a>")
    with pytest.raises(ValueError, match="closed"):
        rewriter.finish()


def test_a_dropped_rewriter_is_freed():
    rewriter = clickref.HtmlRewriter("aff_42")
    rewriter.write(b"<a href=")
    release = rewriter._release
    del rewriter  # no reference cycle through the C callback: freed at once
    assert not release.alive


def test_streaming_rejects_invalid_click_ids():
    with pytest.raises(ClickIdError) as raised:
        clickref.HtmlRewriter("bad id")
    assert raised.value.status == "CLICKREF_E_INVALID_CLICK_ID"


class ExplodingChunks(list):
    def append(self, chunk):
        raise MemoryError("no room")


def test_a_failing_sink_surfaces_its_exception():
    rewriter = clickref.HtmlRewriter("aff_42")
    rewriter._collector.chunks = ExplodingChunks()
    with pytest.raises(MemoryError, match="no room"):
        rewriter.write(b"<p>" * 10000)
    with pytest.raises(clickref.Error) as raised:  # the library stops the rewriter for good
        rewriter.finish()
    assert raised.value.status == "CLICKREF_E_NO_MEMORY"


def test_html_rewriter_free_accepts_null():
    lib.clickref_html_rewriter_free(None)
