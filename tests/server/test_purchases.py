"""How the reference server credits purchases beyond one-time sales: the
renewal policy, renewals credited once their subscription's click is known,
purchases joined by a later event (their postback moves with them),
zero-amount invoices, and rows recorded by an older schema.

The events are the Stripe-shaped fixtures in tests/data/stripe_versions
(their README says where each shape comes from), posted byte for byte.
tests/scenarios/server_scenarios.py checks every scenario's rows in many
orders; these tests check what it does not: settings other than the
default, postbacks, and migration.
"""

import json
import sqlite3
import time
from pathlib import Path

import pytest

import stripe_events as se
from harness import BACKEND, Server, Stub, postback_args, totals_rows, wait_until

VERSIONS = Path(__file__).resolve().parent.parent / "data" / "stripe_versions"
BASIL = VERSIONS / "basil_2025_06_30"


def scenario_files(name, family=BASIL):
    return sorted(p for p in (family / name).glob("[0-9]*.json"))


def without_metadata_clicks(value, in_metadata=False):
    """`value` with every metadata click id removed: a subscription bought
    through a Payment Link, whose invoices carry no click id (only the
    Checkout Session's client_reference_id has it)."""
    if isinstance(value, dict):
        return {k: without_metadata_clicks(v, k == "metadata") for k, v in value.items()
                if not (in_metadata and k == "click_id")}
    if isinstance(value, list):
        return [without_metadata_clicks(v) for v in value]
    return value


def deliver_files(server, files, metadata_clicks=True):
    for path in files:
        payload = path.read_bytes()
        if not metadata_clicks:
            payload = se.body(without_metadata_clicks(json.loads(payload)))
        r = server.deliver(payload)
        assert r.status == 200, (path.name, r.body)


def expected(name, family=BASIL):
    return json.loads((family / name / "expected.json").read_text())


def by_key(server):
    return {row["dedupe_key"]: row for row in server.conversions()}


# three_renewals: a first invoice paid 2025-11-20 06:27:42Z and renewals
# paid about 30 days apart (2025-12-20 07:28, 2026-01-19 07:28,
# 2026-02-18 07:28), so "months:1" ends an hour before the first renewal.
# The policy decides whether the renewal's invoices carry the click id in
# their subscription's metadata (as the fixtures do) or not.
@pytest.mark.parametrize("policy, credited", [
    (None, 3),  # the default: lifetime
    ("lifetime", 3),
    ("months:2", 2),
    ("months:1", 0),
    ("first", 0),
])
@pytest.mark.parametrize("metadata_clicks, source", [(True, "metadata"), (False, "subscription")])
def test_the_renewal_policy_decides_which_renewals_are_credited(tmp_path, policy, credited, metadata_clicks,
                                                                 source):
    args = ["--renewals", policy] if policy else []
    want = expected("three_renewals")
    click = want["click_id"]
    first, *renewals = [p["purchase"] for p in want["purchases"]]
    with Server(tmp_path, *args) as s:
        deliver_files(s, scenario_files("three_renewals"), metadata_clicks)
        rows = by_key(s)
        assert (rows[first]["click_id"], rows[first]["click_id_source"]) == (click, "client_reference_id")
        got = [(rows[r]["click_id"], rows[r]["click_id_source"], rows[r]["recurrence"]) for r in renewals]
        assert got == [(click, source, "renewal")] * credited + [(None, None, "renewal")] * (3 - credited)


def test_a_renewal_recorded_before_its_subscription_click_is_credited_and_forwarded_later(tmp_path):
    """Stripe does not promise order: the renewal's events arrive first, with
    no click id; once the first purchase names the click, the renewal is
    credited and forwarded too."""
    want = expected("three_renewals")
    first, renewal = want["purchases"][0]["purchase"], want["purchases"][1]["purchase"]
    files = scenario_files("three_renewals")
    stub = Stub()
    try:
        with Server(tmp_path, *postback_args(stub.base())) as s:
            deliver_files(s, files[5:9], metadata_clicks=False)  # the first renewal's four events
            assert by_key(s)[renewal]["click_id"] is None
            time.sleep(0.5)
            assert stub.requests == []
            deliver_files(s, files[:5], metadata_clicks=False)  # the first purchase, with its session
            wait_until(lambda: len(stub.requests) == 2, what="both postbacks")
            orders = sorted(r.split("order_id=")[1].split("&")[0] for r in stub.requests)
            assert orders == sorted([first, renewal])
            row = by_key(s)[renewal]
            assert (row["click_id"], row["click_id_source"]) == (want["click_id"], "subscription")
    finally:
        stub.close()


def test_a_purchase_joined_by_a_later_event_keeps_its_one_postback(tmp_path):
    """subscription_first on 2025-06-30.basil, with the charge carrying a
    click id in its metadata: the charge alone is a sale keyed by its payment
    intent and is forwarded; invoice_payment.paid then shows it is the
    invoice's payment. The row becomes the invoice's, and its postback moves
    with it rather than a second one being sent."""
    files = scenario_files("subscription_first")
    charge = json.loads(files[0].read_bytes())
    assert charge["type"] == "charge.succeeded"
    charge["data"]["object"]["metadata"] = {"click_id": "aff_meta"}
    pi = charge["data"]["object"]["payment_intent"]
    invoice = expected("subscription_first")["purchases"][0]["purchase"]
    stub = Stub()
    try:
        with Server(tmp_path, *postback_args(stub.base())) as s:
            assert s.deliver(se.body(charge)).status == 200
            wait_until(lambda: by_key(s)[pi]["postback"] and by_key(s)[pi]["postback"]["state"] == "delivered",
                       what="the charge's postback")
            deliver_files(s, files[1:])
            rows = by_key(s)
            assert list(rows) == [invoice]
            row = rows[invoice]
            # The session's client_reference_id is the better click id; the
            # postback already sent named the metadata one.
            assert (row["click_id"], row["events"], row["sale"]) == (expected("subscription_first")["click_id"], 5,
                                                                     True)
            assert row["postback"]["state"] == "delivered"
            time.sleep(0.5)
            assert len(stub.requests) == 1 and f"order_id={pi}" in stub.requests[0]
    finally:
        stub.close()


def test_a_free_trial_is_recorded_but_never_forwarded(tmp_path):
    want = expected("trial_then_first")
    stub = Stub()
    try:
        with Server(tmp_path, *postback_args(stub.base())) as s:
            deliver_files(s, scenario_files("trial_then_first"))
            rows = by_key(s)
            trial = [p for p in want["purchases"] if p["gross"] == 0]
            paid = [p for p in want["purchases"] if p["gross"] > 0]
            assert trial and paid
            for p in trial:
                assert (rows[p["purchase"]]["amount"], rows[p["purchase"]]["status"]) == (0, "approved")
                assert rows[p["purchase"]]["click_id"] == want["click_id"]
            wait_until(lambda: len(stub.requests) == len(paid), what="the paid invoice's postback")
            time.sleep(0.5)
            assert [r.split("order_id=")[1].split("&")[0] for r in stub.requests] == [p["purchase"] for p in paid]
    finally:
        stub.close()


def test_a_renewal_policy_per_tenant(tmp_path):
    secret_a, secret_b = "whsec_tenant_first", "whsec_tenant_lifetime"
    tenants = tmp_path / "tenants.toml"
    tenants.write_text(f'[tenants.a]\nsecrets = ["{secret_a}"]\nrenewals = "first"\n'
                       f'[tenants.b]\nsecrets = ["{secret_b}"]\n')
    renewals = [p["purchase"] for p in expected("three_renewals")["purchases"][1:]]
    with Server(tmp_path, "--tenants", str(tenants), secrets=()) as s:
        for tenant, secret in (("a", secret_a), ("b", secret_b)):
            for path in scenario_files("three_renewals"):
                payload = se.body(without_metadata_clicks(json.loads(path.read_bytes())))
                assert s.deliver(payload, secret=secret, path=f"/stripe/postback/{tenant}").status == 200
        credited = {}
        for row in s.conversions():
            if row["dedupe_key"] in renewals:
                credited[row["tenant"]] = credited.get(row["tenant"], 0) + (row["click_id"] is not None)
        assert credited == {"a": 0, "b": 3}


def test_a_bad_renewal_policy_in_the_tenants_file_is_refused(tmp_path):
    tenants = tmp_path / "tenants.toml"
    tenants.write_text('[tenants.a]\nsecrets = ["whsec_x"]\nrenewals = "forever"\n')
    s = Server(tmp_path, "--tenants", str(tenants), secrets=())
    with pytest.raises(AssertionError, match="exited with 2"):
        s.start()
    assert "renewals must be" in s.log_path.read_text()


@pytest.mark.parametrize("family, rows", [("pre_basil_2024_06_20", 1), ("basil_2025_03_31", 2),
                                          ("basil_2025_06_30", 1), ("clover_2025_09_30", 1)])
def test_a_subscription_bought_through_a_payment_link_is_one_attributed_sale_in_the_dashboard(
        tmp_path, family, rows):
    """The issue's case: on every API version, the subscription's first
    payment is one attributed sale. On 2025-03-31.basil to 2025-05-27.basil
    its charge names no invoice, and nothing links them: the charge is
    listed apart as an unlinked payment and adds nothing to the totals."""
    want = expected("subscription_first", VERSIONS / family)
    (purchase,) = want["purchases"]
    gross = f"{purchase['gross'] / 100:.2f} {purchase['currency']}"
    with Server(tmp_path) as s:
        deliver_files(s, scenario_files("subscription_first", VERSIONS / family))
        listed = s.conversions()
        assert len(listed) == rows
        assert [(r["dedupe_key"], r["click_id"]) for r in listed if r["sale"]] == [(purchase["purchase"],
                                                                                  want["click_id"])]
        assert all(r["click_id"] is None for r in listed if not r["sale"])
        html = s.get("/dashboard").text
        assert totals_rows(html, "Totals per currency") == [[purchase["currency"], str(rows), gross, gross,
                                                             f"0.00 {purchase['currency']}"]]
        assert totals_rows(html, "Per click id") == [[want["click_id"], purchase["currency"], "1", gross, gross,
                                                      f"0.00 {purchase['currency']}"]]
        assert ("(unlinked payment)" in html) == (rows == 2)


# The SQLite schema as version 2 (before purchase links) left it: a row of
# two events, keyed by its payment intent.
VERSION_2 = """
CREATE TABLE events (tenant TEXT NOT NULL DEFAULT '', event_id TEXT NOT NULL, event_type TEXT NOT NULL,
  dedupe_key TEXT NOT NULL, received_at INTEGER NOT NULL, PRIMARY KEY (tenant, event_id)) WITHOUT ROWID;
CREATE TABLE conversions (tenant TEXT NOT NULL DEFAULT '', dedupe_key TEXT NOT NULL, status TEXT NOT NULL,
  click_id TEXT, click_id_valid INTEGER NOT NULL, click_id_source TEXT, order_id TEXT, amount INTEGER,
  currency TEXT, reversed_amount INTEGER NOT NULL, customer_email TEXT, payment_link TEXT,
  livemode INTEGER NOT NULL, first_event_at INTEGER NOT NULL, last_event_at INTEGER NOT NULL,
  events INTEGER NOT NULL, PRIMARY KEY (tenant, dedupe_key)) WITHOUT ROWID;
CREATE TABLE postbacks (tenant TEXT NOT NULL DEFAULT '', dedupe_key TEXT NOT NULL, url TEXT NOT NULL,
  state TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_ms INTEGER NOT NULL, last_error TEXT,
  delivered_at INTEGER, PRIMARY KEY (tenant, dedupe_key)) WITHOUT ROWID;
INSERT INTO events VALUES ('', 'evt_old_session', 'checkout.session.completed', 'pi_old', 1700000000),
                          ('', 'evt_old_charge', 'charge.succeeded', 'pi_old', 1700000005);
INSERT INTO conversions VALUES ('', 'pi_old', 'approved', 'aff_old', 1, 'client_reference_id', 'pi_old', 4999,
  'USD', 0, 'buyer-old@example.com', 'plink_1AcmeStarter', 0, 1732627200, 1732627205, 2);
PRAGMA user_version = 2;
"""


def check_a_legacy_purchase_folds_new_events(server, postback_state=None):
    """The purchase pi_old, recorded by an older schema as two events, keeps
    its row; a redelivered old event is a duplicate; a new partial refund is
    folded into the row. `postback_state`: the old postback's, when it had one."""
    postback = (lambda row: row["postback"]["state"]) if postback_state else (lambda row: None)
    row = server.conversion("pi_old")
    assert (row["status"], row["amount"], row["click_id"], row["events"], row["sale"], postback(row)) == (
        "approved", 4999, "aff_old", 2, True, postback_state)
    old_charge = se.event("charge.succeeded", se.charge("old"), "evt_old_charge", se.CREATED + 5)
    assert server.deliver(se.body(old_charge)).json()["outcome"] == "duplicate"
    refund = se.event("charge.refunded", se.charge("old", refunded=1500), "evt_old_refund", se.CREATED + 600)
    assert server.deliver(se.body(refund)).json()["outcome"] == "recorded"
    row = server.conversion("pi_old")
    assert (row["status"], row["amount"], row["reversed_amount"], row["click_id"], row["events"],
            row["last_event_at"], postback(row)) == (
        "approved", 4999, 1500, "aff_old", 3, se.CREATED + 600, postback_state)


@pytest.mark.skipif(BACKEND != "sqlite", reason="a SQLite file of schema version 2")
def test_a_version_2_database_keeps_its_rows_and_folds_new_events_into_them(tmp_path):
    db = tmp_path / "v2.db"
    with sqlite3.connect(db) as c:
        c.executescript(VERSION_2)
    with Server(tmp_path, db=db) as s:
        check_a_legacy_purchase_folds_new_events(s)
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA user_version").fetchone() == (3,)
