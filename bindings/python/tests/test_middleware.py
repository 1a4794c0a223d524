"""The WSGI and ASGI middleware: the browser corpus through both, split into
chunks every way, must equal the one-shot rewrite; everything that is not a
taggable HTML response must pass byte for byte."""

import asyncio
import gzip
import random
import sys
import time
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

import clickref
from clickref import ClickrefASGIMiddleware, ClickrefWSGIMiddleware
from cookie_clock import cookies_since

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests" / "browser"))
from cases import CASES  # noqa: E402  (the browser conformance corpus)

CLICK_ID = "27d65ddb-803f-4f59-88b3-753c8059dcba"
LINK = "https://buy.stripe.com/test_9A"
HTML = "text/html; charset=utf-8"


def document(case) -> bytes:
    if case["raw"]:
        return case["html"].encode()
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + case["html"]
            + "</body></html>").encode()


PAGES = [pytest.param(document(c), id=c["name"]) for c in CASES]


def one_byte_chunks(body: bytes) -> List[bytes]:
    return [body[i:i + 1] for i in range(len(body))]


def random_chunks(body: bytes, seed: int) -> List[bytes]:
    rng = random.Random(seed)
    chunks, i = [], 0
    while i < len(body):
        n = rng.randint(0, 64)  # 0: the application may yield empty chunks
        chunks.append(body[i:i + n])
        i += n
    return chunks


# --- WSGI -------------------------------------------------------------------

def wsgi_app(chunks: List[bytes], headers: List[Tuple[str, str]]):
    def app(environ, start_response):
        start_response("200 OK", list(headers))
        return iter(chunks)
    return app


def wsgi_get(app, query: str = "", cookie: Optional[str] = None):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": query}
    if cookie is not None:
        environ["HTTP_COOKIE"] = cookie
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = status, headers
        return lambda data: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return started["status"], started["headers"], body


def header_values(headers, name: str) -> List[str]:
    return [v for k, v in headers if k.lower() == name.lower()]


def assert_one_cookie(headers, allowed) -> None:
    cookies = header_values(headers, "set-cookie")
    assert len(cookies) == 1 and cookies[0] in allowed, cookies


# --- ASGI -------------------------------------------------------------------

def asgi_app(chunks: List[bytes], headers: List[Tuple[str, str]]):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(k.encode(), v.encode()) for k, v in headers]})
        for chunk in chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    return app


def asgi_get(app, query: str = "", cookie: Optional[str] = None):
    scope = {"type": "http", "method": "GET", "path": "/", "query_string": query.encode(),
             "headers": [(b"host", b"shop.example")] + ([(b"cookie", cookie.encode())] if cookie else [])}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = sent[0]
    assert start["type"] == "http.response.start"
    headers = [(k.decode(), v.decode()) for k, v in start["headers"]]
    bodies = [m for m in sent[1:] if m["type"] == "http.response.body"]
    assert not bodies[-1].get("more_body", False)
    return start["status"], headers, b"".join(m.get("body", b"") for m in bodies)


MIDDLEWARES = [
    pytest.param((ClickrefWSGIMiddleware, wsgi_app, wsgi_get), id="wsgi"),
    pytest.param((ClickrefASGIMiddleware, asgi_app, asgi_get), id="asgi"),
]


@pytest.mark.parametrize("kind", MIDDLEWARES)
@pytest.mark.parametrize("page", PAGES)
def test_corpus_equals_the_one_shot_rewrite(kind, page):
    middleware, make_app, get = kind
    expected = clickref.rewrite_html(page, CLICK_ID)
    splits = [[page], one_byte_chunks(page)] + [random_chunks(page, seed) for seed in range(3)]
    for chunks in splits:
        app = middleware(make_app(chunks, [("Content-Type", HTML), ("Content-Length", str(len(page)))]))
        _, headers, body = get(app, query="click_id=" + CLICK_ID)
        assert body == expected
        assert header_values(headers, "content-length") == []


@pytest.mark.parametrize("kind", MIDDLEWARES)
def test_query_id_sets_the_cookie_and_tags_links(kind):
    middleware, make_app, get = kind
    page = f'<a href="{LINK}">buy</a>'.encode()
    app = middleware(make_app([page], [("Content-Type", "TEXT/HTML")]))
    started = int(time.time())
    status, headers, body = get(app, query="utm_source=x&click_id=" + CLICK_ID)
    assert status in ("200 OK", 200)
    assert_one_cookie(headers, cookies_since(started, CLICK_ID))
    assert header_values(headers, "set-cookie")[0].startswith(f"tn_click_id={CLICK_ID}; ")
    assert body == f'<a href="{LINK}?client_reference_id={CLICK_ID}">buy</a>'.encode()


@pytest.mark.parametrize("kind", MIDDLEWARES)
def test_cookie_id_tags_links_without_setting_a_cookie(kind):
    middleware, make_app, get = kind
    page = f'<a href="{LINK}">buy</a>'.encode()
    app = middleware(make_app([page], [("Content-Type", HTML)]))
    _, headers, body = get(app, cookie=f"theme=dark; tn_click_id={CLICK_ID}")
    assert header_values(headers, "set-cookie") == []
    assert body == clickref.rewrite_html(page, CLICK_ID)
    assert body != page


@pytest.mark.parametrize("kind", MIDDLEWARES)
def test_options_choose_cookie_param_hosts_and_lifetime(kind):
    middleware, make_app, get = kind
    page = b'<a href="https://pay.example.com/x">a</a><a href="https://buy.stripe.com/y">b</a>'
    app = middleware(make_app([page], [("Content-Type", HTML)]), hosts=["pay.example.com"],
                     cookie_name="aff", param="ref", max_age=3600, domain="example.com")
    started = int(time.time())
    _, headers, body = get(app, query="ref=abc_1&click_id=" + CLICK_ID)
    assert_one_cookie(headers, cookies_since(started, "abc_1", name="aff", domain="example.com", max_age=3600))
    assert body == b'<a href="https://pay.example.com/x?client_reference_id=abc_1">a</a>' \
                   b'<a href="https://buy.stripe.com/y">b</a>'
    _, headers, body = get(app, cookie="tn_click_id=" + CLICK_ID)  # not this middleware's cookie
    assert body == page


@pytest.mark.parametrize("kind", MIDDLEWARES)
@pytest.mark.parametrize("query,cookie", [
    ("", None),                                    # no id at all
    ("", "tn_click_id=%E0%A4%A"),                  # malformed %-escape
    ("", "tn_click_id=%ZZ; other=1"),
    ("click_id=bad%20id", None),                   # Stripe would drop it
    ("click_id=" + "a" * 201, None),               # longer than 200
    ("click_id=", "tn_click_id=has.dot"),
])
def test_no_usable_id_passes_through(kind, query, cookie):
    middleware, make_app, get = kind
    page = f'<a href="{LINK}">buy</a>'.encode()
    headers_in = [("Content-Type", HTML), ("Content-Length", str(len(page)))]
    _, headers, body = get(middleware(make_app([page], headers_in)), query=query, cookie=cookie)
    assert body == page
    assert headers == headers_in


@pytest.mark.parametrize("kind", MIDDLEWARES)
def test_query_id_wins_over_cookie(kind):
    middleware, make_app, get = kind
    page = f'<a href="{LINK}">buy</a>'.encode()
    app = middleware(make_app([page], [("Content-Type", HTML)]))
    started = int(time.time())
    _, headers, body = get(app, query="click_id=fresh", cookie="tn_click_id=stale")
    assert body == clickref.rewrite_html(page, "fresh")
    assert_one_cookie(headers, cookies_since(started, "fresh"))


@pytest.mark.parametrize("kind", MIDDLEWARES)
@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "text/html-sandboxed", None])
def test_other_content_types_are_byte_identical(kind, content_type):
    middleware, make_app, get = kind
    body_in = ('{"url": "%s", "html": "<a href=\\"%s\\">"}' % (LINK, LINK)).encode()
    headers_in = [("Content-Length", str(len(body_in)))]
    if content_type:
        headers_in.append(("Content-Type", content_type))
    chunks = random_chunks(body_in, 7)
    _, headers, body = get(middleware(make_app(chunks, headers_in)), query="click_id=" + CLICK_ID)
    assert body == body_in
    assert headers == headers_in  # Content-Length kept, no cookie on a non-page


@pytest.mark.parametrize("kind", MIDDLEWARES)
def test_compressed_html_is_untouched_but_gets_the_cookie(kind):
    middleware, make_app, get = kind
    compressed = gzip.compress(f'<a href="{LINK}">buy</a>'.encode())
    headers_in = [("Content-Type", HTML), ("Content-Encoding", "gzip"), ("Content-Length", str(len(compressed)))]
    started = int(time.time())
    _, headers, body = get(middleware(make_app([compressed], headers_in)), query="click_id=" + CLICK_ID)
    assert body == compressed
    assert header_values(headers, "content-length") == [str(len(compressed))]
    assert_one_cookie(headers, cookies_since(started, CLICK_ID))


def test_wsgi_streams_chunk_by_chunk():
    """A chunk after a complete link comes out before the application yields the next one."""
    produced = []

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", HTML)])
        for i in range(3):
            produced.append(i)
            yield f'<a href="{LINK}?n={i}">{i}</a>'.encode()

    result = ClickrefWSGIMiddleware(app)({"QUERY_STRING": "click_id=abc"}, lambda s, h, e=None: None)
    first = next(iter(result))
    assert produced == [0]
    assert b"client_reference_id=abc" in first
    result.close()


def test_wsgi_close_reaches_the_application():
    closed = []

    class Body:
        def __iter__(self):
            yield b"<p>"

        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", HTML)])
        return Body()

    result = ClickrefWSGIMiddleware(app)({"QUERY_STRING": "click_id=abc"}, lambda s, h, e=None: None)
    result.close()  # before iterating: the rewriter is released and the app's close() runs
    assert closed == [True]


def test_wsgi_legacy_write_callable_is_rewritten():
    def app(environ, start_response):
        write = start_response("200 OK", [("Content-Type", HTML)])
        write(f'<a href="{LINK}">'.encode())
        return [b"buy</a>"]

    written = []
    result = ClickrefWSGIMiddleware(app)({"QUERY_STRING": "click_id=abc"},
                                         lambda s, h, e=None: written.append)
    body = b"".join(written) + b"".join(result)
    assert body == clickref.rewrite_html(f'<a href="{LINK}">buy</a>'.encode(), "abc")


def test_asgi_passes_other_scopes_through():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])
        await send({"type": "lifespan.startup.complete"})

    sent = []

    async def send(message):
        sent.append(message)

    asyncio.run(ClickrefASGIMiddleware(app)({"type": "lifespan"}, None, send))
    assert seen == ["lifespan"] and sent == [{"type": "lifespan.startup.complete"}]


@pytest.mark.parametrize("kind", MIDDLEWARES)
def test_rewriter_failure_sends_the_rest_unchanged_and_logs(kind, monkeypatch, caplog):
    middleware, make_app, get = kind
    from clickref import middleware as module

    class FailingRewriter:
        def __init__(self, *args, **kwargs):
            pass

        def write(self, chunk):
            raise MemoryError("simulated")

        def finish(self):
            raise AssertionError("finish after a failure")

        def close(self):
            pass

    monkeypatch.setattr(module, "HtmlRewriter", FailingRewriter)
    chunks = [b"<p>one</p>", f'<a href="{LINK}">two</a>'.encode()]
    with caplog.at_level("ERROR", logger="clickref.middleware"):
        _, _, body = get(middleware(make_app(chunks, [("Content-Type", HTML)])), query="click_id=abc")
    assert body == b"".join(chunks)
    assert any("rewriting failed" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("kind", MIDDLEWARES)
def test_large_page_streams_with_bounded_chunks(kind):
    middleware, make_app, get = kind
    row = f'<tr><td><a class="plan" href="{LINK}?plan=pro">Buy</a></td></tr>\n'.encode()
    page = b"<table>" + row * 20000 + b"</table>"  # 1.3 MB
    chunks = [page[i:i + 16384] for i in range(0, len(page), 16384)]
    _, _, body = get(middleware(make_app(chunks, [("Content-Type", HTML)])), query="click_id=abc")
    assert body == clickref.rewrite_html(page, "abc")
    assert body.count(b"client_reference_id=abc") == 20000
