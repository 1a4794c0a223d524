"""clickref: server-side affiliate attribution for Stripe Payment Links.

A thin, dependency-free binding (ctypes) of libclickref's C ABI:

* verify Stripe webhook signatures: :func:`verify_signature`, :class:`Verifier`,
  :func:`sign_payload` (for tests);
* turn the event into one conversion record: :func:`construct_event`,
  :func:`parse_conversion`, :class:`Conversion`;
* read and keep click ids: :func:`click_id_from_url`,
  :func:`click_id_from_cookies`, :func:`is_valid_click_id`, :func:`click_cookie`;
* tag payment links: :func:`rewrite_url`, :func:`rewrite_html`, :class:`HtmlRewriter`;
* do both for every page of a web application: :class:`ClickrefWSGIMiddleware`,
  :class:`ClickrefASGIMiddleware` (see :mod:`clickref.middleware`).

Failures raise :class:`Error` (``.status``, ``.code``, ``.offset``) or one of
its subclasses :class:`SignatureVerificationError`, :class:`EventError` and
:class:`ClickIdError`.

Binary inputs accept bytes, bytearray and memoryview (passed to C without a
copy where ctypes allows); text inputs are str. Every function is safe to call
from any number of threads at once; ctypes releases the GIL during each call.

The shared library is found through the CLICKREF_LIBRARY environment
variable, then next to this package, then on the system library path; import
fails with a clear message when its ABI version differs from ABI_VERSION.
"""

from ._native import ABI_VERSION, lib as _lib
from .click_id import (DEFAULT_COOKIE_MAX_AGE, MAX_CLICK_ID_LEN, click_cookie, click_id_from_cookies,
                       click_id_from_url, is_valid_click_id)
from .conversion import (ClickIdSource, Conversion, ConversionEffect, ConversionStatus, Recurrence, construct_event,
                         format_amount, parse_conversion)
from .errors import ClickIdError, Error, EventError, SignatureVerificationError, Status
from .links import HtmlRewriter, rewrite_html, rewrite_url
from .middleware import ClickrefASGIMiddleware, ClickrefWSGIMiddleware
from .signature import DEFAULT_TOLERANCE, Verifier, sign_payload, verify_signature

#: The version of the loaded libclickref, "MAJOR.MINOR.PATCH".
library_version: str = _lib.clickref_version().decode("ascii")
__version__ = "0.1.0"

__all__ = [
    "ABI_VERSION",
    "ClickIdError",
    "ClickrefASGIMiddleware",
    "ClickrefWSGIMiddleware",
    "ClickIdSource",
    "Conversion",
    "ConversionEffect",
    "ConversionStatus",
    "DEFAULT_COOKIE_MAX_AGE",
    "DEFAULT_TOLERANCE",
    "Error",
    "EventError",
    "HtmlRewriter",
    "MAX_CLICK_ID_LEN",
    "Recurrence",
    "SignatureVerificationError",
    "Status",
    "Verifier",
    "click_cookie",
    "click_id_from_cookies",
    "click_id_from_url",
    "construct_event",
    "format_amount",
    "is_valid_click_id",
    "library_version",
    "parse_conversion",
    "rewrite_html",
    "rewrite_url",
    "sign_payload",
    "verify_signature",
]
