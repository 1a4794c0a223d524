"""Finds and loads libclickref, checks its ABI, and declares every C prototype.

This module is the only place that knows the C ABI (include/clickref/clickref.h):
the structures, the callback type and the argument/result types of each
function. Everything else in the package goes through ``lib``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path
from typing import Dict, List, Tuple

#: The ABI this package was written against (CLICKREF_ABI_VERSION).
ABI_VERSION = 2

_chars = ctypes.POINTER(ctypes.c_char)  # const char* / char*: bytes, arrays and None convert without copying
_status = ctypes.c_int32
_handle = ctypes.c_void_p  # opaque clickref_verifier*, clickref_event*, clickref_html_rewriter*


class ErrorDetail(ctypes.Structure):
    """clickref_error"""

    _fields_ = [("code", ctypes.c_int32), ("message", ctypes.c_char_p), ("offset", ctypes.c_size_t)]


class Str(ctypes.Structure):
    """clickref_str: borrowed bytes, {NULL, 0} when absent."""

    _fields_ = [("data", _chars), ("len", ctypes.c_size_t)]


_CONVERSION_STRINGS_ABI1 = (
    "event_id",
    "event_type",
    "object_id",
    "click_id",
    "order_id",
    "payment_intent",
    "payment_link",
    "customer_email",
    "currency",
    "dedupe_key",
)
_CONVERSION_STRINGS_ABI2 = (  # appended after click_id_valid
    "customer",
    "subscription",
    "invoice",
    "charge",
    "account",
    "billing_reason",
    "promotion_code",
    "coupon",
    "refund_id",
)
#: Every clickref_str field of clickref_conversion.
CONVERSION_STRING_FIELDS = _CONVERSION_STRINGS_ABI1 + _CONVERSION_STRINGS_ABI2


class ConversionRecord(ctypes.Structure):
    """clickref_conversion"""

    _fields_ = [(name, Str) for name in _CONVERSION_STRINGS_ABI1] + [
        ("amount", ctypes.c_int64),
        ("created", ctypes.c_int64),
        ("status", ctypes.c_int32),
        ("livemode", ctypes.c_int32),
        ("click_id_source", ctypes.c_int32),
        ("click_id_valid", ctypes.c_int32),
    ] + [(name, Str) for name in _CONVERSION_STRINGS_ABI2] + [
        ("amount_refunded", ctypes.c_int64),
        ("effect", ctypes.c_int32),
        ("recurrence", ctypes.c_int32),
    ]


COOKIE_OPTIONS_VERSION = 1
LINK_OPTIONS_VERSION = 1


class CookieOptions(ctypes.Structure):
    """clickref_cookie_options"""

    _fields_ = [
        ("version", ctypes.c_uint32),
        ("name", _chars),
        ("name_len", ctypes.c_size_t),
        ("domain", _chars),
        ("domain_len", ctypes.c_size_t),
        ("max_age_s", ctypes.c_int64),
        ("http_only", ctypes.c_int32),
    ]


class LinkOptions(ctypes.Structure):
    """clickref_link_options"""

    _fields_ = [
        ("version", ctypes.c_uint32),
        ("hosts", ctypes.POINTER(_chars)),
        ("host_lens", ctypes.POINTER(ctypes.c_size_t)),
        ("n_hosts", ctypes.c_size_t),
        ("rewritten", ctypes.POINTER(ctypes.c_size_t)),
    ]


#: clickref_sink: clickref_status (*)(void* user, const char* data, size_t len)
Sink = ctypes.CFUNCTYPE(_status, ctypes.c_void_p, _chars, ctypes.c_size_t)

_size_p = ctypes.POINTER(ctypes.c_size_t)
_error_p = ctypes.POINTER(ErrorDetail)

# name: (restype, argtypes), in the order of clickref.h.
PROTOTYPES: Dict[str, Tuple[object, List[object]]] = {
    "clickref_abi_version": (ctypes.c_uint32, []),
    "clickref_version": (ctypes.c_char_p, []),
    "clickref_status_name": (ctypes.c_char_p, [_status]),
    "clickref_status_message": (ctypes.c_char_p, [_status]),
    # Webhook signatures
    "clickref_verify_signature": (
        _status,
        [_chars, ctypes.c_size_t, _chars, ctypes.c_size_t, _chars, ctypes.c_size_t,
         ctypes.c_int64, ctypes.c_int64, ctypes.c_uint32, _error_p],
    ),
    "clickref_verifier_new": (
        _status,
        [ctypes.POINTER(_chars), _size_p, ctypes.c_size_t, ctypes.c_int64, ctypes.c_uint32,
         ctypes.POINTER(_handle)],
    ),
    "clickref_verifier_verify": (
        _status,
        [_handle, _chars, ctypes.c_size_t, _chars, ctypes.c_size_t, ctypes.c_int64, _error_p],
    ),
    "clickref_verifier_free": (None, [_handle]),
    "clickref_sign_payload": (
        _status,
        [_chars, ctypes.c_size_t, _chars, ctypes.c_size_t, ctypes.c_int64, _chars, ctypes.c_size_t, _size_p],
    ),
    # Events and conversions
    "clickref_event_parse": (_status, [_chars, ctypes.c_size_t, ctypes.POINTER(_handle), _error_p]),
    "clickref_event_free": (None, [_handle]),
    "clickref_event_conversion": (_status, [_handle, ctypes.POINTER(ConversionRecord)]),
    "clickref_conversion_to_json": (
        _status,
        [ctypes.POINTER(ConversionRecord), _chars, ctypes.c_size_t, _size_p],
    ),
    "clickref_format_amount": (
        _status,
        [ctypes.c_int64, _chars, ctypes.c_size_t, _chars, ctypes.c_size_t, _size_p],
    ),
    "clickref_postback_url": (
        _status,
        [ctypes.POINTER(ConversionRecord), _chars, ctypes.c_size_t, _chars, ctypes.c_size_t,
         _chars, ctypes.c_size_t, _size_p],
    ),
    # Click ids and cookies
    "clickref_click_id_valid": (ctypes.c_int, [_chars, ctypes.c_size_t]),
    "clickref_click_id_from_url": (
        _status,
        [_chars, ctypes.c_size_t, _chars, ctypes.c_size_t, _chars, ctypes.c_size_t, _size_p],
    ),
    "clickref_click_id_from_cookies": (
        _status,
        [_chars, ctypes.c_size_t, _chars, ctypes.c_size_t, _chars, ctypes.c_size_t, _size_p],
    ),
    "clickref_click_cookie": (
        _status,
        [_chars, ctypes.c_size_t, ctypes.POINTER(CookieOptions), ctypes.c_int64,
         _chars, ctypes.c_size_t, _size_p],
    ),
    # Payment links and HTML
    "clickref_rewrite_url": (
        _status,
        [_chars, ctypes.c_size_t, _chars, ctypes.c_size_t, ctypes.POINTER(LinkOptions),
         _chars, ctypes.c_size_t, _size_p],
    ),
    "clickref_rewrite_html": (
        _status,
        [_chars, ctypes.c_size_t, _chars, ctypes.c_size_t, ctypes.POINTER(LinkOptions),
         _chars, ctypes.c_size_t, _size_p],
    ),
    "clickref_html_rewriter_new": (
        _status,
        [_chars, ctypes.c_size_t, ctypes.POINTER(LinkOptions), Sink, ctypes.c_void_p,
         ctypes.POINTER(_handle)],
    ),
    "clickref_html_rewriter_write": (_status, [_handle, _chars, ctypes.c_size_t]),
    "clickref_html_rewriter_finish": (_status, [_handle]),
    "clickref_html_rewriter_free": (None, [_handle]),
}


def _candidates() -> List[str]:
    """Where to look for the library, in order."""
    explicit = os.environ.get("CLICKREF_LIBRARY")
    if explicit:
        return [explicit]  # an explicit choice is never silently replaced by another library
    here = Path(__file__).resolve().parent
    found = [str(p) for p in sorted(here.glob("libclickref.so*")) + sorted(here.glob("libclickref*.dylib"))
              + sorted(here.glob("clickref.dll"))]
    system = ctypes.util.find_library("clickref")
    if system:
        found.append(system)
    return found


def _load() -> ctypes.CDLL:
    candidates = _candidates()
    if not candidates:
        raise ImportError(
            "clickref: libclickref was not found. Install it (it is the shared library of the clickref "
            "C/C++ project), put it next to this package, or set CLICKREF_LIBRARY to its path."
        )
    errors = []
    for path in candidates:
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append(f"{path}: {e}")
    raise ImportError("clickref: could not load libclickref:\n  " + "\n  ".join(errors))


def _declare(library: ctypes.CDLL) -> None:
    if not hasattr(library, "clickref_abi_version"):
        raise ImportError(f"clickref: {library._name} is not libclickref (it has no clickref_abi_version)")
    library.clickref_abi_version.restype = ctypes.c_uint32
    library.clickref_abi_version.argtypes = []
    loaded_abi = library.clickref_abi_version()
    if loaded_abi != ABI_VERSION:
        raise ImportError(
            f"clickref: {library._name} has ABI version {loaded_abi}, but this package needs "
            f"ABI version {ABI_VERSION}. Install matching versions of libclickref and the Python package."
        )
    missing = [name for name in PROTOTYPES if not hasattr(library, name)]
    if missing:
        raise ImportError(f"clickref: {library._name} lacks {', '.join(missing)}: it is not a complete libclickref")
    for name, (restype, argtypes) in PROTOTYPES.items():
        function = getattr(library, name)
        function.restype = restype
        function.argtypes = argtypes


lib = _load()
_declare(lib)
