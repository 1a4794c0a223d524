"""verify_signature, Verifier and sign_payload against independent references:
stripe-dotnet's known-answer vector, the standard library's HMAC, and
stripe-python's own signing code."""

import gc
import hashlib
import hmac
import time

import pytest

import clickref
from clickref import SignatureVerificationError, Status

from conftest import VECTOR_HEADER, VECTOR_NOW, VECTOR_SECRET


def hand_signed_header(payload: bytes, secret: str, timestamp: int) -> str:
    """What Stripe sends, computed with the standard library only."""
    signed = str(timestamp).encode() + b"." + payload
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def status_of(call):
    with pytest.raises(clickref.Error) as raised:
        call()
    return raised.value.status


def test_known_answer_vector_verifies(vector_payload):
    assert clickref.verify_signature(vector_payload, VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_NOW) is None


def test_each_failure_has_its_status(vector_payload):
    verify = clickref.verify_signature
    assert status_of(lambda: verify(vector_payload, VECTOR_HEADER, VECTOR_SECRET, now=1533205021)) \
        == "CLICKREF_E_SIG_TOO_OLD"
    assert status_of(lambda: verify(vector_payload[:-1], VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_NOW)) \
        == "CLICKREF_E_SIG_MISMATCH"
    assert status_of(lambda: verify(vector_payload, VECTOR_HEADER, "whsec_wrong", now=VECTOR_NOW)) \
        == "CLICKREF_E_SIG_MISMATCH"
    assert status_of(lambda: verify(vector_payload, "", VECTOR_SECRET, now=VECTOR_NOW)) \
        == "CLICKREF_E_SIG_MISSING_HEADER"
    assert status_of(lambda: verify(vector_payload, "t=soon,v1=00", VECTOR_SECRET, now=VECTOR_NOW)) \
        == "CLICKREF_E_SIG_MALFORMED_HEADER"
    decoy_only = "t=1533204620,v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef"
    assert status_of(lambda: verify(vector_payload, decoy_only, VECTOR_SECRET, now=VECTOR_NOW)) \
        == "CLICKREF_E_SIG_NO_V1"
    assert status_of(lambda: verify(b"", VECTOR_HEADER, VECTOR_SECRET, now=VECTOR_NOW)) == "CLICKREF_E_EMPTY_PAYLOAD"


def test_failures_are_signature_verification_errors(vector_payload):
    with pytest.raises(SignatureVerificationError) as raised:
        clickref.verify_signature(vector_payload, VECTOR_HEADER, "whsec_wrong", now=VECTOR_NOW)
    assert raised.value.code == Status.E_SIG_MISMATCH


def test_tolerance_and_future(vector_payload):
    clickref.verify_signature(vector_payload, VECTOR_HEADER, VECTOR_SECRET, now=1533205021, tolerance=1000)
    clickref.verify_signature(vector_payload, VECTOR_HEADER, VECTOR_SECRET, now=2000000000, tolerance=0)
    clickref.verify_signature(vector_payload, VECTOR_HEADER, VECTOR_SECRET, now=1533200000)
    assert status_of(lambda: clickref.verify_signature(vector_payload, VECTOR_HEADER, VECTOR_SECRET,
                                                       now=1533200000, reject_future=True)) \
        == "CLICKREF_E_SIG_IN_FUTURE"


def test_now_defaults_to_the_clock():
    payload = b'{"id":"evt_now"}'
    clickref.verify_signature(payload, hand_signed_header(payload, "whsec_x", int(time.time())), "whsec_x")
    stale = hand_signed_header(payload, "whsec_x", int(time.time()) - 3600)
    assert status_of(lambda: clickref.verify_signature(payload, stale, "whsec_x")) == "CLICKREF_E_SIG_TOO_OLD"


def test_secret_rotation(vector_payload):
    clickref.verify_signature(vector_payload, VECTOR_HEADER, ["whsec_new", VECTOR_SECRET], now=VECTOR_NOW)
    clickref.verify_signature(vector_payload, VECTOR_HEADER, (VECTOR_SECRET,), now=VECTOR_NOW)
    assert status_of(lambda: clickref.verify_signature(vector_payload, VECTOR_HEADER, ["a", "b"], now=VECTOR_NOW)) \
        == "CLICKREF_E_SIG_MISMATCH"
    assert status_of(lambda: clickref.verify_signature(vector_payload, VECTOR_HEADER, [], now=VECTOR_NOW)) \
        == "CLICKREF_E_INVALID_ARGUMENT"


def test_hand_computed_hmac_verifies():
    payload = b'{"id":"evt_hand","object":"event"}\n'
    header = hand_signed_header(payload, "whsec_hand", 1700000000)
    clickref.verify_signature(payload, header, "whsec_hand", now=1700000010)


def test_verifier(vector_payload):
    with clickref.Verifier(["whsec_new", VECTOR_SECRET], tolerance=300) as verifier:
        verifier.verify(vector_payload, VECTOR_HEADER, now=VECTOR_NOW)
        verifier.verify(vector_payload, VECTOR_HEADER, now=VECTOR_NOW)
        assert status_of(lambda: verifier.verify(vector_payload, VECTOR_HEADER, now=1533205021)) \
            == "CLICKREF_E_SIG_TOO_OLD"
    with pytest.raises(ValueError, match="closed"):
        verifier.verify(vector_payload, VECTOR_HEADER, now=VECTOR_NOW)
    verifier.close()  # a second close does nothing

    strict = clickref.Verifier([VECTOR_SECRET], reject_future=True)
    with pytest.raises(SignatureVerificationError) as raised:
        strict.verify(vector_payload, VECTOR_HEADER, now=1533200000)
    assert raised.value.status == "CLICKREF_E_SIG_IN_FUTURE"
    release = strict._release
    del strict, raised  # the traceback held the verify() frame, and so the verifier
    gc.collect()
    assert not release.alive  # the finalizer freed the handle of a verifier nobody closed


def test_verifier_rejects_bad_secrets():
    assert status_of(lambda: clickref.Verifier([])) == "CLICKREF_E_INVALID_ARGUMENT"
    assert status_of(lambda: clickref.Verifier(["whsec_ok", ""])) == "CLICKREF_E_INVALID_ARGUMENT"
    with pytest.raises(TypeError):
        clickref.Verifier("whsec_single")


def test_verifier_free_accepts_null():
    clickref._native.lib.clickref_verifier_free(None)


def test_sign_payload_reproduces_the_vector(vector_payload):
    assert clickref.sign_payload(vector_payload, VECTOR_SECRET, 1533204620) == \
        "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7"


def test_sign_payload_matches_the_standard_library():
    payload = "{\"amount\": \"1 \u20ac\"}".encode()
    assert clickref.sign_payload(payload, "whsec_\u00e9", 0) == hand_signed_header(payload, "whsec_\u00e9", 0)


def test_sign_payload_defaults_to_now():
    before = int(time.time())
    header = clickref.sign_payload(b"x", "s")
    assert before <= int(header.split(",")[0][2:]) <= int(time.time())


def test_sign_payload_rejects_a_negative_timestamp():
    assert status_of(lambda: clickref.sign_payload(b"x", "s", -1)) == "CLICKREF_E_INVALID_ARGUMENT"


def test_header_from_stripe_python_verifies():
    stripe = pytest.importorskip("stripe")
    payload = '{"id": "evt_from_stripe_python", "object": "event"}'
    timestamp = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", "whsec_stripe")
    header = f"t={timestamp},v1={signature}"
    clickref.verify_signature(payload.encode(), header, "whsec_stripe")
    with pytest.raises(SignatureVerificationError):
        clickref.verify_signature(payload.encode(), header, "whsec_other")


def test_stripe_python_accepts_our_header():
    stripe = pytest.importorskip("stripe")
    payload = '{"id": "evt_from_clickref", "object": "event"}'
    header = clickref.sign_payload(payload.encode(), "whsec_stripe")
    assert stripe.WebhookSignature.verify_header(payload, header, "whsec_stripe", tolerance=300)
    with pytest.raises(stripe.error.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(payload, header, "whsec_other", tolerance=300)
