"""Inputs of every accepted type reach C intact, and without a copy where ctypes allows."""

import array
import ctypes

import pytest

import clickref
from clickref._buffers import as_input, call_with_output
from clickref._native import lib

from conftest import VECTOR_HEADER, VECTOR_NOW, VECTOR_SECRET


def c_bytes(arg, length):
    return ctypes.string_at(ctypes.cast(arg, ctypes.c_void_p) if not isinstance(arg, bytes) else arg, length)


def test_bytes_are_passed_as_they_are():
    data = b"abc\x00def"
    arg, length = as_input(data)
    assert arg is data and length == 7


def test_bytearray_is_shared_not_copied():
    data = bytearray(b"abcdef")
    arg, length = as_input(data)
    data[0] = ord("X")  # visible through the argument: the same memory
    assert c_bytes(arg, length) == b"Xbcdef"


def test_writable_memoryview_is_shared_not_copied():
    backing = bytearray(b"0123456789")
    arg, length = as_input(memoryview(backing)[2:6])
    backing[2] = ord("X")
    assert c_bytes(arg, length) == b"X345"


def test_memoryview_of_a_whole_bytes_object_is_not_copied():
    data = b"whole"
    arg, length = as_input(memoryview(data))
    assert arg is data and length == 5


def test_other_memoryviews_arrive_intact():
    assert c_bytes(*as_input(memoryview(b"0123456789")[3:7])) == b"3456"
    assert c_bytes(*as_input(memoryview(b"0123456789")[::3])) == b"0369"
    words = array.array("H", [0x4142, 0x4344])
    assert c_bytes(*as_input(memoryview(words))) == words.tobytes()


def test_str_is_utf8():
    assert c_bytes(*as_input("\u00e9")) == b"\xc3\xa9"


def test_empty_inputs():
    for empty in (b"", bytearray(), memoryview(b""), memoryview(bytearray()), ""):
        assert as_input(empty)[1] == 0


def test_other_types_are_refused():
    with pytest.raises(TypeError):
        as_input(42)


@pytest.mark.parametrize("convert", [bytes, bytearray, memoryview, lambda b: memoryview(bytearray(b))])
def test_every_type_verifies(vector_payload, convert):
    clickref.verify_signature(convert(vector_payload), VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_NOW)


def test_output_buffer_grows_to_the_size_asked_for(vector_payload):
    header = call_with_output(lib.clickref_sign_payload, vector_payload, len(vector_payload), b"webhook_secret", 14,
                              1533204620, capacity=1)
    assert header == b"t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7"
