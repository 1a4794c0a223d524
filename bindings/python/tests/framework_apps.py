"""Flask and Starlette applications wrapped in clickref's middleware, for
test_middleware_frameworks.py to serve with gunicorn and uvicorn. Each serves
the browser corpus at /case/<n>, streamed in 7-byte pieces, and a JSON
document at /data.json."""

import sys
from pathlib import Path

from flask import Flask, Response
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import StreamingResponse
from starlette.routing import Route

import clickref

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests" / "browser"))
from cases import CASES  # noqa: E402

DATA = b'{"checkout": "https://buy.stripe.com/test_9A", "html": "<a href=\\"https://buy.stripe.com/x\\">"}'


def page(n: int) -> bytes:
    case = CASES[n]
    if case["raw"]:
        return case["html"].encode()
    return ("<!DOCTYPE html><html><body>" + case["html"] + "</body></html>").encode()


def pieces(body: bytes):
    for i in range(0, len(body), 7):
        yield body[i:i + 7]


flask_app = Flask(__name__)


@flask_app.route("/case/<int:n>")
def flask_case(n):
    return Response(pieces(page(n)), content_type="text/html; charset=utf-8")


@flask_app.route("/data.json")
def flask_data():
    return Response(DATA, content_type="application/json")


# Flask's documented way to add WSGI middleware.
flask_app.wsgi_app = clickref.ClickrefWSGIMiddleware(flask_app.wsgi_app)


async def starlette_case(request):
    return StreamingResponse(pieces(page(int(request.path_params["n"]))), media_type="text/html")


async def starlette_data(request):
    return StreamingResponse(iter([DATA]), media_type="application/json", headers={"Content-Length": str(len(DATA))})


# The first middleware is the outermost: compression wraps the rewritten page.
starlette_app = Starlette(
    routes=[Route("/case/{n:int}", starlette_case), Route("/data.json", starlette_data)],
    middleware=[Middleware(GZipMiddleware, minimum_size=10), Middleware(clickref.ClickrefASGIMiddleware)])
