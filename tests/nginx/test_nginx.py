"""The clickref filter module in Debian's nginx, on 127.0.0.1: static files
and a proxy_pass upstream that sends chunked and gzip-compressed HTML. Every
body must equal libclickref's one-shot rewrite (rewrite_html), every other
response must be byte-identical, and a 20 MB page must stream in bounded
worker memory. CLICKREF_NGINX_MODULE names the built module."""

import gzip
import http.client
import http.server
import os
import re
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

import clickref

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "browser"))
from cases import CASES  # noqa: E402  (the browser conformance corpus)
sys.path.insert(0, str(REPO / "bindings" / "python" / "tests"))
from cookie_clock import cookies_since  # noqa: E402
from nginx_process import Nginx  # noqa: E402

MODULE = os.environ.get("CLICKREF_NGINX_MODULE", "")
CHROMIUM = os.environ.get("CLICKREF_CHROMIUM") or shutil.which("chromium")
CLICK_ID = "27d65ddb-803f-4f59-88b3-753c8059dcba"
LINK = "https://buy.stripe.com/test_9A"
JSON_BODY = ('{"checkout": "%s", "html": "<a href=\\"%s\\">"}' % (LINK, LINK)).encode()


def page(case) -> bytes:
    if case["raw"]:
        return case["html"].encode()
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + case["html"]
            + "</body></html>").encode()


PAGES = {"case%02d.html" % i: page(c) for i, c in enumerate(CASES)}
BIG_ROW = ('<tr><td><a class="plan" href="%s?plan=pro">Buy</a></td><td>%s</td></tr>\n' % (LINK, "x" * 60)).encode()
BIG_ROWS = 20 * 1024 * 1024 // len(BIG_ROW)
BIG_PAGE = b"<!DOCTYPE html><table>" + BIG_ROW * BIG_ROWS + b"</table>"
# Smaller than nginx's postpone_output (1460 bytes), so nothing reaches the
# client before the end unless the module keeps its own output small.
TRICKLE_PAGE = b"<!DOCTYPE html><ul>" + b'<li><a href="%s?p=1">Buy</a></li>\n' % LINK.encode() * 24 + b"</ul>"
PAGES["trickle.html"] = TRICKLE_PAGE


class Upstream(http.server.BaseHTTPRequestHandler):
    """Serves PAGES in 7-byte HTTP/1.1 chunks; /gzip/<name> gzip-compressed
    when the request accepts it, /always-gzip/<name> compressed whatever it
    asks; /trickle/ and /gzip-trickle/ with a pause after every chunk, so that
    nginx reads each one on its own."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        name = parts[-1]
        body = PAGES.get(name, JSON_BODY if name == "data.json" else None)
        if body is None:
            self.send_error(404)
            return
        compress = (parts[0] in ("always-gzip", "gzip-trickle")
                    or (parts[0] == "gzip" and "gzip" in self.headers.get("Accept-Encoding", "")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if name == "data.json" else "text/html; charset=utf-8")
        if compress:
            body = gzip.compress(body)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i in range(0, len(body), 7):
            piece = body[i:i + 7]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            if parts[0].endswith("trickle"):
                self.wfile.flush()
                time.sleep(0.002)
        self.wfile.write(b"0\r\n\r\n")


LOCATIONS = """
        location / {{ clickref on; }}
        location /off/ {{ alias {dir}/www/; }}
        location /custom/ {{
            alias {dir}/www/;
            clickref on;
            clickref_hosts pay.example.com;
            clickref_param ref;
            clickref_cookie aff;
            clickref_cookie_domain example.com;
            clickref_cookie_max_age 1h;
        }}
        # An upstream that compresses when asked: ask it for identity, and
        # let nginx compress what the module wrote.
        location /proxy/ {{
            clickref on;
            proxy_pass http://127.0.0.1:{upstream}/;
            proxy_http_version 1.1;
            proxy_set_header Accept-Encoding "";
            gzip on;
            gzip_types text/html;
        }}
        location /gzip/ {{
            clickref on;
            proxy_pass http://127.0.0.1:{upstream}/gzip/;
            proxy_http_version 1.1;
        }}
        # An upstream that compresses anyway: gunzip for clients that do not
        # accept gzip (the others get the compressed page, untagged).
        location /always-gzip/ {{
            clickref on;
            gunzip on;
            proxy_pass http://127.0.0.1:{upstream}/always-gzip/;
            proxy_http_version 1.1;
        }}
        location /trickle/ {{
            clickref on;
            proxy_pass http://127.0.0.1:{upstream}/trickle/;
            proxy_http_version 1.1;
        }}
        location /gunzip-trickle/ {{
            clickref on;
            gunzip on;
            proxy_pass http://127.0.0.1:{upstream}/gzip-trickle/;
            proxy_http_version 1.1;
        }}
"""


@pytest.fixture(scope="module")
def nginx():
    if not MODULE or not Path(MODULE).is_file():
        pytest.fail("CLICKREF_NGINX_MODULE must name the built module (ctest sets it)")
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    files = dict(PAGES, **{"data.json": JSON_BODY, "big.html": BIG_PAGE})
    server = Nginx(MODULE, LOCATIONS, files, upstream=upstream.server_address[1])
    yield {"port": server.port, "dir": server.dir, "pid": server.process.pid, "worker": server.worker_pid}
    upstream.shutdown()
    assert server.stop() == []


def get(nginx, target, headers=None, method="GET"):
    started = int(time.time())
    connection = http.client.HTTPConnection("127.0.0.1", nginx["port"], timeout=30)
    connection.request(method, target, headers=headers or {})
    response = connection.getresponse()
    response.started = started  # for assert_click_cookie
    body = response.read()
    connection.close()
    return response, body


def assert_click_cookie(response):
    """The default cookie, its Expires from any second since the request."""
    assert response.getheader("Set-Cookie") in cookies_since(response.started, CLICK_ID)


@pytest.mark.parametrize("prefix", ["", "proxy/"])
def test_every_corpus_page_equals_the_one_shot_rewrite(nginx, prefix):
    for name, original in PAGES.items():
        response, body = get(nginx, f"/{prefix}{name}?click_id={CLICK_ID}", {"Accept-Encoding": "gzip"})
        assert response.status == 200
        if prefix:  # nginx compressed what the module wrote
            assert response.getheader("Content-Encoding") == "gzip"
            body = gzip.decompress(body)
        assert body == clickref.rewrite_html(original, CLICK_ID), name
        assert response.getheader("Content-Length") is None
        assert_click_cookie(response)


def test_cookie_only_tags_without_set_cookie(nginx):
    response, body = get(nginx, "/case00.html", {"Cookie": f"theme=dark; tn_click_id={CLICK_ID}"})
    assert body == clickref.rewrite_html(PAGES["case00.html"], CLICK_ID)
    assert body != PAGES["case00.html"]
    assert response.getheader("Set-Cookie") is None


@pytest.mark.parametrize("query,cookie", [
    ("", None),
    ("", "tn_click_id=%E0%A4%A"),          # a malformed %-escape
    ("?click_id=bad%20id", None),           # Stripe would drop it
    ("?click_id=" + "a" * 201, None),       # longer than Stripe keeps
    ("?click_id=", "tn_click_id=has.dot"),
])
def test_no_usable_id_leaves_the_page_alone(nginx, query, cookie):
    name = "case00.html"
    response, body = get(nginx, f"/{name}{query}", {"Cookie": cookie} if cookie else {})
    assert body == PAGES[name]
    assert response.getheader("Content-Length") == str(len(PAGES[name]))
    assert response.getheader("Set-Cookie") is None


@pytest.mark.parametrize("target", ["/data.json", "/off/case00.html", "/proxy/data.json"])
def test_other_responses_are_byte_identical(nginx, target):
    response, body = get(nginx, target + "?click_id=" + CLICK_ID)
    expected = JSON_BODY if target.endswith(".json") else PAGES["case00.html"]
    assert body == expected
    assert response.getheader("Set-Cookie") is None
    if not target.startswith("/proxy/"):  # the upstream itself sends chunked
        assert response.getheader("Content-Length") == str(len(expected))


def test_options(nginx):
    original = b'<a href="https://pay.example.com/x">a</a><a href="https://buy.stripe.com/y">b</a>'
    (nginx["dir"] / "www" / "custom.html").write_bytes(original)
    response, body = get(nginx, "/custom/custom.html?click_id=ignored&ref=abc_1")
    assert body == b'<a href="https://pay.example.com/x?client_reference_id=abc_1">a</a>' \
                   b'<a href="https://buy.stripe.com/y">b</a>'
    cookie = response.getheader("Set-Cookie")
    assert re.fullmatch(r"aff=abc_1; Expires=[^;]+ GMT; Max-Age=3600; Domain=example\.com; Path=/; Secure; "
                        r"SameSite=Lax", cookie), cookie
    _, body = get(nginx, "/custom/custom.html", {"Cookie": "tn_click_id=" + CLICK_ID})  # not its cookie
    assert body == original


def test_compressed_upstream(nginx):
    name = "case01.html"
    expected = clickref.rewrite_html(PAGES[name], CLICK_ID)
    # gunzip on: a client that does not accept gzip gets the tagged page.
    response, body = get(nginx, f"/always-gzip/{name}?click_id={CLICK_ID}")
    assert response.getheader("Content-Encoding") is None
    assert body == expected
    # A client that accepts gzip gets the upstream's bytes, untagged, with the cookie.
    response, body = get(nginx, f"/always-gzip/{name}?click_id={CLICK_ID}", {"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == PAGES[name]
    assert_click_cookie(response)
    # Without gunzip or an identity request, a compressed page passes untouched.
    response, body = get(nginx, f"/gzip/{name}?click_id={CLICK_ID}", {"Accept-Encoding": "gzip"})
    assert gzip.decompress(body) == PAGES[name]


@pytest.mark.parametrize("location", ["trickle", "gunzip-trickle"])
def test_an_upstream_that_sends_a_few_bytes_at_a_time(nginx, location):
    """Each read of the upstream becomes a little output, all of it held by
    nginx until postpone_output bytes are there: the module must neither stall
    waiting for the client nor spend a buffer on every few bytes."""
    _, body = get(nginx, f"/{location}/trickle.html?click_id={CLICK_ID}")
    assert body == clickref.rewrite_html(TRICKLE_PAGE, CLICK_ID)
    assert body.count(b"client_reference_id=") == 24


def test_head_and_not_modified(nginx):
    response, body = get(nginx, "/case00.html?click_id=" + CLICK_ID, method="HEAD")
    assert response.status == 200 and body == b""
    assert_click_cookie(response)


def worker_peak_kib(nginx) -> int:
    status = Path(f"/proc/{nginx['worker']()}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def test_a_20_mb_page_streams_in_bounded_memory(nginx):
    """A client that stops reading for a while: nginx must not buffer the
    rewritten page. The worker's peak RSS may grow by far less than 20 MB."""
    expected = clickref.rewrite_html(BIG_PAGE, CLICK_ID)
    before = worker_peak_kib(nginx)
    with socket.create_connection(("127.0.0.1", nginx["port"])) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        s.sendall(b"GET /big.html?click_id=%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % CLICK_ID.encode())
        time.sleep(1.5)  # the socket buffers fill; nginx must stop producing
        received = bytearray()
        while True:
            data = s.recv(1 << 20)
            if not data:
                break
            received += data
    head, _, chunked = bytes(received).partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head
    body, rest = bytearray(), chunked
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        body += rest[:size]
        rest = rest[size + 2:]
    assert bytes(body) == expected
    assert body.count(b"client_reference_id=" + CLICK_ID.encode()) == BIG_ROWS
    growth = worker_peak_kib(nginx) - before
    print(f"nginx worker peak RSS grew by {growth} KiB serving a {len(BIG_PAGE) >> 20} MB page")
    assert growth < 4096, growth


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_chromium_sees_tagged_links(nginx, javascript, tmp_path):
    """Landing with ?click_id=, then a page reached without it (the cookie
    carries the id): every payment link Chromium ends up with is tagged."""
    sys.path.insert(0, str(REPO / "tests" / "server"))
    from cdp import Chromium

    (nginx["dir"] / "www" / "shop.html").write_bytes(
        b'<!DOCTYPE html><html><body><a href="https://buy.stripe.com/test_a">A</a>'
        b'<a href=\'https://buy.stripe.com/test_b?x=1\'>B</a><div id="js"></div>'
        b'<script>document.getElementById("js").textContent = "script ran";</script></body></html>')
    browser = Chromium(CHROMIUM, tmp_path / "profile")
    try:
        session, context = browser.open_tab()
        browser.send("Emulation.setScriptExecutionDisabled", {"value": not javascript}, session=session)
        base = f"http://127.0.0.1:{nginx['port']}"
        for url in (f"{base}/shop.html?click_id={CLICK_ID}", f"{base}/shop.html"):
            browser.navigate(session, url)
            dom = browser.outer_html(session)
            assert ('<div id="js">script ran</div>' in dom) == javascript  # the switch really switched
            links = re.findall(r'<a [^>]*href="(https://buy\.stripe\.com/[^"]*)"', dom)
            assert len(links) == 2, dom
            for link in links:
                assert "client_reference_id=" + CLICK_ID in link, (url, link)
        assert [c["value"] for c in browser.cookies(context) if c["name"] == "tn_click_id"] == [CLICK_ID]
    finally:
        browser.close()
