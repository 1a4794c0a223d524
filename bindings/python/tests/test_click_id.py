"""Click ids from URLs and cookies, validation, and the Set-Cookie value."""

import email.utils

import pytest

import clickref
from clickref import ClickIdError


@pytest.mark.parametrize("click_id, valid", [
    ("abc_DEF-123", True), ("a" * 200, True), ("a" * 201, False), ("", False), ("a b", False),
    ("caf\u00e9", False), ("a\x00b", False), ("a.b", False),
])
def test_is_valid_click_id(click_id, valid):
    assert clickref.is_valid_click_id(click_id) is valid


@pytest.mark.parametrize("url, param, expected", [
    ("https://shop.example/landing?click_id=abc123", None, "abc123"),
    ("/landing?x=1&click_id=a%20b+c", None, "a b c"),
    ("click_id=bare", None, "bare"),
    ("https://shop.example/?click_id=first&click_id=second", None, "first"),
    ("https://shop.example/?ref=xyz&click_id=no", "ref", "xyz"),
    ("https://shop.example/?click_id=%FF", None, "\ufffd"),
    ("https://shop.example/?click_id=%zz", None, "%zz"),
    ("https://shop.example/?x=1#click_id=frag", None, None),
    ("https://shop.example/?click_id=", None, None),
    ("https://shop.example/landing", None, None),
    ("", None, None),
])
def test_click_id_from_url(url, param, expected):
    assert clickref.click_id_from_url(url, param) == expected


@pytest.mark.parametrize("header, name, expected", [
    ("a=1; tn_click_id=abc%2D1; b=2", None, "abc-1"),
    ("tn_click_id=\"quoted\"", None, "quoted"),
    ("tn_click_id=first; tn_click_id=second", None, "first"),
    ("ref=x=y", "ref", "x=y"),
    ("a=1; b=2", None, None),
    ("tn_click_id=", None, None),
    ("", None, None),
])
def test_click_id_from_cookies(header, name, expected):
    assert clickref.click_id_from_cookies(header, name) == expected


@pytest.mark.parametrize("header", ["tn_click_id=%E0%A4%A", "tn_click_id=%FF", "tn_click_id=%"])
def test_malformed_cookie_escape_is_a_click_id_error(header):
    with pytest.raises(ClickIdError) as raised:
        clickref.click_id_from_cookies(header)
    assert raised.value.status == "CLICKREF_E_BAD_ENCODING"


def imf_fixdate(unix: int) -> str:
    return email.utils.formatdate(unix, usegmt=True)


def test_click_cookie_default():
    now = 1700000000
    assert clickref.click_cookie("aff_42", now=now) == (
        f"tn_click_id=aff_42; Expires={imf_fixdate(now + 31536000)}; Max-Age=31536000; Path=/; Secure; SameSite=Lax")


def test_click_cookie_options():
    cookie = clickref.click_cookie("aff_42", name="ref", domain="example.com", max_age=86400, http_only=True,
                                   now=1703980800)
    name_value, *attributes = cookie.split("; ")
    assert name_value == "ref=aff_42"
    assert sorted(attributes) == sorted([f"Expires={imf_fixdate(1703980800 + 86400)}", "Max-Age=86400", "Path=/",
                                         "Secure", "SameSite=Lax", "Domain=example.com", "HttpOnly"])


def test_click_cookie_now_defaults_to_the_clock():
    assert "Max-Age=60;" in clickref.click_cookie("aff_42", max_age=60)


def test_click_cookie_rejects_invalid_ids_and_lifetimes():
    with pytest.raises(ClickIdError) as raised:
        clickref.click_cookie("not valid!")
    assert raised.value.status == "CLICKREF_E_INVALID_CLICK_ID"
    with pytest.raises(clickref.Error) as raised:
        clickref.click_cookie("aff_42", max_age=0)
    assert raised.value.status == "CLICKREF_E_INVALID_ARGUMENT"
