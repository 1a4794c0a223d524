"""Passing Python data to C and getting C output back."""

from __future__ import annotations

import ctypes
from typing import Callable, Optional, Sequence, Tuple, Union

from .errors import Error, Status, check

#: What the binary inputs accept.
BytesLike = Union[bytes, bytearray, memoryview]

Chars = ctypes.POINTER(ctypes.c_char)


def encode(text: str) -> bytes:
    """UTF-8, with lone surrogates from surrogateescape decoding turned back into their bytes."""
    return text.encode("utf-8", "surrogateescape")


def decode(data: bytes) -> str:
    """The inverse of encode(): never fails, and round-trips any bytes."""
    return data.decode("utf-8", "surrogateescape")


def as_input(data: Union[BytesLike, str]) -> Tuple[object, int]:
    """The (pointer argument, length) pair for a C input.

    bytes, bytearray and writable memoryviews are passed without copying;
    str is encoded as UTF-8. ctypes cannot address a read-only buffer other
    than a whole bytes object, so such a memoryview is copied once.
    """
    if isinstance(data, str):
        data = encode(data)
    if isinstance(data, bytes):
        return data, len(data)
    if isinstance(data, bytearray):
        return (ctypes.c_char * len(data)).from_buffer(data) if data else None, len(data)
    if isinstance(data, memoryview):
        if not data.c_contiguous:
            return as_input(data.tobytes())
        view = data.cast("B")
        if not view.readonly:
            return (ctypes.c_char * view.nbytes).from_buffer(view) if view.nbytes else None, view.nbytes
        if isinstance(view.obj, bytes) and view.nbytes == len(view.obj):
            return view.obj, view.nbytes
        return as_input(view.tobytes())
    raise TypeError(f"expected bytes, bytearray, memoryview or str, not {type(data).__name__}")


def as_optional_text(text: Optional[str]) -> Tuple[Optional[bytes], int]:
    """(NULL, 0) for None, which the C API reads as "the default"."""
    if text is None:
        return None, 0
    data = encode(text)
    return data, len(data)


def as_pointer(data: Optional[bytes]) -> "ctypes._Pointer":
    """A char* to the bytes' own buffer (NULL for None), for a struct field.
    The pointer object keeps ``data`` alive."""
    return ctypes.cast(ctypes.c_char_p(data), Chars)


def as_string_array(texts: Sequence[str], what: str) -> Tuple[object, object, int]:
    """The (const char* const*, const size_t*, count) triple for a list of
    strings. The arrays keep the encoded strings alive."""
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"{what} must be a sequence of str, not a single {type(texts).__name__}")
    encoded = [encode(t) for t in texts]
    pointers = (Chars * len(encoded))(*[as_pointer(e) for e in encoded])
    lengths = (ctypes.c_size_t * len(encoded))(*[len(e) for e in encoded])
    return pointers, lengths, len(encoded)


def call_with_output(function: Callable[..., int], *args: object, capacity: int = 256) -> bytes:
    """Calls a C function whose last parameters are (char* out, size_t cap,
    size_t* out_len) and returns its output, growing the buffer once to the
    capacity the library asks for."""
    out_len = ctypes.c_size_t()
    while True:
        buffer = ctypes.create_string_buffer(capacity)
        status = function(*args, buffer, capacity, ctypes.byref(out_len))
        if status == Status.E_BUFFER_TOO_SMALL:
            if out_len.value <= capacity:  # the library contradicts itself: never loop on it
                raise Error(Status.E_INTERNAL)
            capacity = out_len.value
            continue
        check(status)
        return ctypes.string_at(buffer, out_len.value)
