"""parse_conversion, construct_event, Conversion and format_amount. The events
are written here from Stripe's documented shapes; every expected value is
read off the event by hand."""

import dataclasses
import hashlib
import hmac
import json

import pytest

import clickref
from clickref import ClickIdSource, ConversionStatus, EventError, Status
from clickref._native import lib


def checkout_session_completed(**session):
    obj = {
        "id": "cs_test_a1B2c3",
        "object": "checkout.session",
        "amount_subtotal": 4900,
        "amount_total": 4900,
        "client_reference_id": "aff_42",
        "currency": "usd",
        "customer_details": {"email": "jenny.rosen@example.com", "name": "Jenny Rosen"},
        "livemode": False,
        "metadata": {},
        "mode": "payment",
        "payment_intent": "pi_3Nabc",
        "payment_link": "plink_1Nxyz",
        "payment_status": "paid",
        "status": "complete",
    }
    obj.update(session)
    return {
        "id": "evt_1Nconv",
        "object": "event",
        "api_version": "2024-06-20",
        "created": 1732627200,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "checkout.session.completed",
    }


def payload_of(event) -> bytes:
    return json.dumps(event).encode()


EXPECTED = clickref.Conversion(
    event_id="evt_1Nconv", event_type="checkout.session.completed", object_id="cs_test_a1B2c3", click_id="aff_42",
    order_id="pi_3Nabc", payment_intent="pi_3Nabc", payment_link="plink_1Nxyz",
    customer_email="jenny.rosen@example.com", currency="USD", dedupe_key="pi_3Nabc", amount=4900,
    created=1732627200, status=ConversionStatus.APPROVED, livemode=False,
    click_id_source=ClickIdSource.CLIENT_REFERENCE_ID, click_id_valid=True)


def test_checkout_session_completed():
    assert clickref.parse_conversion(payload_of(checkout_session_completed())) == EXPECTED


def test_payload_may_be_str_bytearray_or_memoryview():
    payload = payload_of(checkout_session_completed())
    for form in (payload.decode(), bytearray(payload), memoryview(payload)):
        assert clickref.parse_conversion(form) == EXPECTED


def test_unpaid_session_is_pending_and_absent_fields_are_none():
    event = checkout_session_completed(payment_status="unpaid", payment_intent=None, payment_link=None,
                                       client_reference_id=None, customer_details=None)
    conversion = clickref.parse_conversion(payload_of(event))
    assert conversion.status is ConversionStatus.PENDING
    assert conversion.click_id is None and conversion.click_id_source is ClickIdSource.NONE
    assert conversion.payment_intent is None and conversion.payment_link is None
    assert conversion.customer_email is None
    assert conversion.order_id == conversion.dedupe_key == "cs_test_a1B2c3"


def test_metadata_click_id_and_invalid_ids_are_flagged():
    event = checkout_session_completed(client_reference_id=None, metadata={"click_id": "not valid!"})
    conversion = clickref.parse_conversion(payload_of(event))
    assert conversion.click_id == "not valid!"
    assert conversion.click_id_source is ClickIdSource.METADATA
    assert conversion.click_id_valid is False


def test_conversion_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        EXPECTED.amount = 1


@pytest.mark.parametrize("payload, status", [
    (b"{", "CLICKREF_E_JSON"),
    (b"", "CLICKREF_E_JSON"),
    (b'{"id": "evt_\xff"}', "CLICKREF_E_JSON"),
    (b"[" * 100000 + b"]" * 100000, "CLICKREF_E_JSON_TOO_DEEP"),
    (b'{"object": "list", "data": []}', "CLICKREF_E_NOT_AN_EVENT"),
    (payload_of(dict(checkout_session_completed(), type="customer.created")), "CLICKREF_E_UNSUPPORTED_EVENT"),
    (payload_of(checkout_session_completed(amount_total="4900")), "CLICKREF_E_BAD_FIELD"),
])
def test_bad_input_raises_event_error(payload, status):
    with pytest.raises(EventError) as raised:
        clickref.parse_conversion(payload)
    assert raised.value.status == status


def test_event_free_accepts_null():
    lib.clickref_event_free(None)


def test_to_json_and_to_dict():
    expected = {
        "event_id": "evt_1Nconv", "event_type": "checkout.session.completed", "livemode": False,
        "created": 1732627200, "status": "approved", "click_id": "aff_42", "click_id_source": "client_reference_id",
        "click_id_valid": True, "order_id": "pi_3Nabc", "object_id": "cs_test_a1B2c3", "payment_intent": "pi_3Nabc",
        "payment_link": "plink_1Nxyz", "customer_email": "jenny.rosen@example.com", "amount": 4900,
        "amount_decimal": "49.00", "currency": "USD", "dedupe_key": "pi_3Nabc",
    }
    assert json.loads(EXPECTED.to_json()) == expected
    assert EXPECTED.to_dict() == expected
    assert list(EXPECTED.to_dict()) == list(expected)  # the documented key order


def test_to_json_of_absent_fields_is_null():
    conversion = dataclasses.replace(EXPECTED, click_id=None, click_id_source=ClickIdSource.NONE,
                                     click_id_valid=False, customer_email=None)
    as_dict = conversion.to_dict()
    assert as_dict["click_id"] is None and as_dict["click_id_source"] is None and as_dict["customer_email"] is None


def test_amount_decimal():
    assert EXPECTED.amount_decimal == "49.00"
    assert dataclasses.replace(EXPECTED, amount=500, currency="JPY").amount_decimal == "500"


@pytest.mark.parametrize("amount, currency, text", [
    (1999, "usd", "19.99"), (500, "JPY", "500"), (1234, "KWD", "1.234"), (-5, "EUR", "-0.05"), (0, "usd", "0.00"),
    (100, "isk", "1.00"),
])
def test_format_amount(amount, currency, text):
    assert clickref.format_amount(amount, currency) == text


def test_postback_url():
    url = EXPECTED.postback_url("https://acme-tracking.tracknow.info/postback", campaign_id=7, goal="sale")
    assert url == ("https://acme-tracking.tracknow.info/postback?click_id=aff_42&order_id=pi_3Nabc&amount=49.00"
                   "&currency=USD&campaign_id=7&goal=sale")


def test_postback_url_after_an_existing_query_and_with_encoding():
    conversion = dataclasses.replace(EXPECTED, click_id="a b&c")
    url = conversion.postback_url("https://acme-tracking.tracknow.info/postback?key=1")
    assert url == ("https://acme-tracking.tracknow.info/postback?key=1&click_id=a%20b%26c&order_id=pi_3Nabc"
                   "&amount=49.00&currency=USD")


def test_postback_url_needs_an_http_base():
    with pytest.raises(clickref.Error) as raised:
        EXPECTED.postback_url("ftp://acme.example/postback")
    assert raised.value.status == "CLICKREF_E_INVALID_URL"


def test_postback_url_without_click_id_is_not_found():
    with pytest.raises(clickref.Error) as raised:
        dataclasses.replace(EXPECTED, click_id=None).postback_url("https://x.example/postback")
    assert raised.value.code == Status.E_NOT_FOUND


def test_construct_event_verifies_then_parses():
    payload = payload_of(checkout_session_completed())
    signature = hmac.new(b"whsec_c", b"1732627200." + payload, hashlib.sha256).hexdigest()
    header = f"t=1732627200,v1={signature}"
    assert clickref.construct_event(payload, header, "whsec_c", now=1732627260) == EXPECTED
    with pytest.raises(clickref.SignatureVerificationError):
        clickref.construct_event(payload, header, "whsec_other", now=1732627260)
    with pytest.raises(clickref.SignatureVerificationError):
        clickref.construct_event(payload, header, "whsec_c", tolerance=10, now=1732627260)


def test_construct_event_reports_a_signed_non_event():
    payload = b'{"hello": "world"}'
    header = clickref.sign_payload(payload, "whsec_c", 100)
    with pytest.raises(EventError) as raised:
        clickref.construct_event(payload, header, "whsec_c", now=100)
    assert raised.value.code == Status.E_NOT_AN_EVENT
