"""clickref-server end to end: real HTTP on 127.0.0.1, a real SQLite file,
or with CLICKREF_TEST_BACKEND=postgresql a real PostgreSQL database
(conftest.py).

Run by CTest with CLICKREF_SERVER pointing at the binary.
"""

import http.client
import base64
import contextlib
import csv
import errno
import io
import itertools
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor

import pytest

import stripe_events as se
from harness import (BACKEND, SECRET, SERVER, Server, Stub, hrefs_by_text, postback_args, set_cookie_attributes, sign,
                     totals_rows, wait_until)

# The pricing page's payment links as the template has them, decoded (what
# a browser's DOM holds before any rewriting).
STARTER = "https://buy.stripe.com/test_5kA8wV0Ps3Ke4ck000"
TEAM = "https://buy.stripe.com/test_9AQ3cB3rE7Yu0Y8001?prefilled_promo_code=LAUNCH&locale=en"
YEARLY = "https://buy.stripe.com/test_eVa5kJ6DQaKG6gs002#yearly"
CUSTOM = "https://pay.acme.test/b/test_5kA8wV0Ps3Ke4ck000"
DOCS = "https://docs.stripe.com/payment-links"
SNIPPET = Path(__file__).resolve().parents[2] / "bindings" / "js" / "clickref.js"


@pytest.fixture
def server(tmp_path):
    with Server(tmp_path) as s:
        yield s


# ---------------------------------------------------------------- pages


def test_healthz(server):
    r = server.get("/healthz")
    assert r.status == 200
    assert r.json() == {"status": "ok"}


def test_landing_with_click_id_sets_the_cookie_and_rewrites_links(server):
    before = int(time.time())
    r = server.get("/?click_id=aff_42-Xy")
    assert r.status == 200
    assert r.headers.get_content_type() == "text/html"
    cookies = r.headers.get_all("Set-Cookie")
    assert len(cookies) == 1
    name, value, attrs = set_cookie_attributes(cookies[0])
    assert (name, value) == ("tn_click_id", "aff_42-Xy")
    assert attrs["max-age"] == "31536000"
    assert attrs["path"] == "/"
    assert attrs["samesite"] == "Lax"
    assert "secure" in attrs and "httponly" not in attrs
    expires = time.mktime(time.strptime(attrs["expires"], "%a, %d %b %Y %H:%M:%S GMT")) - time.timezone
    assert before + 31536000 - 5 <= expires <= time.time() + 31536000 + 5
    assert r.headers["Cache-Control"] == "private, no-store"
    links = dict(hrefs_by_text(r.text))
    assert links["Start with Starter, $19"] == STARTER + "?client_reference_id=aff_42-Xy"
    assert links["compare the plans"] == "/pricing"


def test_pricing_with_the_cookie_rewrites_every_payment_link(server):
    r = server.get("/pricing", headers={"Cookie": "theme=dark; tn_click_id=aff_42-Xy; other=1"})
    assert r.status == 200
    assert r.headers.get_all("Set-Cookie") is None  # the cookie is already there
    assert hrefs_by_text(r.text) == [
        ("Acme Analytics", "/"),
        ("Pricing", "/pricing"),
        ("Affiliate dashboard", "/dashboard"),
        ("Buy Starter", STARTER + "?client_reference_id=aff_42-Xy"),
        ("Buy Team", TEAM + "&client_reference_id=aff_42-Xy"),
        ("Buy Yearly", "https://buy.stripe.com/test_eVa5kJ6DQaKG6gs002?client_reference_id=aff_42-Xy#yearly"),
        ("<stripe-pricing-table>", "aff_42-Xy"),
        ("Stripe's guide to payment links", DOCS),
    ]
    # The rewritten href is escaped again, in its original quote style.
    assert ('href="https://buy.stripe.com/test_9AQ3cB3rE7Yu0Y8001?prefilled_promo_code=LAUNCH&amp;locale=en'
            '&amp;client_reference_id=aff_42-Xy"') in r.text
    assert "href='https://buy.stripe.com/test_eVa5kJ6DQaKG6gs002?client_reference_id=aff_42-Xy#yearly'" in r.text
    # The browser snippet's tag is served as written, with the server's payment hosts.
    assert '<script src="/clickref.js" data-hosts="buy.stripe.com" defer></script>' in r.text


def test_pages_without_click_id_are_served_unchanged(server):
    r = server.get("/pricing")
    assert r.status == 200
    assert r.headers.get_all("Set-Cookie") is None
    links = hrefs_by_text(r.text)
    assert ("Buy Starter", STARTER) in links and ("Buy Team", TEAM) in links and ("Buy Yearly", YEARLY) in links
    assert ("<stripe-pricing-table>", None) in links


def test_query_click_id_replaces_the_cookie(server):
    r = server.get("/pricing?click_id=new_one", headers={"Cookie": "tn_click_id=old_one"})
    assert set_cookie_attributes(r.headers.get_all("Set-Cookie")[0])[:2] == ("tn_click_id", "new_one")
    assert dict(hrefs_by_text(r.text))["Buy Starter"] == STARTER + "?client_reference_id=new_one"


@pytest.mark.parametrize("query", ["click_id=has%20space", "click_id=" + "a" * 201, "click_id=%3Cscript%3E",
                                   "click_id=", "click_id=caf%C3%A9"])
def test_an_id_stripe_would_drop_is_neither_stored_nor_used(server, query):
    r = server.get("/?" + query, headers={"Cookie": "tn_click_id=from_cookie"})
    assert r.status == 200
    assert r.headers.get_all("Set-Cookie") is None
    assert dict(hrefs_by_text(r.text))["Start with Starter, $19"] == STARTER + "?client_reference_id=from_cookie"


@pytest.mark.parametrize("cookie", ["tn_click_id=%E0%A4%A", "tn_click_id=a%20b", "tn_click_id=", "other=x"])
def test_a_bad_or_missing_cookie_leaves_links_alone(server, cookie):
    r = server.get("/pricing", headers={"Cookie": cookie})
    assert r.status == 200
    assert dict(hrefs_by_text(r.text))["Buy Starter"] == STARTER


def test_custom_payment_host(tmp_path):
    with Server(tmp_path, "--payment-host", "pay.acme.test") as s:
        r = s.get("/pricing?click_id=aff_7")
        links = dict(hrefs_by_text(r.text))
        assert links["Buy Starter"] == STARTER + "?client_reference_id=aff_7"
        # The seed snippet's selector would miss this one; the server does not.
        assert links["Buy Starter on pay.acme.test"] == CUSTOM + "?client_reference_id=aff_7"


def test_the_browser_snippet_is_served_byte_for_byte(server):
    r = server.get("/clickref.js?click_id=aff_1")
    assert r.status == 200
    assert r.body == SNIPPET.read_bytes()
    assert r.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert r.headers["Cache-Control"] == "public, max-age=3600"
    assert r.headers.get_all("Set-Cookie") is None  # not a page


def test_the_pages_give_the_snippet_the_servers_payment_hosts(tmp_path):
    with Server(tmp_path, "--payment-host", "pay.acme.test", "--payment-host", "checkout.acme.test") as s:
        tags = re.findall(r"<script[^>]*>", s.get("/").text)
    assert tags == ['<script src="/clickref.js" data-hosts="buy.stripe.com pay.acme.test checkout.acme.test" defer>']


def test_head_request(server):
    r = server.request("HEAD", "/pricing?click_id=aff_1")
    assert r.status == 200 and r.body == b""


# ---------------------------------------------------------------- routing errors


def test_unknown_path_is_404_json(server):
    r = server.get("/nope")
    assert r.status == 404
    assert r.json()["error"] == "not_found"


@pytest.mark.parametrize("method,path,allow", [
    ("GET", "/stripe/postback", "POST"),
    ("PUT", "/stripe/postback", "POST"),
    ("POST", "/", "GET, HEAD"),
    ("POST", "/conversions", "GET, HEAD"),
    ("DELETE", "/dashboard", "GET, HEAD"),
    ("POST", "/clickref.js", "GET, HEAD"),
])
def test_wrong_method_is_405(server, method, path, allow):
    r = server.request(method, path, body=b"x" if method in ("POST", "PUT") else None)
    assert r.status == 405
    assert r.headers["Allow"] == allow
    assert r.json()["error"] == "method_not_allowed"


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "10001", "1.5", ""])
def test_bad_list_limit_is_400(server, limit):
    r = server.get("/conversions?limit=" + limit)
    assert r.status == 400
    assert r.json()["error"] == "bad_limit"


# ---------------------------------------------------------------- the webhook


# What a row of a one-time sale outside Connect, with no customer and no
# discount, says beyond its amounts and click id.
ONE_TIME_SALE = {"sale": True, "recurrence": "one_time", "account": None, "customer": None, "subscription": None,
                 "promotion_code": None, "coupon": None}


def test_a_paid_checkout_becomes_one_attributed_approved_conversion(server):
    session, charge = se.paid_purchase("card1", "aff_42")
    r = server.deliver(se.body(session))
    assert r.status == 200
    assert r.json() == {"received": True, "outcome": "recorded", "event_id": "evt_card1_session"}
    r = server.deliver(se.body(charge))
    assert r.json()["outcome"] == "recorded"
    assert server.conversions() == [{
        "dedupe_key": "pi_card1",
        "status": "approved",
        "click_id": "aff_42",
        "click_id_valid": True,
        "click_id_source": "client_reference_id",
        "order_id": "pi_card1",
        "amount": 4999,
        "amount_decimal": "49.99",
        "currency": "USD",
        "reversed_amount": 0,
        "reversed_amount_decimal": "0.00",
        "customer_email": "buyer-card1@example.com",
        "payment_link": "plink_1AcmeStarter",
        "livemode": False,
        "first_event_at": se.CREATED,
        "last_event_at": se.CREATED + 5,
        "events": 2,
        **ONE_TIME_SALE,
        "postback": None,
    }]


def test_a_repeated_event_is_acknowledged_and_changes_nothing(server):
    session, _ = se.paid_purchase("dup", "aff_1")
    assert server.deliver(se.body(session)).json()["outcome"] == "recorded"
    before = server.conversions()
    for _ in range(3):
        r = server.deliver(se.body(session))  # re-signed each time, as Stripe's retries are
        assert r.status == 200
        assert r.json() == {"received": True, "outcome": "duplicate", "event_id": "evt_dup_session"}
    assert server.conversions() == before
    assert before[0]["events"] == 1


def test_zero_and_three_decimal_currencies(server):
    for ev in se.paid_purchase("jpy", "aff_j", amount=5000, currency="jpy")[:1] + \
            se.paid_purchase("kwd", "aff_k", amount=12345, currency="kwd")[:1]:
        assert server.deliver(se.body(ev)).status == 200
    assert (server.conversion("pi_jpy")["amount_decimal"], server.conversion("pi_jpy")["currency"]) == ("5000", "JPY")
    assert (server.conversion("pi_kwd")["amount_decimal"], server.conversion("pi_kwd")["currency"]) == ("12.345", "KWD")


# The row every arrival order of se.delayed_purchase(tag, "aff_" + tag) must
# end in, worked out by hand from the four events.
def expected_delayed_row(tag):
    return {
        "dedupe_key": f"pi_{tag}",
        "status": "reversed",
        "click_id": f"aff_{tag}",
        "click_id_valid": True,
        "click_id_source": "client_reference_id",
        "order_id": f"pi_{tag}",
        "amount": 4999,
        "amount_decimal": "49.99",
        "currency": "USD",
        "reversed_amount": 4999,
        "reversed_amount_decimal": "49.99",
        "customer_email": f"buyer-{tag}@example.com",
        "payment_link": "plink_1AcmeStarter",
        "livemode": False,
        "first_event_at": se.CREATED,
        "last_event_at": se.CREATED + 180,
        "events": 4,
        **ONE_TIME_SALE,
        "postback": None,
    }


def test_every_arrival_order_of_one_purchase_ends_in_the_same_row(server):
    orders = list(itertools.permutations(range(4)))
    assert len(orders) == 24
    for n, order in enumerate(orders):
        events = se.delayed_purchase(f"perm{n}", f"aff_perm{n}")
        for i in order:
            r = server.deliver(se.body(events[i]))
            assert r.status == 200 and r.json()["outcome"] == "recorded", (order, i, r.body)
    rows = {row["dedupe_key"]: row for row in server.conversions()}
    assert len(rows) == 24
    for n, order in enumerate(orders):
        assert rows[f"pi_perm{n}"] == expected_delayed_row(f"perm{n}"), order


def test_status_moves_forward_only(server):
    session_unpaid, succeeded, charge, refunded = se.delayed_purchase("fwd", "aff_fwd")
    steps = [(session_unpaid, "pending"), (succeeded, "approved"), (refunded, "reversed"),
             # A success that arrives after the refund does not undo it.
             (charge, "reversed")]
    for ev, status in steps:
        assert server.deliver(se.body(ev)).status == 200
        assert server.conversion("pi_fwd")["status"] == status


def test_refund_after_approval(server):
    session, charge = se.paid_purchase("refund", "aff_r")
    server.deliver(se.body(session))
    server.deliver(se.body(charge))
    assert server.conversion("pi_refund")["status"] == "approved"
    refund = se.event("charge.refunded", se.charge("refund", refunded=4999), "evt_refund_refunded", se.CREATED + 600)
    assert server.deliver(se.body(refund)).json()["outcome"] == "recorded"
    row = server.conversion("pi_refund")
    assert (row["status"], row["amount"], row["reversed_amount"], row["click_id"]) == ("reversed", 4999, 4999, "aff_r")


def test_a_partial_refund_keeps_the_sale_and_reports_the_amount(server):
    session, charge = se.paid_purchase("part", "aff_p")
    server.deliver(se.body(session))
    server.deliver(se.body(charge))
    partial = se.event("charge.refunded", se.charge("part", refunded=1500), "evt_part_1", se.CREATED + 600)
    assert server.deliver(se.body(partial)).json()["outcome"] == "recorded"
    row = server.conversion("pi_part")
    assert (row["status"], row["amount"], row["reversed_amount"]) == ("approved", 4999, 1500)
    rest = se.event("charge.refunded", se.charge("part", refunded=4999), "evt_part_2", se.CREATED + 700)
    assert server.deliver(se.body(rest)).json()["outcome"] == "recorded"
    row = server.conversion("pi_part")
    assert (row["status"], row["amount"], row["reversed_amount"]) == ("reversed", 4999, 4999)


def test_a_subscription_bought_through_a_payment_link_is_one_attributed_sale(server):
    """The seed's two events of a subscription purchase (API 2024-06-20): the
    session names the invoice but no payment intent, the charge names both."""
    session = se.checkout_session("sub", "aff_sub")
    session.update(mode="subscription", payment_intent=None, invoice="in_sub", subscription="sub_sub",
                   customer="cus_sub")
    charge = se.charge("sub")
    charge.update(invoice="in_sub", customer="cus_sub")
    for ev in (se.event("charge.succeeded", charge, "evt_sub_charge"),
               se.event("checkout.session.completed", session, "evt_sub_session")):
        assert server.deliver(se.body(ev)).json()["outcome"] == "recorded"
    rows = server.conversions()
    assert [(r["dedupe_key"], r["status"], r["amount"], r["click_id"], r["events"]) for r in rows] == [
        ("in_sub", "approved", 4999, "aff_sub", 2)]


def test_a_promotion_code_credits_its_affiliate_when_no_click_id_came(tmp_path):
    with Server(tmp_path, "--promotion-click", "promo_alice=aff_alice", "--promotion-click", "BOBCOUPON=aff_bob") as s:
        by_code = se.checkout_session("promo", None)
        by_code["discounts"] = [{"coupon": "SUMMER", "promotion_code": "promo_alice"}]
        by_coupon = se.checkout_session("coupon", None)
        by_coupon["discounts"] = [{"coupon": "BOBCOUPON", "promotion_code": None}]
        both = se.checkout_session("both", "aff_link")
        both["discounts"] = [{"coupon": "SUMMER", "promotion_code": "promo_alice"}]
        unknown = se.checkout_session("unknown", None)
        unknown["discounts"] = [{"coupon": "OTHER", "promotion_code": "promo_other"}]
        for tag, obj in (("promo", by_code), ("coupon", by_coupon), ("both", both), ("unknown", unknown)):
            r = s.deliver(se.body(se.event("checkout.session.completed", obj, f"evt_{tag}")))
            assert r.json()["outcome"] == "recorded"
        rows = {r["dedupe_key"]: (r["click_id"], r["click_id_source"]) for r in s.conversions()}
        assert rows == {"pi_promo": ("aff_alice", "promotion_code"), "pi_coupon": ("aff_bob", "promotion_code"),
                        # The click the buyer came with wins over the code.
                        "pi_both": ("aff_link", "client_reference_id"), "pi_unknown": (None, None)}


def test_a_dispute_reverses_the_sale(server):
    session, _ = se.paid_purchase("disp", "aff_d")
    server.deliver(se.body(session))
    server.deliver(se.body(se.event("charge.dispute.created", se.dispute("disp"), "evt_disp_dispute")))
    row = server.conversion("pi_disp")
    assert (row["status"], row["reversed_amount"], row["click_id"]) == ("reversed", 4999, "aff_d")


def test_click_id_from_metadata_and_flagged_ids(server):
    ev = se.event("charge.succeeded", se.charge("meta", metadata={"click_id": "aff_meta"}), "evt_meta")
    server.deliver(se.body(ev))
    row = server.conversion("pi_meta")
    assert (row["click_id"], row["click_id_source"], row["click_id_valid"]) == ("aff_meta", "metadata", True)
    ev = se.event("charge.succeeded", se.charge("bad", metadata={"click_id": "<b>x</b>"}), "evt_bad")
    server.deliver(se.body(ev))
    row = server.conversion("pi_bad")
    assert (row["click_id"], row["click_id_valid"]) == ("<b>x</b>", False)
    page = server.get("/dashboard").text
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page


def test_unsupported_event_types_are_acknowledged_and_ignored(server):
    for ev in [se.event("customer.created", {"id": "cus_1", "object": "customer"}, "evt_cus"),
               se.event("checkout.session.expired", se.checkout_session("exp", "aff_x", "unpaid"), "evt_exp")]:
        r = server.deliver(se.body(ev))
        assert r.status == 200
        assert r.json() == {"received": True, "outcome": "ignored"}
    assert server.conversions() == []


def rejected(r, name):
    assert r.status == 400, r.body
    body = r.json()
    assert body["error"] == name
    assert body["message"]


def test_missing_signature_header(server):
    rejected(server.deliver(se.body(se.paid_purchase("h", "a")[0]), header=False), "CLICKREF_E_SIG_MISSING_HEADER")


@pytest.mark.parametrize("header,name", [
    ("", "CLICKREF_E_SIG_MISSING_HEADER"),
    ("garbage", "CLICKREF_E_SIG_MALFORMED_HEADER"),
    ("t=12x,v1=00", "CLICKREF_E_SIG_MALFORMED_HEADER"),
    (f"t={int(time.time())}", "CLICKREF_E_SIG_NO_V1"),
    (f"t={int(time.time())},v0=" + "0" * 64, "CLICKREF_E_SIG_NO_V1"),
    (f"t={int(time.time())},v1=" + "0" * 64, "CLICKREF_E_SIG_MISMATCH"),
])
def test_bad_signature_headers(server, header, name):
    rejected(server.deliver(se.body(se.paid_purchase("h", "a")[0]), header=header), name)
    assert server.conversions() == []


def test_wrong_secret(server):
    rejected(server.deliver(se.body(se.paid_purchase("w", "a")[0]), secret="whsec_not_ours"), "CLICKREF_E_SIG_MISMATCH")
    assert server.conversions() == []


def test_tampered_body(server):
    payload = se.body(se.paid_purchase("t", "aff_t")[0])
    header = sign(payload, SECRET, int(time.time()))
    rejected(server.deliver(payload.replace(b"aff_t", b"aff_X"), header=header), "CLICKREF_E_SIG_MISMATCH")
    assert server.conversions() == []


def test_old_signature(server):
    payload = se.body(se.paid_purchase("old", "aff_o")[0])
    rejected(server.deliver(payload, timestamp=int(time.time()) - 301 - 5), "CLICKREF_E_SIG_TOO_OLD")
    assert server.deliver(payload, timestamp=int(time.time()) - 200).status == 200


@pytest.mark.parametrize("payload,name", [
    (b"", "CLICKREF_E_EMPTY_PAYLOAD"),
    (b"{\"id\": \"evt_1\", ", "CLICKREF_E_JSON"),
    (b"not json", "CLICKREF_E_JSON"),
    (b"{\"id\": \"evt_1\", \"object\": \"customer\"}", "CLICKREF_E_NOT_AN_EVENT"),
    (b"[" * 10000 + b"]" * 10000, "CLICKREF_E_JSON_TOO_DEEP"),
    (b"[" * 100000, "CLICKREF_E_JSON"),  # never closed: truncated
    (se.body(se.paid_purchase("deep", "a")[0]).replace(b'"pending_webhooks":1',
                                                          b'"pending_webhooks":' + b"[" * 64 + b"]" * 64),
     "CLICKREF_E_JSON_TOO_DEEP"),
    (b'{"id":"evt_1","object":"event","type":"charge.succeeded","created":1,"livemode":false,'
     b'"data":{"object":{"id":"ch_1","object":"charge","amount":"12","currency":"usd"}}}', "CLICKREF_E_BAD_FIELD"),
    (se.body(se.paid_purchase("utf8", "a")[0]).replace(b"Jenny", b"Je\xffnny"), "CLICKREF_E_JSON"),
], ids=["empty", "truncated", "not-json", "not-an-event", "too-deep", "deep-unclosed", "deep-inside-an-event",
        "amount-as-string", "invalid-utf8"])
def test_signed_bodies_that_are_not_events(server, payload, name):
    rejected(server.deliver(payload), name)
    assert server.conversions() == []


def test_control_characters_in_fields_are_data(server):
    session = se.event("checkout.session.completed", se.checkout_session("nul", "aff_nul"), "evt_nul")
    session["data"]["object"]["customer_details"]["email"] = "a\u0000b\n\"c\"@example.com"
    assert server.deliver(se.body(session)).status == 200
    # /conversions stays valid JSON and gives the bytes back.
    assert server.conversion("pi_nul")["customer_email"] == "a\u0000b\n\"c\"@example.com"


def test_body_over_one_mebibyte_is_413(server):
    pad = b" " * (1024 * 1024)
    r = server.deliver(se.body(se.paid_purchase("big", "a")[0]) + pad)
    assert r.status == 413
    assert r.json()["error"] == "payload_too_large"
    # Exactly the limit is read and judged on its signature like any body.
    payload = se.body(se.paid_purchase("limit", "aff_l")[0])
    payload += b" " * (1024 * 1024 - len(payload))
    assert len(payload) == 1024 * 1024
    assert server.deliver(payload).status == 200
    assert [c["dedupe_key"] for c in server.conversions()] == ["pi_limit"]



def test_rotation_accepts_either_secret(tmp_path):
    old, new = "whsec_old_0123456789", "whsec_new_9876543210"
    with Server(tmp_path, secrets=(old, new)) as s:
        first, second = se.paid_purchase("rot", "aff_rot")
        assert s.deliver(se.body(first), secret=old).status == 200
        assert s.deliver(se.body(second), secret=new).status == 200
        # During rotation Stripe signs with both and sends one v1 per secret.
        third = se.body(se.event("charge.refunded", se.charge("rot", refunded=100), "evt_rot_refund"))
        t = int(time.time())
        both = sign(third, old, t) + "," + sign(third, new, t).split(",")[1]
        assert s.deliver(third, header=both).status == 200
        rejected(s.deliver(se.body(se.paid_purchase("rot2", "a")[0]), secret="whsec_retired"),
                 "CLICKREF_E_SIG_MISMATCH")
        assert s.conversion("pi_rot")["events"] == 3


def test_fifty_concurrent_deliveries(server):
    # 10 purchases × (4 events + a repeat of one of them), shuffled together.
    deliveries = []
    for p in range(10):
        events = se.delayed_purchase(f"conc{p}", f"aff_conc{p}")
        deliveries += [se.body(ev) for ev in events] + [se.body(events[p % 4])]
    assert len(deliveries) == 50
    deliveries = deliveries[1::2] + deliveries[0::2]
    start = threading.Barrier(50)

    def deliver(payload):
        start.wait()
        return server.deliver(payload)

    with ThreadPoolExecutor(max_workers=50) as pool:
        replies = list(pool.map(deliver, deliveries))
    assert [r.status for r in replies] == [200] * 50
    outcomes = sorted(r.json()["outcome"] for r in replies)
    assert outcomes == ["duplicate"] * 10 + ["recorded"] * 40
    rows = {row["dedupe_key"]: row for row in server.conversions()}
    assert rows == {f"pi_conc{p}": expected_delayed_row(f"conc{p}") for p in range(10)}


def test_restart_with_the_same_database_keeps_everything(tmp_path):
    db = tmp_path / "keep.db"
    events = se.delayed_purchase("keep", "aff_keep")
    with Server(tmp_path, db=db) as s:
        for ev in events[:2]:
            assert s.deliver(se.body(ev)).status == 200
        before = s.conversions()
    with Server(tmp_path, db=db) as s:
        assert s.conversions() == before
        assert s.deliver(se.body(events[0])).json()["outcome"] == "duplicate"
        for ev in events[2:]:
            assert s.deliver(se.body(ev)).json()["outcome"] == "recorded"
        assert s.conversion("pi_keep") == expected_delayed_row("keep")


def test_dashboard_lists_conversions(server):
    for ev in se.paid_purchase("dash", "aff_dash"):
        server.deliver(se.body(ev))
    r = server.get("/dashboard")
    assert r.status == 200
    assert r.headers.get_content_type() == "text/html"
    row = re.search(r'<tr class="conversion">.*?</tr>', r.text).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells == ["", "2024-11-26 13:20:00 UTC", "aff_dash", "pi_dash", "49.99 USD", "approved", "—"]



def test_dashboard_totals_filters_and_csv(server):
    for tag, click, amount, currency in [("t1", "aff_a", 1000, "usd"), ("t2", "aff_a", 2500, "usd"),
                                         ("t3", "aff_b", 700, "eur")]:
        for ev in se.paid_purchase(tag, click, amount, currency):
            assert server.deliver(se.body(ev)).status == 200
    html = server.get("/dashboard").text
    assert "3 conversions match." in html
    assert sorted(totals_rows(html, "Totals per currency")) == [
        ["EUR", "1", "7.00 EUR", "7.00 EUR", "0.00 EUR"], ["USD", "2", "35.00 USD", "35.00 USD", "0.00 USD"]]
    assert sorted(totals_rows(html, "Per click id")) == [
        ["aff_a", "USD", "2", "35.00 USD", "35.00 USD", "0.00 USD"],
        ["aff_b", "EUR", "1", "7.00 EUR", "7.00 EUR", "0.00 EUR"]]
    # Filters: by status and by day (the events are from 2024-11-26).
    def matching(query):
        return server.get("/conversions?" + query).json()["count"]

    assert matching("status=approved") == 3
    assert matching("status=pending") == 0
    assert matching("from=2024-11-27") == 0
    assert matching("from=2024-11-26&until=2024-11-27") == 3
    # CSV: a header line and one line per conversion, the same keys as the JSON.
    r = server.get("/conversions?format=csv")
    assert r.headers.get_content_type() == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert sorted(row["dedupe_key"] for row in rows) == ["pi_t1", "pi_t2", "pi_t3"]
    assert {row["click_id"] for row in rows} == {"aff_a", "aff_b"}


def test_dashboard_pages_link_to_each_other_and_keep_the_filter(server):
    # Five approved sales and one pending, two rows a page, filtered to the
    # approved: following "Next" from the first page visits every approved
    # sale once, and "Previous" leads back.
    for n in range(5):
        assert server.deliver(se.body(se.paid_purchase(f"page{n}", "aff_page")[0])).status == 200
    pending = se.event("checkout.session.completed", se.checkout_session("pagep", "aff_p", "unpaid"), "evt_pagep")
    assert server.deliver(se.body(pending)).status == 200

    def page(path):
        html = server.get(path.replace("&amp;", "&")).text
        keys = [re.findall(r"<td[^>]*>(.*?)</td>", row)[3]
                for row in re.findall(r'<tr class="conversion">.*?</tr>', html, re.S)]
        links = dict((name, href) for href, name in re.findall(r'<a id="[a-z]+" href="([^"]*)">(Previous|Next)</a>', html))
        return keys, links, re.search(r'<p id="pages">(Rows [^<]*?)(?: <a|</p>)', html).group(1)

    path, seen, summaries = "/dashboard?status=approved&limit=2", [], []
    while True:
        keys, links, summary = page(path)
        seen += keys
        summaries.append(summary)
        if "Next" not in links:
            break
        assert "status=approved" in links["Next"] and "limit=2" in links["Next"]
        path = links["Next"]
    assert sorted(seen) == sorted(f"pi_page{n}" for n in range(5))
    assert summaries == ["Rows 1–2 of 5.", "Rows 3–4 of 5.", "Rows 5–5 of 5."]
    assert "Previous" not in page("/dashboard?status=approved&limit=2")[1]
    back = page(page(path)[1]["Previous"])
    assert back[2] == "Rows 3–4 of 5."
    # The CSV link exports the filter from its start, not the page's offset.
    html = server.get("/dashboard?status=approved&limit=2&offset=4").text
    assert re.search(r'<a id="csv" href="([^"]*)"', html).group(1) == "/conversions.csv?status=approved&amp;limit=2"


@pytest.mark.parametrize("env, good, bad", [
    ({"CLICKREF_DASHBOARD_TOKEN": "tok-1"}, "Bearer tok-1", "Bearer tok-2"),
    ({"CLICKREF_DASHBOARD_USER": "ops", "CLICKREF_DASHBOARD_PASSWORD": "pw"},
     "Basic " + base64.b64encode(b"ops:pw").decode(), "Basic " + base64.b64encode(b"ops:px").decode()),
], ids=["bearer", "basic"])
def test_the_dashboard_and_listing_need_the_configured_credentials(tmp_path, env, good, bad):
    with Server(tmp_path, env=env) as s:
        assert s.deliver(se.body(se.paid_purchase("auth", "aff_auth")[0])).status == 200  # the webhook needs none
        for path in ["/dashboard", "/conversions", "/conversions?format=csv"]:
            for header in [None, bad, "Bearer", good.split(" ")[0] + " "]:
                r = s.get(path, headers={"Authorization": header} if header else None)
                assert r.status == 401, (path, header)
                assert r.json()["error"] == "unauthorized" and "aff_auth" not in r.text
                assert r.headers["WWW-Authenticate"].startswith(good.split(" ")[0])
            assert s.get(path, headers={"Authorization": good}).status == 200
        assert s.get("/healthz").status == 200

def test_conversions_limit(server):
    for n in range(3):
        server.deliver(se.body(se.event("checkout.session.completed", se.checkout_session(f"l{n}", "a"),
                                        f"evt_l{n}", se.CREATED + n)))
    r = server.get("/conversions?limit=2")
    assert r.json()["count"] == 2
    assert [c["dedupe_key"] for c in r.json()["conversions"]] == ["pi_l2", "pi_l1"]  # most recent first


# ---------------------------------------------------------------- logs and lifecycle


def test_one_structured_log_line_per_request(server):
    session, _ = se.paid_purchase("log", "aff_log")
    server.deliver(se.body(session))
    server.deliver(se.body(session), secret="whsec_wrong")
    server.get("/pricing?click_id=aff_log")
    # Each worker thread writes its line after answering, so lines from
    # back-to-back requests may come out of order.
    lines = {(line["method"], line["path"], line["status"]): line for line in server.request_lines(3)}
    assert sorted(lines) == [("GET", "/pricing", 200), ("POST", "/stripe/postback", 200),
                             ("POST", "/stripe/postback", 400)]
    recorded, rejected_line, page = (lines[("POST", "/stripe/postback", 200)], lines[("POST", "/stripe/postback", 400)],
                                     lines[("GET", "/pricing", 200)])
    assert (recorded["event_id"], recorded["outcome"], recorded["detail"]) == ("evt_log_session", "recorded", "approved")
    assert (rejected_line["outcome"], rejected_line["detail"], rejected_line["level"]) == (
        "rejected", "CLICKREF_E_SIG_MISMATCH", "warn")
    assert (page["click_id"], page["click_id_from"]) == ("aff_log", "query")
    for line in lines.values():
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
        assert line["peer"] == "127.0.0.1" and line["ms"] >= 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_graceful_shutdown(tmp_path, sig):
    s = Server(tmp_path).start()
    assert s.get("/healthz").status == 200
    s.stop(sig)
    messages = [line["msg"] for line in s.log_lines()]
    assert messages.count("shutting down") == 1 and messages[-1] == "stopped"
    assert messages.count("request") == 1  # the request was answered and logged before the stop


def run_server(args, env):
    return subprocess.run([SERVER, *args], env=env, capture_output=True, text=True, timeout=20)


def test_configuration_errors():
    env = {"PATH": "/usr/bin:/bin"}
    r = run_server(["--listen", "127.0.0.1:0"], env)
    assert r.returncode == 2 and "STRIPE_WEBHOOK_SECRET is not set" in r.stderr
    env["STRIPE_WEBHOOK_SECRET"] = SECRET
    for args, message in [(["--bogus"], "unknown option --bogus"),
                          (["--listen", "nohost"], "--listen expects HOST:PORT"),
                          (["--listen", "127.0.0.1:70000"], "--listen expects an integer"),
                          (["--workers", "0"], "--workers expects an integer"),
                          (["--db-connections", "0"], "--db-connections expects an integer"),
                          (["--db-connections", "257"], "--db-connections expects an integer"),
                          (["--db"], "--db needs a value"),
                          (["--db", "a", "--db", "b"], "--db given twice"),
                          (["--postback-base", "ftp://x"], "--postback-base expects an http(s) URL"),
                          (["--postback-param", "novalue"], "--postback-param expects KEY=VALUE"),
                          (["--promotion-click", "promo_1"], "--promotion-click expects CODE=CLICK_ID"),
                          (["--promotion-click", "promo_1=not valid"], "--promotion-click expects CODE=CLICK_ID with"),
                          *((["--renewals", bad], "--renewals must be first, lifetime or months:N")
                            for bad in ("forever", "months:0", "months:1201", "months:", "months:+3", "months:2x"))]:
        r = run_server(args, env)
        assert r.returncode == 2, args
        assert message in r.stderr, (args, r.stderr)
    r = run_server(["--help"], env)
    assert r.returncode == 0 and "STRIPE_WEBHOOK_SECRET" in r.stdout and "--postback-base" in r.stdout


def test_configuration_from_the_environment(tmp_path):
    with Server(tmp_path, env={"CLICKREF_PAYMENT_HOSTS": "pay.acme.test, shop.acme.test",
                               "CLICKREF_DB_CONNECTIONS": "3"}) as s:
        assert [line["db_connections"] for line in s.log_lines() if line["msg"] == "listening"] == [3]
        links = [href for _, href in hrefs_by_text(s.get("/pricing?click_id=aff_env").text)]
        assert CUSTOM + "?client_reference_id=aff_env" in links
        assert "https://shop.acme.test/b/test_5kA8wV0Ps3Ke4ck000?client_reference_id=aff_env" in links


def test_database_that_cannot_be_opened(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "STRIPE_WEBHOOK_SECRET": SECRET}
    r = run_server(["--listen", "127.0.0.1:0", "--db", str(tmp_path / "missing-dir" / "x.db")], env)
    assert r.returncode == 1
    assert json.loads(r.stderr.splitlines()[-1])["msg"] == "cannot open the database"


@pytest.mark.skipif(BACKEND != "sqlite", reason="holds SQLite's file lock; test_postgresql.py stops the cluster instead")
def test_a_database_held_by_another_process_is_503_and_recovers_by_itself(tmp_path):
    # Another process takes SQLite's write lock and keeps it past the
    # server's busy timeout (5 s): the deliveries waiting for it are refused
    # with 503, which Stripe retries, and none of them is half-recorded.
    # Once the lock is gone the same deliveries are recorded, without a restart.
    db = tmp_path / "held.db"
    events = [se.body(ev) for ev in se.delayed_purchase("held", "aff_held")]
    with Server(tmp_path, db=db) as s:
        assert s.deliver(events[0]).status == 200
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with ThreadPoolExecutor(max_workers=3) as pool:
                replies = list(pool.map(s.deliver, events[1:]))
            assert [r.status for r in replies] == [503] * 3
            assert {r.json()["error"] for r in replies} == {"storage"}
            # Readers are not blocked by a writer (WAL): the dashboard still answers.
            assert s.conversion("pi_held")["events"] == 1
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert [s.deliver(body).json()["outcome"] for body in events[1:]] == ["recorded"] * 3
        assert s.conversion("pi_held") == expected_delayed_row("held")
        failed = [line for line in s.log_lines() if line.get("status") == 503]
        assert len(failed) == 3 and all(line["outcome"] == "failed" for line in failed)


@contextlib.contextmanager
def tmpfs(path, size, *options):
    """A tmpfs of `size` (as mount writes it: "2m") mounted on the directory
    `path` and unmounted afterwards, or a skip where mounting is not permitted."""
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(["size=" + size, *options]), "tmpfs", str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + mounted.stdout.decode(errors="replace").strip())
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MiB tmpfs of its own."""
    disk = tmp_path / "disk"
    disk.mkdir()
    with tmpfs(disk, "2m") as mounted:
        yield mounted


def check_a_full_disk_is_503_and_recovers(s, disk):
    """Fills `disk`, which holds the tables of the server `s`, under
    deliveries: each is either durable and answered 200, or refused with 503
    and absent; none is half-written. Once space returns, the refused ones
    are recorded, without a restart."""
    assert s.deliver(se.body(se.paid_purchase("fill0", "aff_fill")[0])).status == 200
    filler = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(filler, b"\0" * 4096):
            pass
    except OSError as e:
        assert e.errno == errno.ENOSPC
    finally:
        os.close(filler)
    # The database may still have free room in pages it already holds, so the
    # disk shows as full only after some more deliveries.
    answered, refused = ["pi_fill0"], []
    for n in range(1, 400):
        r = s.deliver(se.body(se.paid_purchase(f"fill{n}", "aff_fill")[0]))
        assert r.status in (200, 503), r.body
        if r.status == 503:
            assert r.json()["error"] == "storage"
            refused.append(n)
            if len(refused) == 3:
                break
        else:
            answered.append(f"pi_fill{n}")
    assert len(refused) == 3, "the disk never filled"
    assert sorted(row["dedupe_key"] for row in s.conversions()) == sorted(answered)
    os.remove(disk / "filler")
    for n in refused:
        assert s.deliver(se.body(se.paid_purchase(f"fill{n}", "aff_fill")[0])).json()["outcome"] == "recorded"
    assert sorted(row["dedupe_key"] for row in s.conversions()) == sorted(answered + [f"pi_fill{n}" for n in refused])
    assert all(row["events"] == 1 for row in s.conversions())


@pytest.mark.skipif(BACKEND != "sqlite", reason="fills the SQLite file's disk; test_postgresql.py fills a tablespace's")
def test_a_full_disk_is_503_and_recovers_when_space_returns(tmp_path, small_disk):
    with Server(tmp_path, db=small_disk / "full.db") as s:
        check_a_full_disk_is_503_and_recovers(s, small_disk)


# ---------------------------------------------------------------- postbacks


def test_postback_is_retried_after_a_failure_and_sent_once(tmp_path):
    stub = Stub(failures=1)
    db = tmp_path / "pb.db"
    try:
        with Server(tmp_path, *postback_args(stub.base()), db=db) as s:
            session, charge = se.paid_purchase("pb", "aff_pb")
            s.deliver(se.body(session))
            wait_until(lambda: len(stub.requests) >= 2, what="the retry")
            expected = "/postback?click_id=aff_pb&order_id=pi_pb&amount=49.99&currency=USD&campaign_id=7&goal=sale"
            assert stub.requests == [expected, expected]
            row = wait_until(lambda: s.conversion("pi_pb")["postback"]["state"] == "delivered" and s.conversion("pi_pb"))
            assert (row["postback"]["attempts"], row["postback"]["last_error"]) == (2, None)
            assert abs(row["postback"]["delivered_at"] - time.time()) < 60
            # The charge of the same purchase does not send a second postback.
            s.deliver(se.body(charge))
            s.deliver(se.body(session))
            time.sleep(0.6)
            assert len(stub.requests) == 2
            attempts = [line for line in s.log_lines() if line["msg"] == "postback"]
            assert [(a["attempt"], a["outcome"]) for a in attempts] == [(1, "will retry"), (2, "delivered")]
            assert attempts[0]["error"] == "HTTP 500"
        # A restart does not send it again.
        with Server(tmp_path, *postback_args(stub.base()), db=db):
            time.sleep(0.6)
        assert len(stub.requests) == 2
    finally:
        stub.close()


def test_only_approved_attributed_sales_are_forwarded(tmp_path):
    stub = Stub()
    try:
        with Server(tmp_path, *postback_args(stub.base())) as s:
            pending = se.event("checkout.session.completed", se.checkout_session("pend", "aff_p", "unpaid"), "evt_pend")
            unattributed = se.event("charge.succeeded", se.charge("anon"), "evt_anon")
            invalid = se.event("charge.succeeded", se.charge("inv", metadata={"click_id": "not valid"}), "evt_inv")
            for ev in (pending, unattributed, invalid):
                assert s.deliver(se.body(ev)).status == 200
            time.sleep(0.6)
            assert stub.requests == []
            # The click id can arrive after the approval: the sale is forwarded then.
            late = se.event("checkout.session.completed", se.checkout_session("anon", "aff_late"), "evt_anon_session")
            s.deliver(se.body(late))
            wait_until(lambda: stub.requests, what="the postback")
            assert stub.requests == ["/postback?click_id=aff_late&order_id=pi_anon&amount=49.99&currency=USD"
                                     "&campaign_id=7&goal=sale"]
    finally:
        stub.close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_postback_queued_before_a_restart_is_delivered_after_it(tmp_path):
    port = free_port()  # nothing listens there yet: every attempt is refused
    base = f"http://127.0.0.1:{port}/postback"
    db = tmp_path / "queue.db"
    with Server(tmp_path, *postback_args(base), db=db) as s:
        s.deliver(se.body(se.paid_purchase("queued", "aff_q")[0]))
        wait_until(lambda: s.conversion("pi_queued")["postback"]["attempts"] >= 1, what="a failed attempt")
        row = s.conversion("pi_queued")
        assert row["postback"]["state"] == "pending"
        assert row["postback"]["last_error"].startswith("request failed")
    stub = Stub(port=port)
    try:
        with Server(tmp_path, *postback_args(base), db=db) as s:
            wait_until(lambda: stub.requests, what="the postback after the restart")
            wait_until(lambda: s.conversion("pi_queued")["postback"]["state"] == "delivered", what="delivered")
        assert len(stub.requests) == 1
    finally:
        stub.close()


def test_a_postback_is_given_up_after_max_attempts(tmp_path):
    stub = Stub(failures=100)
    try:
        with Server(tmp_path, *postback_args(stub.base()), "--postback-max-attempts", "3") as s:
            s.deliver(se.body(se.paid_purchase("give", "aff_g")[0]))
            wait_until(lambda: s.conversion("pi_give")["postback"]["state"] == "failed", what="giving up")
            assert s.conversion("pi_give")["postback"]["attempts"] == 3
            time.sleep(0.5)
            assert len(stub.requests) == 3
    finally:
        stub.close()
