"""The middleware in real frameworks behind real servers: Flask under
gunicorn (WSGI) and Starlette with GZipMiddleware under uvicorn (ASGI), on
127.0.0.1. Every corpus page must arrive equal to the one-shot rewrite."""

import gzip
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("flask")
pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("gunicorn")

import clickref  # noqa: E402

import framework_apps  # noqa: E402
from cookie_clock import cookies_since  # noqa: E402

TESTS = Path(__file__).resolve().parent
CLICK_ID = "27d65ddb-803f-4f59-88b3-753c8059dcba"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(argv, port):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), str(TESTS.parent)]))
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited: " + process.stderr.read().decode(errors="replace"))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("server did not start")


@pytest.fixture(scope="module", params=["flask-gunicorn", "starlette-uvicorn"])
def server(request):
    port = free_port()
    if request.param == "flask-gunicorn":
        argv = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1",
                "framework_apps:flask_app"]
    else:
        argv = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port),
                "--log-level", "warning", "framework_apps:starlette_app"]
    process = start(argv, port)
    yield request.param, port
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def get(port, target, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", target, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_every_corpus_page_arrives_rewritten(server):
    name, port = server
    for n in range(len(framework_apps.CASES)):
        started = int(time.time())
        response, body = get(port, f"/case/{n}?click_id={CLICK_ID}", {"Accept-Encoding": "gzip"})
        assert response.status == 200
        if name == "starlette-uvicorn":  # GZipMiddleware outside compresses the rewritten page
            assert response.getheader("Content-Encoding") == "gzip"
            body = gzip.decompress(body)
        assert body == clickref.rewrite_html(framework_apps.page(n), CLICK_ID), framework_apps.CASES[n]["name"]
        assert response.getheader("Set-Cookie") in cookies_since(started, CLICK_ID)


def test_cookie_only_tags_without_set_cookie(server):
    _, port = server
    response, body = get(port, "/case/0", {"Cookie": f"tn_click_id={CLICK_ID}"})
    assert body == clickref.rewrite_html(framework_apps.page(0), CLICK_ID)
    assert response.getheader("Set-Cookie") is None


def test_json_is_byte_identical(server):
    _, port = server
    response, body = get(port, f"/data.json?click_id={CLICK_ID}")
    assert body == framework_apps.DATA
    assert response.getheader("Content-Length") == str(len(framework_apps.DATA))
    assert response.getheader("Set-Cookie") is None
