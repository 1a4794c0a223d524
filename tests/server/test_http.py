"""The HTTP layer's documented limits and framing (README, "Limits";
examples/server/http_server.hpp), over raw sockets so that every byte on
the wire is the test's own: oversized and malformed heads, a client that
drips bytes, idle connections that must not hold workers, the connection
cap, keep-alive, pipelining and Expect: 100-continue.
"""

import http.client
import json
import socket
import threading
import time

import pytest

import stripe_events as se
from harness import SECRET, Server, sign


@pytest.fixture
def server(tmp_path):
    # Few workers, so that a test holding more connections than workers
    # shows that idle or slow connections do not occupy them.
    with Server(tmp_path, "--workers", "2", "--max-connections", "64") as s:
        yield s


class Raw:
    """A client connection that reads responses off the wire by hand."""

    def __init__(self, server, timeout=15):
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
        self.buffer = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.sock.close()

    def send(self, data: bytes):
        self.sock.sendall(data)

    def _fill(self, what):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before {what}: {self.buffer!r}")
        self.buffer += chunk

    def response(self, head_request=False):
        """(status line, headers with lower-case names, body), framed by Content-Length."""
        while b"\r\n\r\n" not in self.buffer:
            self._fill("a response")
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        headers = {}
        for line in lines[1:]:
            name, value = line.split(b":", 1)
            headers[name.decode().lower()] = value.strip().decode()
        length = 0 if head_request else int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._fill("the end of a body")
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return lines[0], headers, body

    def closed_by_server(self):
        try:
            return self.buffer == b"" and self.sock.recv(1) == b""
        except ConnectionResetError:
            return True


def exchange(server, request: bytes):
    with Raw(server) as c:
        c.send(request)
        return c.response()


BAD_HEADS = [
    (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414 URI Too Long", "uri_too_long"),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", b"431 Request Header Fields Too Large",
     "headers_too_large"),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(101)) + b"\r\n",
     b"431 Request Header Fields Too Large", "headers_too_large"),
    (b"GET /healthz HTTP/1.1\r\n" + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 4000) for i in range(9)) + b"\r\n",
     b"431 Request Header Fields Too Large", "headers_too_large"),
    (b"GET /healthz HTTP/1.1\r\n\r\n", b"400 Bad Request", "bad_request"),  # no Host
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", b"400 Bad Request", "bad_request"),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Nul: a\0b\r\n\r\n", b"400 Bad Request", "bad_request"),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n b\r\n\r\n", b"400 Bad Request", "bad_request"),
    (b"GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", b"400 Bad Request", "bad_request"),
    (b"GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n", b"400 Bad Request", "bad_request"),
    (b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", b"505 HTTP Version Not Supported", "http_version_not_supported"),
    (b"POST /stripe/postback HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab",
     b"400 Bad Request", "bad_request"),
    (b"POST /stripe/postback HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", b"400 Bad Request", "bad_request"),
    (b"POST /stripe/postback HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
     b"413 Content Too Large", "payload_too_large"),
    (b"POST /stripe/postback HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     b"501 Not Implemented", "transfer_encoding_not_supported"),
    (b"POST /stripe/postback HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     b"501 Not Implemented", "transfer_encoding_not_supported"),
    (b"POST /stripe/postback HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx",
     b"417 Expectation Failed", "expectation_failed"),
]


@pytest.mark.parametrize("request_bytes,status,error", BAD_HEADS, ids=[f"{i}-{e[2]}" for i, e in enumerate(BAD_HEADS)])
def test_a_malformed_or_oversized_head_is_refused_with_a_named_error_and_closed(server, request_bytes, status, error):
    with Raw(server) as c:
        c.send(request_bytes)
        line, headers, body = c.response()
        assert line == b"HTTP/1.1 " + status
        assert headers["connection"] == "close"
        assert headers["content-type"] == "application/json"
        assert json.loads(body)["error"] == error
        assert c.closed_by_server()
    # Refused before routing, so nothing was recorded, and the log names it.
    assert server.conversions() == []
    assert any(line.get("refused") == error and line["status"] == int(status[:3]) for line in server.log_lines())


def test_a_client_dripping_bytes_is_cut_off_at_the_request_deadline_without_holding_a_worker(server):
    # One byte a second would satisfy any per-read timeout; the whole request
    # must still arrive within 10 s. Meanwhile more drippers than workers
    # (2) do not slow a normal request down.
    drippers = [Raw(server, timeout=30) for _ in range(4)]
    started = time.monotonic()
    stop = threading.Event()

    def drip(c):
        for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
            if stop.is_set():
                return
            try:
                c.send(bytes([byte]))
            except OSError:
                return
            time.sleep(1.0)

    threads = [threading.Thread(target=drip, args=(s,)) for s in drippers]
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)
        t0 = time.monotonic()
        assert server.get("/healthz").status == 200
        assert time.monotonic() - t0 < 1.0
        for c in drippers:
            assert c.response()[0] == b"HTTP/1.1 408 Request Timeout"
            waited = time.monotonic() - started
            assert 9.0 < waited < 13.0, waited
    finally:
        stop.set()
        for t in threads:
            t.join()
        for c in drippers:
            c.close()


def test_idle_connections_are_closed_after_five_seconds_and_do_not_hold_workers(server):
    idle = [Raw(server) for _ in range(10)]  # 5× the workers
    try:
        t0 = time.monotonic()
        assert server.get("/healthz").status == 200
        assert time.monotonic() - t0 < 1.0
        # A connection that never sends a request gets the request deadline
        # (408); one kept alive after a response gets the idle timeout (closed).
        with Raw(server) as kept:
            kept.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert kept.response()[0] == b"HTTP/1.1 200 OK"
            t0 = time.monotonic()
            assert kept.closed_by_server()
            assert 4.0 < time.monotonic() - t0 < 7.0
        assert idle[0].response()[0] == b"HTTP/1.1 408 Request Timeout"
    finally:
        for c in idle:
            c.close()


def test_connections_beyond_the_limit_get_503_and_the_limit_frees_up(tmp_path):
    with Server(tmp_path, "--max-connections", "4") as s:
        held = [Raw(s) for _ in range(4)]
        try:
            # The server has accepted all four once the last of them is answered.
            held[-1].send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert held[-1].response()[0] == b"HTTP/1.1 200 OK"
            with Raw(s) as extra:
                line, headers, body = extra.response()
                assert line == b"HTTP/1.1 503 Service Unavailable"
                assert json.loads(body)["error"] == "too_many_connections"
            held.pop().close()
            # The server notices the close on its next turn; then there is room.
            deadline = time.monotonic() + 5
            while True:
                with Raw(s) as again:
                    again.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                    try:
                        line = again.response()[0]
                    except (ConnectionError, OSError):
                        line = b"refused"
                if line == b"HTTP/1.1 200 OK" or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            assert line == b"HTTP/1.1 200 OK"
        finally:
            for c in held:
                c.close()
        assert any(line.get("refused") == "too_many_connections" for line in s.log_lines())


def test_a_kept_alive_connection_serves_many_requests_and_pipelined_ones_in_order(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
    try:
        for _ in range(50):
            conn.request("GET", "/healthz")
            reply = conn.getresponse()
            assert reply.status == 200 and reply.read() == b'{"status":"ok"}'
            assert reply.getheader("Connection") is None
    finally:
        conn.close()
    with Raw(server) as c:
        # Three requests in one write, the last asking to close.
        c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
               b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
               b"HEAD /clickref.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        first, second, third = c.response(), c.response(), c.response(head_request=True)
        assert (first[0], first[2]) == (b"HTTP/1.1 200 OK", b'{"status":"ok"}')
        assert second[0] == b"HTTP/1.1 404 Not Found" and json.loads(second[2])["error"] == "not_found"
        assert third[0] == b"HTTP/1.1 200 OK" and third[1]["connection"] == "close"
        assert int(third[1]["content-length"]) > 1000  # the snippet's length, with no body sent
        assert c.closed_by_server()


def test_a_client_that_shuts_its_side_after_sending_still_gets_every_answer(server):
    # As `nc -N` does: the requests, then FIN. Both are answered, in order,
    # and then the server closes too.
    with Raw(server) as c:
        c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
        c.sock.shutdown(socket.SHUT_WR)
        assert c.response()[0] == b"HTTP/1.1 200 OK"
        assert c.response()[0] == b"HTTP/1.1 404 Not Found"
        assert c.closed_by_server()
    # A request cut short by the shutdown is dropped, not answered.
    with Raw(server) as c:
        c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        c.sock.shutdown(socket.SHUT_WR)
        assert c.closed_by_server()


def test_http_1_0_is_answered_and_closed(server):
    with Raw(server) as c:
        c.send(b"GET /healthz HTTP/1.0\r\n\r\n")
        line, headers, body = c.response()
        assert line == b"HTTP/1.1 200 OK" and body == b'{"status":"ok"}'
        assert headers["connection"] == "close"
        assert c.closed_by_server()


def test_expect_100_continue_gets_the_interim_answer_before_the_body(server):
    body = se.body(se.paid_purchase("expect", "aff_expect")[0])
    signature = sign(body, SECRET, int(time.time()))
    with Raw(server) as c:
        c.send(b"POST /stripe/postback HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
               b"Content-Type: application/json\r\nStripe-Signature: " + signature.encode() +
               b"\r\nContent-Length: %d\r\n\r\n" % len(body))
        assert c.response() == (b"HTTP/1.1 100 Continue", {}, b"")
        c.send(body)
        line, _, reply = c.response()
        assert line == b"HTTP/1.1 200 OK" and b'"recorded"' in reply
    assert server.conversion("pi_expect")["click_id"] == "aff_expect"


def test_an_absolute_form_target_is_served_and_its_authority_is_the_host(server):
    line, _, body = exchange(server, b"GET http://shop.test/healthz HTTP/1.1\r\nHost: other.test\r\n\r\n")
    assert line == b"HTTP/1.1 200 OK" and body == b'{"status":"ok"}'


def test_sigterm_closes_idle_connections_and_exits_cleanly(tmp_path):
    with Server(tmp_path) as s:
        idle = Raw(s)
        try:
            s.stop()
            assert s.proc.returncode == 0
            assert idle.closed_by_server()
        finally:
            idle.close()
