"""Click ids: read them from landing URLs and cookies, keep them in a cookie."""

from __future__ import annotations

import ctypes
import time
from typing import Optional

from ._buffers import as_input, as_optional_text, as_pointer, call_with_output, decode
from ._native import COOKIE_OPTIONS_VERSION, CookieOptions, lib
from .errors import Error, Status

#: Longest click id Stripe keeps in client_reference_id.
MAX_CLICK_ID_LEN = 200
#: Default lifetime of the click cookie: 365 days, in seconds.
DEFAULT_COOKIE_MAX_AGE = 31536000


def is_valid_click_id(click_id: str) -> bool:
    """True when ``click_id`` matches Stripe's rule for client_reference_id,
    ``[A-Za-z0-9_-]{1,200}``."""
    data, length = as_input(click_id)
    return lib.clickref_click_id_valid(data, length) == 1


def _absent_is_none(call) -> Optional[str]:
    try:
        return decode(call())
    except Error as e:
        if e.code == Status.E_NOT_FOUND:
            return None
        raise


def click_id_from_url(url: str, param: Optional[str] = None) -> Optional[str]:
    """The first value of query parameter ``param`` (default ``"click_id"``)
    in a URL, a request target (``"/landing?click_id=..."``) or a bare query,
    decoded as WHATWG URLSearchParams does; None when absent or empty.
    The value is not validated: see :func:`is_valid_click_id`."""
    url_arg, url_len = as_input(url)
    param_arg, param_len = as_optional_text(param)
    return _absent_is_none(lambda: call_with_output(lib.clickref_click_id_from_url, url_arg, url_len,
                                                    param_arg, param_len, capacity=url_len + 16))


def click_id_from_cookies(cookie_header: str, name: Optional[str] = None) -> Optional[str]:
    """The value of cookie ``name`` (default ``"tn_click_id"``) in a Cookie
    request header, decoded as decodeURIComponent does; None when absent or
    empty.

    Raises:
        ClickIdError: ``.status`` CLICKREF_E_BAD_ENCODING for a malformed %-escape.
    """
    header_arg, header_len = as_input(cookie_header)
    name_arg, name_len = as_optional_text(name)
    return _absent_is_none(lambda: call_with_output(lib.clickref_click_id_from_cookies, header_arg, header_len,
                                                    name_arg, name_len, capacity=header_len + 16))


def click_cookie(click_id: str, *, name: Optional[str] = None, domain: Optional[str] = None,
                 max_age: int = DEFAULT_COOKIE_MAX_AGE, http_only: bool = False,
                 now: Optional[int] = None) -> str:
    """The Set-Cookie header value that keeps the click id in a first-party cookie:
    ``tn_click_id=<id>; Expires=<date>; Max-Age=<s>; Path=/; Secure; SameSite=Lax``.

    Args:
        name: the cookie name (default ``"tn_click_id"``).
        domain: a Domain attribute; None makes a host-only cookie.
        max_age: lifetime in seconds (> 0).
        http_only: add HttpOnly (off by default: the browser snippet reads it).
        now: the current Unix time for Expires; defaults to ``time.time()``.

    Raises:
        ClickIdError: ``.status`` CLICKREF_E_INVALID_CLICK_ID when the id fails
            :func:`is_valid_click_id`.
    """
    id_arg, id_len = as_input(click_id)
    name_arg, name_len = as_optional_text(name)
    domain_arg, domain_len = as_optional_text(domain)
    options = CookieOptions(version=COOKIE_OPTIONS_VERSION, name_len=name_len, domain_len=domain_len,
                            max_age_s=max_age, http_only=int(http_only))
    options.name, options.domain = as_pointer(name_arg), as_pointer(domain_arg)
    when = int(time.time()) if now is None else int(now)
    cookie = call_with_output(lib.clickref_click_cookie, id_arg, id_len, ctypes.byref(options), when,
                              capacity=id_len + 256)
    return decode(cookie)
