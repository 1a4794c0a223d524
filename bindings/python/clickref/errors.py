"""Status codes and the exceptions that carry them."""

from __future__ import annotations

import enum
from typing import Optional

from ._native import ErrorDetail, lib


class Status(enum.IntEnum):
    """The clickref_status values of clickref.h (frozen: never renumbered)."""

    OK = 0
    E_INVALID_ARGUMENT = 1
    E_BUFFER_TOO_SMALL = 2
    E_NO_MEMORY = 3
    E_INTERNAL = 4
    E_NOT_FOUND = 5
    E_SIG_MISSING_HEADER = 10
    E_SIG_MALFORMED_HEADER = 11
    E_SIG_NO_V1 = 12
    E_SIG_MISMATCH = 13
    E_SIG_TOO_OLD = 14
    E_SIG_IN_FUTURE = 15
    E_EMPTY_PAYLOAD = 16
    E_JSON = 20
    E_NOT_AN_EVENT = 21
    E_UNSUPPORTED_EVENT = 22
    E_JSON_TOO_DEEP = 23
    E_BAD_FIELD = 24
    E_INVALID_CLICK_ID = 30
    E_BAD_ENCODING = 31
    E_INVALID_URL = 40


class Error(Exception):
    """A clickref call failed.

    Attributes:
        code: the clickref_status number, e.g. 13.
        status: its name, e.g. ``"CLICKREF_E_SIG_MISMATCH"``.
        offset: the byte offset in the input where the problem was found; 0
            when the library does not know (or the call reports no detail).

    ``str(error)`` is the library's English message for the status.
    """

    def __init__(self, code: int, offset: int = 0) -> None:
        self.code = int(code)
        self.status: str = lib.clickref_status_name(self.code).decode("ascii")
        self.offset = offset
        super().__init__(lib.clickref_status_message(self.code).decode("utf-8"))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.status}, offset={self.offset})"


class SignatureVerificationError(Error):
    """The Stripe-Signature header does not vouch for the payload (statuses 10-19)."""


class EventError(Error):
    """The payload is not a Stripe event that yields a conversion (statuses 20-29)."""


class ClickIdError(Error):
    """A click id is invalid or cannot be decoded (statuses 30-39)."""


def _error_class(code: int) -> type:
    if 10 <= code <= 19:
        return SignatureVerificationError
    if 20 <= code <= 29:
        return EventError
    if 30 <= code <= 39:
        return ClickIdError
    return Error


def check(code: int, detail: Optional[ErrorDetail] = None) -> None:
    """Raises the exception for a failed status; returns on CLICKREF_OK."""
    if code == Status.OK:
        return
    offset = detail.offset if detail is not None and detail.code == code else 0
    raise _error_class(code)(code, offset)
