"""Stripe webhook signatures: verify a delivery, sign a payload for tests."""

from __future__ import annotations

import ctypes
import time
import weakref
from typing import Optional, Sequence, Union

from ._buffers import BytesLike, as_input, as_string_array, call_with_output
from ._native import ErrorDetail, lib
from .errors import check

#: Default maximum age of a signature's timestamp, in seconds (Stripe's).
DEFAULT_TOLERANCE = 300
_REJECT_FUTURE = 1  # CLICKREF_VERIFY_REJECT_FUTURE


def _flags(reject_future: bool) -> int:
    return _REJECT_FUTURE if reject_future else 0


def _now(now: Optional[int]) -> int:
    return int(time.time()) if now is None else int(now)


class Verifier:
    """One or more endpoint secrets, prepared once for many verifications.

    Immutable after construction: share one instance between threads. The C
    handle is released by :meth:`close` (or the ``with`` block), and when the
    object is garbage-collected otherwise. Do not close it while another
    thread is still verifying with it.

    >>> with Verifier(["whsec_old", "whsec_new"]) as verifier:
    ...     verifier.verify(payload, header)
    """

    def __init__(self, secrets: Sequence[str], *, tolerance: int = DEFAULT_TOLERANCE,
                 reject_future: bool = False) -> None:
        pointers, lengths, count = as_string_array(secrets, "secrets")
        handle = ctypes.c_void_p()
        check(lib.clickref_verifier_new(pointers, lengths, count, tolerance, _flags(reject_future),
                                        ctypes.byref(handle)))
        self._handle = handle
        self._release = weakref.finalize(self, lib.clickref_verifier_free, handle)

    def verify(self, payload: BytesLike, header: str, *, now: Optional[int] = None) -> None:
        """Returns when ``header`` vouches for ``payload`` (the raw body, as
        received); raises :class:`SignatureVerificationError` otherwise.
        ``now`` (Unix seconds) defaults to the current time."""
        if not self._release.alive:
            raise ValueError("verify() on a closed Verifier")
        payload_arg, payload_len = as_input(payload)
        header_arg, header_len = as_input(header)
        detail = ErrorDetail()
        check(lib.clickref_verifier_verify(self._handle, payload_arg, payload_len, header_arg, header_len,
                                           _now(now), ctypes.byref(detail)), detail)

    def close(self) -> None:
        """Releases the C handle now. Calling it again does nothing."""
        self._release()

    def __enter__(self) -> "Verifier":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def verify_signature(payload: BytesLike, header: str, secret: Union[str, Sequence[str]], *,
                     tolerance: int = DEFAULT_TOLERANCE, now: Optional[int] = None,
                     reject_future: bool = False) -> None:
    """Verifies one webhook delivery.

    Args:
        payload: the request body exactly as received (never re-serialised JSON).
        header: the Stripe-Signature header value.
        secret: the endpoint secret (``whsec_...``), or several during a
            rotation: the header is accepted when any of its v1 signatures
            matches any of them.
        tolerance: maximum age of the header's timestamp in seconds; <= 0
            disables the age check.
        now: the current Unix time; defaults to ``time.time()``.
        reject_future: also reject timestamps more than ``tolerance`` ahead.

    Returns None when the signature is valid.

    Raises:
        SignatureVerificationError: with ``.status`` CLICKREF_E_SIG_MISSING_HEADER,
            ..._MALFORMED_HEADER, ..._NO_V1, ..._MISMATCH, ..._TOO_OLD,
            ..._IN_FUTURE or CLICKREF_E_EMPTY_PAYLOAD.
    """
    if not isinstance(secret, (str, bytes)):
        with Verifier(secret, tolerance=tolerance, reject_future=reject_future) as verifier:
            verifier.verify(payload, header, now=now)
        return
    payload_arg, payload_len = as_input(payload)
    header_arg, header_len = as_input(header)
    secret_arg, secret_len = as_input(secret)
    detail = ErrorDetail()
    check(lib.clickref_verify_signature(payload_arg, payload_len, header_arg, header_len, secret_arg, secret_len,
                                        _now(now), tolerance, _flags(reject_future), ctypes.byref(detail)),
          detail)


def sign_payload(payload: BytesLike, secret: str, timestamp: Optional[int] = None) -> str:
    """The Stripe-Signature header Stripe would send for ``payload``:
    ``"t=<timestamp>,v1=<64 hex>"``. For testing your own endpoint.
    ``timestamp`` defaults to now and must not be negative."""
    payload_arg, payload_len = as_input(payload)
    secret_arg, secret_len = as_input(secret)
    header = call_with_output(lib.clickref_sign_payload, payload_arg, payload_len, secret_arg, secret_len,
                              _now(timestamp), capacity=96)
    return header.decode("ascii")
