"""parse_conversion, construct_event, Conversion and format_amount. The events
are written here from Stripe's documented shapes; every expected value is
read off the event by hand."""

import dataclasses
import hashlib
import hmac
import json

import pytest

import clickref
from clickref import ClickIdSource, ConversionEffect, ConversionStatus, EventError, Recurrence, Status
from clickref._native import lib


def stripe_event(event_type, obj, **envelope):
    event = {
        "id": "evt_1Nconv",
        "object": "event",
        "api_version": "2024-06-20",
        "created": 1732627200,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
    event.update(envelope)
    return event


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
    return stripe_event("checkout.session.completed", obj)


def payload_of(event) -> bytes:
    return json.dumps(event).encode()


EXPECTED = clickref.Conversion(
    event_id="evt_1Nconv", event_type="checkout.session.completed", object_id="cs_test_a1B2c3", click_id="aff_42",
    order_id="pi_3Nabc", payment_intent="pi_3Nabc", payment_link="plink_1Nxyz",
    customer_email="jenny.rosen@example.com", currency="USD", dedupe_key="pi_3Nabc", amount=4900,
    created=1732627200, status=ConversionStatus.APPROVED, livemode=False,
    click_id_source=ClickIdSource.CLIENT_REFERENCE_ID, click_id_valid=True, effect=ConversionEffect.PAYMENT,
    recurrence=Recurrence.ONE_TIME)


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
        "amount_decimal": "49.00", "currency": "USD", "dedupe_key": "pi_3Nabc", "effect": "payment",
        "recurrence": "one_time", "customer": None, "subscription": None, "invoice": None, "charge": None,
        "account": None, "billing_reason": None, "promotion_code": None, "coupon": None, "refund_id": None,
        "amount_refunded": 0, "amount_refunded_decimal": "0.00",
    }
    assert json.loads(EXPECTED.to_json()) == expected
    assert EXPECTED.to_dict() == expected
    assert list(EXPECTED.to_dict()) == list(expected)  # the documented key order


def test_new_fields_default_to_what_an_event_without_them_yields():
    conversion = clickref.Conversion(**{f.name: getattr(EXPECTED, f.name) for f in dataclasses.fields(EXPECTED)
                                        if f.name not in ("effect", "recurrence")})
    assert conversion.effect is ConversionEffect.PAYMENT and conversion.recurrence is Recurrence.UNKNOWN
    assert conversion.customer is None and conversion.refund_id is None and conversion.amount_refunded == 0
    assert conversion.to_dict()["effect"] == "payment" and conversion.to_dict()["recurrence"] == "unknown"


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


# A subscription's renewal (API version 2024-06-20: the invoice still names its
# subscription, payment_intent and charge; the click id is in the metadata the
# subscription had when the invoice was made).
RENEWAL = {
    "id": "in_1QRenew", "object": "invoice", "amount_due": 2900, "amount_paid": 2900, "currency": "eur",
    "status": "paid", "billing_reason": "subscription_cycle", "customer": "cus_R1aBc",
    "customer_email": "jenny.rosen@example.com", "subscription": "sub_1QSub", "payment_intent": "pi_3Renew",
    "charge": "ch_3Renew", "metadata": {},
    "discount": {"id": "di_1", "object": "discount", "coupon": {"id": "SPRING25", "object": "coupon"},
                 "promotion_code": "promo_1Spring"},
    "subscription_details": {"metadata": {"click_id": "aff_42"}},
}


def test_invoice_paid_renewal():
    conversion = clickref.parse_conversion(payload_of(stripe_event("invoice.paid", RENEWAL)))
    assert conversion == clickref.Conversion(
        event_id="evt_1Nconv", event_type="invoice.paid", object_id="in_1QRenew", click_id="aff_42",
        order_id="in_1QRenew", payment_intent="pi_3Renew", payment_link=None,
        customer_email="jenny.rosen@example.com", currency="EUR", dedupe_key="in_1QRenew", amount=2900,
        created=1732627200, status=ConversionStatus.APPROVED, livemode=False, click_id_source=ClickIdSource.METADATA,
        click_id_valid=True, customer="cus_R1aBc", subscription="sub_1QSub", invoice="in_1QRenew",
        charge="ch_3Renew", account=None, billing_reason="subscription_cycle", promotion_code="promo_1Spring",
        coupon="SPRING25", refund_id=None, amount_refunded=0, effect=ConversionEffect.PAYMENT,
        recurrence=Recurrence.RENEWAL)


@pytest.mark.parametrize("invoice, recurrence", [
    ({"billing_reason": "subscription_create"}, Recurrence.FIRST),
    ({"billing_reason": "subscription_update"}, Recurrence.RENEWAL),
    ({"billing_reason": "manual", "subscription": None, "subscription_details": None}, Recurrence.ONE_TIME),
])
def test_invoice_recurrence(invoice, recurrence):
    event = stripe_event("invoice.payment_succeeded", dict(RENEWAL, **invoice))
    assert clickref.parse_conversion(payload_of(event)).recurrence is recurrence


REFUND = {
    "id": "re_3Nabc", "object": "refund", "amount": 1500, "charge": "ch_3Nabc", "currency": "usd",
    "payment_intent": "pi_3Nabc", "reason": "requested_by_customer", "status": "succeeded",
}


def test_refund_created():
    conversion = clickref.parse_conversion(payload_of(stripe_event("refund.created", REFUND)))
    assert conversion == clickref.Conversion(
        event_id="evt_1Nconv", event_type="refund.created", object_id="re_3Nabc", click_id=None, order_id="pi_3Nabc",
        payment_intent="pi_3Nabc", payment_link=None, customer_email=None, currency="USD", dedupe_key="pi_3Nabc",
        amount=1500, created=1732627200, status=ConversionStatus.APPROVED, livemode=False,
        click_id_source=ClickIdSource.NONE, click_id_valid=False, charge="ch_3Nabc", refund_id="re_3Nabc",
        amount_refunded=1500, effect=ConversionEffect.REFUND, recurrence=Recurrence.UNKNOWN)
    assert conversion.amount_refunded_decimal == "15.00"


@pytest.mark.parametrize("status, refunded", [("pending", 1500), ("failed", 0), ("canceled", 0)])
def test_refund_updated_that_failed_returns_nothing(status, refunded):
    event = stripe_event("refund.updated", dict(REFUND, status=status))
    conversion = clickref.parse_conversion(payload_of(event))
    assert (conversion.effect, conversion.amount, conversion.amount_refunded) == (ConversionEffect.REFUND, 1500,
                                                                                  refunded)


CHARGE = {
    "id": "ch_3Nabc", "object": "charge", "amount": 4900, "amount_captured": 4900, "amount_refunded": 1500,
    "billing_details": {"email": "jenny.rosen@example.com"}, "currency": "usd", "customer": "cus_R1aBc",
    "metadata": {"click_id": "aff_42"}, "paid": True, "payment_intent": "pi_3Nabc", "refunded": False,
    "status": "succeeded",
}


@pytest.mark.parametrize("refunded, status", [(1500, ConversionStatus.APPROVED), (4900, ConversionStatus.REVERSED)])
def test_connect_charge_refunded(refunded, status):
    event = stripe_event("charge.refunded", dict(CHARGE, amount_refunded=refunded, refunded=refunded == 4900),
                         account="acct_1Conn")
    conversion = clickref.parse_conversion(payload_of(event))
    assert conversion == clickref.Conversion(
        event_id="evt_1Nconv", event_type="charge.refunded", object_id="ch_3Nabc", click_id="aff_42",
        order_id="pi_3Nabc", payment_intent="pi_3Nabc", payment_link=None, customer_email="jenny.rosen@example.com",
        currency="USD", dedupe_key="acct_1Conn/pi_3Nabc", amount=4900, created=1732627200, status=status,
        livemode=False, click_id_source=ClickIdSource.METADATA, click_id_valid=True, customer="cus_R1aBc",
        charge="ch_3Nabc", account="acct_1Conn", amount_refunded=refunded, effect=ConversionEffect.REFUND,
        recurrence=Recurrence.UNKNOWN)


@pytest.mark.parametrize("event_type, dispute_status, status", [
    ("charge.dispute.created", "needs_response", ConversionStatus.REVERSED),
    ("charge.dispute.closed", "lost", ConversionStatus.REVERSED),
    ("charge.dispute.closed", "won", ConversionStatus.APPROVED),
    ("charge.dispute.closed", "warning_closed", ConversionStatus.APPROVED),
])
def test_disputes(event_type, dispute_status, status):
    dispute = {"id": "dp_1Nabc", "object": "dispute", "amount": 4900, "charge": "ch_3Nabc", "currency": "usd",
               "payment_intent": None, "reason": "fraudulent", "status": dispute_status}
    conversion = clickref.parse_conversion(payload_of(stripe_event(event_type, dispute)))
    assert (conversion.effect, conversion.status, conversion.amount) == (ConversionEffect.DISPUTE, status, 4900)
    assert conversion.order_id == conversion.dedupe_key == conversion.charge == "ch_3Nabc"


def test_to_json_round_trip_of_the_new_fields():
    event = stripe_event("refund.created", dict(REFUND, amount=1234, currency="kwd"), account="acct_1Conn")
    conversion = clickref.parse_conversion(payload_of(event))
    members = list(conversion.to_dict().items())
    assert members[members.index(("dedupe_key", "acct_1Conn/pi_3Nabc")):] == [  # after dedupe_key, in this order
        ("dedupe_key", "acct_1Conn/pi_3Nabc"), ("effect", "refund"), ("recurrence", "unknown"), ("customer", None),
        ("subscription", None), ("invoice", None), ("charge", "ch_3Nabc"), ("account", "acct_1Conn"),
        ("billing_reason", None), ("promotion_code", None), ("coupon", None), ("refund_id", "re_3Nabc"),
        ("amount_refunded", 1234), ("amount_refunded_decimal", "1.234")]
    renewal = clickref.parse_conversion(payload_of(stripe_event("invoice.paid", RENEWAL)))
    assert {key: renewal.to_dict()[key] for key in ("effect", "recurrence", "subscription", "billing_reason",
                                                      "promotion_code", "coupon", "customer")} == {
        "effect": "payment", "recurrence": "renewal", "subscription": "sub_1QSub",
        "billing_reason": "subscription_cycle", "promotion_code": "promo_1Spring", "coupon": "SPRING25",
        "customer": "cus_R1aBc"}
    for original in (conversion, renewal):  # every field goes through the C record and back unchanged
        record, _keepalive = original._record()
        assert clickref.Conversion._from_record(record) == original
