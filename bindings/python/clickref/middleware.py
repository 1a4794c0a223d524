"""WSGI and ASGI middleware: the landing-page half of attribution for any
Python web framework, with no change to its views.

For every response whose ``Content-Type`` is ``text/html``:

* when the request's query has a valid ``click_id``, a ``Set-Cookie`` keeps
  it in the first-party cookie (exactly :func:`clickref.click_cookie`);
* when the request has a click id (the query's, else the cookie's), the
  payment links of the body are tagged by :class:`clickref.HtmlRewriter`,
  chunk by chunk as the application produces them, and ``Content-Length``
  is dropped (the length changes; the server then frames the body itself).

Other content types, responses with a ``Content-Encoding`` (a compressed body
cannot be rewritten; put this middleware inside any compression middleware),
and requests without a usable click id pass through byte for byte. A
malformed cookie or an id Stripe would drop counts as no id. If the rewriter
fails (only on memory exhaustion inside the library), the error is logged on
the ``clickref.middleware`` logger and the rest of the body is sent as the
application wrote it (an unfinished tag the rewriter was holding at that
moment is lost with it).

    app = ClickrefWSGIMiddleware(app)                       # Flask: app.wsgi_app = …(app.wsgi_app)
    app = ClickrefASGIMiddleware(app, hosts=["buy.stripe.com", "pay.example.com"])
"""

import logging
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

from .click_id import DEFAULT_COOKIE_MAX_AGE, click_cookie, click_id_from_cookies, click_id_from_url, is_valid_click_id
from .errors import Error
from .links import HtmlRewriter

log = logging.getLogger("clickref.middleware")

__all__ = ["ClickrefWSGIMiddleware", "ClickrefASGIMiddleware"]


class _Settings:
    """What both middlewares are configured with, and the decisions they share."""

    def __init__(self, hosts: Optional[Sequence[str]], cookie_name: Optional[str], param: Optional[str],
                 max_age: int, domain: Optional[str]) -> None:
        self.hosts = list(hosts) if hosts else None
        self.cookie_name = cookie_name
        self.param = param
        self.max_age = max_age
        self.domain = domain

    def click_ids(self, query: str, cookie_header: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
        """(the id to tag links with, the id to set a cookie for)."""
        from_query = _usable(click_id_from_url, query, self.param)
        if from_query:
            return from_query, from_query
        return _usable(click_id_from_cookies, cookie_header, self.cookie_name), None

    def set_cookie(self, click_id: str) -> str:
        return click_cookie(click_id, name=self.cookie_name, domain=self.domain, max_age=self.max_age)


def _usable(read: Callable[[str, Optional[str]], Optional[str]], source: Optional[str],
            name: Optional[str]) -> Optional[str]:
    """The id ``read`` finds in ``source`` when Stripe would keep it; else None.
    A malformed %-escape counts as no id: a visitor's bad cookie must not
    turn into an error page."""
    if not source:
        return None
    try:
        found = read(source, name)
    except Error:
        return None
    return found if found and is_valid_click_id(found) else None


def _is_html(content_type: Optional[str]) -> bool:
    return content_type is not None and content_type.split(";", 1)[0].strip().lower() == "text/html"


def _is_encoded(content_encoding: Optional[str]) -> bool:
    return content_encoding is not None and content_encoding.strip().lower() not in ("", "identity")


class _BodyTagger:
    """One response body through the rewriter; after a failure, the rest as it is."""

    def __init__(self, click_id: str, hosts: Optional[Sequence[str]]) -> None:
        self._rewriter: Optional[HtmlRewriter] = HtmlRewriter(click_id, hosts=hosts)

    def write(self, chunk: bytes) -> bytes:
        if self._rewriter is None:
            return chunk
        try:
            return self._rewriter.write(chunk)
        except Exception:  # never break the page over a link
            log.exception("clickref: rewriting failed; the rest of the body is sent unchanged")
            self.abandon()
            return chunk

    def finish(self) -> bytes:
        if self._rewriter is None:
            return b""
        try:
            return self._rewriter.finish()
        except Exception:
            log.exception("clickref: rewriting failed at the end of the body")
            return b""
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Releases the rewriter; from here on the body passes unchanged."""
        if self._rewriter is not None:
            self._rewriter.close()
            self._rewriter = None


def _headers_for(headers: List[Tuple[str, str]], settings: _Settings, tag_id: Optional[str],
                 cookie_id: Optional[str]) -> Tuple[List[Tuple[str, str]], bool]:
    """The response headers to send, and whether to rewrite the body."""
    lower = {name.lower(): value for name, value in headers}
    if not _is_html(lower.get("content-type")):
        return headers, False
    out = list(headers)
    if cookie_id:
        out.append(("Set-Cookie", settings.set_cookie(cookie_id)))
    rewrite = tag_id is not None and not _is_encoded(lower.get("content-encoding"))
    if rewrite:
        out = [(name, value) for name, value in out if name.lower() != "content-length"]
    return out, rewrite


class ClickrefWSGIMiddleware:
    """Wraps a WSGI application (PEP 3333). Keyword arguments: ``hosts``
    (payment-link hosts, default ``buy.stripe.com``), ``cookie_name``
    (default ``tn_click_id``), ``param`` (default ``click_id``), ``max_age``
    (seconds, default 365 days) and ``domain`` (default: a host-only cookie)."""

    def __init__(self, app: Callable, *, hosts: Optional[Sequence[str]] = None, cookie_name: Optional[str] = None,
                 param: Optional[str] = None, max_age: int = DEFAULT_COOKIE_MAX_AGE,
                 domain: Optional[str] = None) -> None:
        self.app = app
        self.settings = _Settings(hosts, cookie_name, param, max_age, domain)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        tag_id, cookie_id = self.settings.click_ids(environ.get("QUERY_STRING", ""), environ.get("HTTP_COOKIE"))
        if tag_id is None:
            return self.app(environ, start_response)
        tagger: List[_BodyTagger] = []

        def tagging_start_response(status, headers, exc_info=None):
            headers, rewrite = _headers_for(headers, self.settings, tag_id, cookie_id)
            tagger[:] = [_BodyTagger(tag_id, self.settings.hosts)] if rewrite else []
            write = start_response(status, headers, exc_info)

            def tagging_write(data: bytes) -> None:  # the legacy write() callable
                write(tagger[0].write(data) if tagger else data)
            return tagging_write

        return _TaggedBody(self.app(environ, tagging_start_response), tagger)


class _TaggedBody:
    """The application's body iterable, rewritten as it is iterated; close()
    reaches the application's iterable as PEP 3333 requires."""

    def __init__(self, body: Iterable[bytes], tagger: List[_BodyTagger]) -> None:
        self._body = body
        self._tagger = tagger

    def __iter__(self):
        for chunk in self._body:
            if not self._tagger:
                yield chunk
                continue
            out = self._tagger[0].write(chunk)
            if out:
                yield out
        if self._tagger:
            tail = self._tagger[0].finish()
            if tail:
                yield tail

    def close(self) -> None:
        if self._tagger:  # iteration stopped early: release the C handle now
            self._tagger[0].abandon()
        close = getattr(self._body, "close", None)
        if close is not None:
            close()


class ClickrefASGIMiddleware:
    """Wraps an ASGI 3 application (Starlette, FastAPI, Django's ASGI
    handler). The same keyword arguments as :class:`ClickrefWSGIMiddleware`.
    Scopes other than ``http`` (lifespan, websocket) pass through."""

    def __init__(self, app: Callable, *, hosts: Optional[Sequence[str]] = None, cookie_name: Optional[str] = None,
                 param: Optional[str] = None, max_age: int = DEFAULT_COOKIE_MAX_AGE,
                 domain: Optional[str] = None) -> None:
        self.app = app
        self.settings = _Settings(hosts, cookie_name, param, max_age, domain)

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        cookie_header = b"; ".join(v for k, v in scope.get("headers", []) if k.lower() == b"cookie")
        tag_id, cookie_id = self.settings.click_ids(scope.get("query_string", b"").decode("latin-1"),
                                                    cookie_header.decode("latin-1") or None)
        if tag_id is None:
            await self.app(scope, receive, send)
            return
        tagger: List[_BodyTagger] = []

        async def tagging_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
                headers, rewrite = _headers_for(headers, self.settings, tag_id, cookie_id)
                tagger[:] = [_BodyTagger(tag_id, self.settings.hosts)] if rewrite else []
                message = dict(message, headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers])
            elif message["type"] == "http.response.body" and tagger:
                body = tagger[0].write(bytes(message.get("body", b"")))
                if not message.get("more_body", False):
                    body += tagger[0].finish()
                message = dict(message, body=body)
            await send(message)

        await self.app(scope, receive, tagging_send)
