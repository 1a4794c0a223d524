"""Runs clickref-server on a free loopback port and talks to it over HTTP.

Everything the tests know about webhook signatures they compute themselves
(hmac + hashlib), so that a bug in clickref's signing cannot hide a bug in
its verification.
"""

import hashlib
import hmac
import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVER = os.environ.get("CLICKREF_SERVER", "clickref-server")
# "sqlite" (the default) or "postgresql" (conftest.py starts the cluster).
BACKEND = os.environ.get("CLICKREF_TEST_BACKEND", "sqlite")
_cluster = None


def use_cluster(cluster):
    global _cluster
    _cluster = cluster


def database(path):
    """What --db gets for a test's database file: the path itself, or under
    PostgreSQL the URI of a database kept for that path."""
    return _cluster.database(str(path)) if _cluster else str(path)
SECRET = "whsec_test_5f1d7a9c3b2e4d6f8a0b1c2d3e4f5a6b"


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # http.client.HTTPMessage: headers.get_all("Set-Cookie")
        self.body = body

    def json(self):
        return json.loads(self.body)

    @property
    def text(self):
        return self.body.decode()


class Server:
    """One clickref-server process. Its log (JSON lines on stderr) goes to a
    file, which the tests read; a pipe could fill up and stall the server."""

    def __init__(self, tmp_path, *args, secrets=(SECRET,), db=None, env=None, name="server"):
        self.db = database(db if db is not None else tmp_path / f"{name}.db")
        self.log_path = tmp_path / f"{name}.log"
        self.args = ["--listen", "127.0.0.1:0", "--db", self.db, *(() if "--workers" in args else ("--workers", "8")),
                     *args]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CLICKREF_")}
        self.env["STRIPE_WEBHOOK_SECRET"] = ",".join(secrets)
        self.env.update(env or {})
        self.proc = None
        self.port = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.stop()

    def start(self):
        log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([SERVER, *self.args], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=log, env=self.env)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            for line in self.log_lines(since=log_start):
                if line.get("msg") == "listening":
                    self.port = int(line["address"].rsplit(":", 1)[1])
                    return self
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}:\n{self.log_path.read_text()}")
            time.sleep(0.02)
        raise AssertionError("server did not start listening")

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=20)
        assert code == 0, f"server exited with {code}:\n{self.log_path.read_text()}"
        return code

    def log_lines(self, since=0):
        if not self.log_path.exists():
            return []
        with open(self.log_path, "rb") as f:
            f.seek(since)
            text = f.read().decode(errors="replace")
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    def request_lines(self, count):
        """The request log lines, once there are `count`: a refused request's
        line is written by another thread than the one answering it, so it may lag."""
        def ready():
            lines = [line for line in self.log_lines() if line.get("msg") == "request"]
            return lines if len(lines) >= count else None
        return wait_until(ready, what=f"{count} request log lines")

    def request(self, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return Response(r.status, r.headers, r.read())
        finally:
            conn.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def conversions(self):
        r = self.get("/conversions")
        assert r.status == 200, r.body
        return r.json()["conversions"]

    def conversion(self, dedupe_key):
        rows = [c for c in self.conversions() if c["dedupe_key"] == dedupe_key]
        assert len(rows) == 1, rows
        return rows[0]

    def deliver(self, payload: bytes, secret=SECRET, timestamp=None, header=None, path="/stripe/postback",
                host=None):
        """POSTs a webhook delivery as Stripe does, signed unless `header` is given."""
        if header is None:
            header = sign(payload, secret, int(time.time()) if timestamp is None else timestamp)
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Stripe/1.0"}
        if header is not False:
            headers["Stripe-Signature"] = header
        if host is not None:
            headers["Host"] = host
        return self.request("POST", path, body=payload, headers=headers)


def wait_until(predicate, timeout=15, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def hrefs_by_text(html: str):
    """(text of the link, href as the DOM would decode it) for every <a>,
    parsed with Python's HTML parser rather than anything in clickref."""
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.links, self.current = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.current = [dict(attrs).get("href"), ""]
            if tag == "stripe-pricing-table":
                self.links.append(("<stripe-pricing-table>", dict(attrs).get("client-reference-id")))

        def handle_data(self, data):
            if self.current is not None:
                self.current[1] += data

        def handle_endtag(self, tag):
            if tag == "a" and self.current is not None:
                self.links.append((self.current[1].strip(), self.current[0]))
                self.current = None

    parser = Links()
    parser.feed(html)
    return parser.links


def set_cookie_attributes(value: str):
    """'a=b; Max-Age=1; Secure' → ('a', 'b', {'max-age': '1', 'secure': ''})"""
    first, *attrs = [part.strip() for part in value.split(";")]
    name, _, val = first.partition("=")
    parsed = {}
    for a in attrs:
        k, _, v = a.partition("=")
        parsed[k.lower()] = v
    return name, val, parsed


class Stub:
    """A stand-in for Tracknow's postback endpoint on loopback: records every
    request; answers 500 to the first `failures` of them, each after `delay_s`."""

    def __init__(self, failures=0, port=0, delay_s=0):
        self.requests = []
        self.failures = failures
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                stub.requests.append(self.path)
                time.sleep(delay_s)
                failing = len(stub.requests) <= stub.failures
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.http.server_address[1]
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def base(self):
        return f"http://127.0.0.1:{self.port}/postback"

    def close(self):
        self.http.shutdown()
        self.http.server_close()


def postback_args(base):
    return ["--postback-base", base, "--postback-param", "campaign_id=7", "--postback-param", "goal=sale",
            "--postback-retry-ms", "200"]


def totals_rows(html, title):
    """The cells of each row of the dashboard's totals table `title`."""
    table = re.search(rf"<h2>{title}</h2>\s*<table.*?</table>", html, re.S).group(0)
    body = table.split("<tbody>", 1)[1]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
