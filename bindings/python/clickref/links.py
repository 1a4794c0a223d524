"""Payment links: put the click id into client_reference_id, in one URL or a whole HTML document."""

from __future__ import annotations

import ctypes
import threading
import weakref
from typing import List, Optional, Sequence, Tuple, Union, overload

from ._buffers import BytesLike, as_input, as_string_array, call_with_output, decode
from ._native import LINK_OPTIONS_VERSION, LinkOptions, Sink, lib
from .errors import Status, check


def _link_options(hosts: Optional[Sequence[str]],
                  rewritten: Optional[ctypes.c_size_t] = None) -> Tuple[LinkOptions, List[object]]:
    """clickref_link_options, and the objects it points into (keep them alive while it is used)."""
    options = LinkOptions(version=LINK_OPTIONS_VERSION)
    keepalive: List[object] = []
    if hosts is not None:
        pointers, lengths, count = as_string_array(hosts, "hosts")
        options.hosts, options.host_lens, options.n_hosts = pointers, lengths, count
        keepalive += [pointers, lengths]
    if rewritten is not None:
        options.rewritten = ctypes.pointer(rewritten)
    return options, keepalive


def rewrite_url(url: str, click_id: str, *, hosts: Optional[Sequence[str]] = None) -> str:
    """Sets ``client_reference_id=<click_id>`` on a payment link.

    A payment link is an https URL whose host is one of ``hosts`` (default
    ``["buy.stripe.com"]``). An existing client_reference_id is replaced;
    every other byte is kept. Any other URL is returned unchanged.

    Raises:
        ClickIdError: ``.status`` CLICKREF_E_INVALID_CLICK_ID for an id Stripe would drop.
    """
    url_arg, url_len = as_input(url)
    id_arg, id_len = as_input(click_id)
    options, _keepalive = _link_options(hosts)
    return decode(call_with_output(lib.clickref_rewrite_url, url_arg, url_len, id_arg, id_len,
                                   ctypes.byref(options), capacity=url_len + id_len + 64))


@overload
def rewrite_html(html: str, click_id: str, *, hosts: Optional[Sequence[str]] = None) -> str: ...
@overload
def rewrite_html(html: BytesLike, click_id: str, *, hosts: Optional[Sequence[str]] = None) -> bytes: ...


def rewrite_html(html: Union[str, BytesLike], click_id: str, *,
                 hosts: Optional[Sequence[str]] = None) -> Union[str, bytes]:
    """Rewrites the payment links of an HTML document: every ``<a href>``
    and the ``client-reference-id`` of ``<stripe-buy-button>`` and
    ``<stripe-pricing-table>``. Everything else is copied unchanged;
    malformed HTML is passed through.

    Returns str for str input and bytes for bytes-like input.

    Raises:
        ClickIdError: ``.status`` CLICKREF_E_INVALID_CLICK_ID for an id Stripe would drop.
    """
    html_arg, html_len = as_input(html)
    id_arg, id_len = as_input(click_id)
    options, _keepalive = _link_options(hosts)
    out = call_with_output(lib.clickref_rewrite_html, html_arg, html_len, id_arg, id_len, ctypes.byref(options),
                           capacity=html_len + html_len // 8 + 256)
    return decode(out) if isinstance(html, str) else out


class _Collector:
    """Receives the C rewriter's output. Kept apart from HtmlRewriter so the
    callback does not reference the rewriter and the handle is freed as soon
    as the rewriter is unreachable."""

    def __init__(self) -> None:
        self.chunks: List[bytes] = []
        self.failure: Optional[BaseException] = None

    def receive(self, _user: object, data: object, length: int) -> int:
        try:
            self.chunks.append(ctypes.string_at(data, length))
            return Status.OK
        except BaseException as e:  # an exception must not unwind through C: report it after the call
            self.failure = e
            return Status.E_NO_MEMORY

    def take(self) -> bytes:
        failure, self.failure = self.failure, None
        if failure is not None:
            raise failure
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def _free_rewriter(handle: ctypes.c_void_p, *_keepalive: object) -> None:
    lib.clickref_html_rewriter_free(handle)


class HtmlRewriter:
    """Rewrites the payment links of an HTML stream split anywhere into chunks,
    with bounded memory.

    >>> with HtmlRewriter(click_id) as rewriter:
    ...     for chunk in upstream:
    ...         send(rewriter.write(chunk))
    ...     send(rewriter.finish())

    A rewriter's calls are serialised by a lock, so sharing one between
    threads is safe, though the output order then follows the call order.
    The C handle is released by :meth:`close` (or the ``with`` block), and
    when the object is garbage-collected otherwise.
    """

    def __init__(self, click_id: str, *, hosts: Optional[Sequence[str]] = None) -> None:
        id_arg, id_len = as_input(click_id)
        self._rewritten = ctypes.c_size_t(0)
        options, _keepalive = _link_options(hosts, self._rewritten)  # copied by the library, except `rewritten`
        self._collector = _Collector()
        sink = Sink(self._collector.receive)
        handle = ctypes.c_void_p()
        check(lib.clickref_html_rewriter_new(id_arg, id_len, ctypes.byref(options), sink, None, ctypes.byref(handle)))
        self._handle = handle
        self._lock = threading.Lock()
        # The library calls `sink` and writes `_rewritten` until the handle is freed: keep both alive until then.
        self._release = weakref.finalize(self, _free_rewriter, handle, sink, self._rewritten)

    @property
    def links_rewritten(self) -> int:
        """How many links have been rewritten so far."""
        return self._rewritten.value

    def write(self, chunk: BytesLike) -> bytes:
        """Feeds a chunk; returns the rewritten output that is ready (possibly
        b"": a tag may be buffered until its end arrives)."""
        chunk_arg, chunk_len = as_input(chunk)
        with self._lock:
            self._check_open()
            status = lib.clickref_html_rewriter_write(self._handle, chunk_arg, chunk_len)
            out = self._collector.take()
            check(status)
            return out

    def finish(self) -> bytes:
        """Flushes what is still buffered and returns it. write() after finish() raises Error."""
        with self._lock:
            self._check_open()
            status = lib.clickref_html_rewriter_finish(self._handle)
            out = self._collector.take()
            check(status)
            return out

    def close(self) -> None:
        """Releases the C handle (without flushing: call finish() first). Calling it again does nothing."""
        with self._lock:
            self._release()

    def _check_open(self) -> None:
        if not self._release.alive:
            raise ValueError("HtmlRewriter is closed")

    def __enter__(self) -> "HtmlRewriter":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
