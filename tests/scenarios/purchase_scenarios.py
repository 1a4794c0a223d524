#!/usr/bin/env python3
"""Every purchase of every scenario, on every API version, in every order.

For each tests/data/stripe_versions/<family>/<scenario>/, this converts every
event with `clickref convert`, then folds the conversions into purchases the
way a host links them, using only what the conversions carry:

  - Conversions are linked when they share an id of the same purchase:
    order_id, payment_intent, invoice or charge, within one connected
    account. Customer and subscription are not purchase ids: a
    subscription's invoices are separate purchases.
  - A linked group is a sale when it holds a session, invoice or
    invoice-payment event, or a click id; a group of charge events alone
    (a basil subscription's charge before invoice_payment.paid existed)
    is an unlinked payment, never credited.
  - A renewal with no click id of its own takes the click of another
    purchase of the same subscription.
  - Payment events give the status and amount; refunds add up by refund id
    and never beyond the charge's own cumulative total; the latest dispute
    event decides a chargeback.

The result must equal the scenario's expected.json, written from Stripe's
behaviour, not from clickref, for every permutation of the events (a seeded
sample of 1,000 where there are more). Facts that expected.json lists in
not_in_payloads are ones no payload of that version carries; they are
skipped. Usage: purchase_scenarios.py CLI DATA_DIR
"""

import itertools
import json
import math
import pathlib
import random
import subprocess
import sys

PURCHASE_EVENT_TYPES = ("checkout.session.", "invoice.", "invoice_payment.")
MAX_ORDERS = 1000


def convert(cli, path):
    """The conversion of one event file, or None when clickref has none."""
    run = subprocess.run([cli, "convert", str(path)], capture_output=True, text=True)
    if run.returncode == 0:
        return json.loads(run.stdout)
    if "CLICKREF_E_UNSUPPORTED_EVENT" in run.stderr:
        return None
    raise AssertionError(f"{path}: clickref convert failed: {run.stderr.strip()}")


class Groups:
    """Union-find over (account, id)."""

    def __init__(self):
        self.parent = {}

    def find(self, key):
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, keys):
        roots = [self.find(k) for k in keys]
        for r in roots[1:]:
            self.parent[r] = roots[0]


def fold(conversions):
    """Purchases (sales) and unlinked payments from conversions in delivery order."""
    groups = Groups()
    for c in conversions:
        ids = [c[k] for k in ("order_id", "payment_intent", "invoice", "charge") if c[k]]
        groups.union([(c["account"], i) for i in ids])
    members = {}
    for c in conversions:
        members.setdefault(groups.find((c["account"], c["order_id"])), []).append(c)

    purchases, unlinked = [], []
    for events in members.values():
        p = purchase_of(events)
        is_sale = p["click_id"] or any(e["event_type"].startswith(PURCHASE_EVENT_TYPES) for e in events)
        (purchases if is_sale else unlinked).append(p)

    # Renewals are credited to the click that bought the subscription.
    click_of_subscription = {}
    for p in purchases:
        if p["subscription"] and p["click_id"]:
            click_of_subscription.setdefault((p["account"], p["subscription"]), p["click_id"])
    for p in purchases:
        if not p["click_id"] and p["subscription"]:
            p["click_id"] = click_of_subscription.get((p["account"], p["subscription"]))
    return purchases, unlinked


def purchase_of(events):
    first = lambda key: next((e[key] for e in events if e[key]), None)  # noqa: E731
    payments = [e for e in events if e["effect"] == "payment"]
    statuses = {e["status"] for e in payments}
    status = next((s for s in ("approved", "declined", "pending") if s in statuses), None)
    gross = max((e["amount"] for e in payments if e["status"] == status), default=0)
    # A refund's latest state (by created, then delivery order); a charge's
    # cumulative total bounds them from below.
    by_refund, charge_total = {}, 0
    for e in sorted((e for e in events if e["effect"] == "refund"), key=lambda e: e["created"]):
        if e["refund_id"]:
            by_refund[e["refund_id"]] = e["amount_refunded"]
        else:
            charge_total = max(charge_total, e["amount_refunded"])
    refunded = max(charge_total, sum(by_refund.values()))
    disputes = sorted((e for e in events if e["effect"] == "dispute"), key=lambda e: e["created"])
    lost = disputes[-1]["amount"] if disputes and disputes[-1]["status"] == "reversed" else 0
    if lost or (status == "approved" and gross > 0 and refunded >= gross):
        status = "reversed"
    recurrences = {e["recurrence"] for e in events} - {"unknown"}
    invoice = first("invoice")
    return {
        "purchase": invoice or first("payment_intent") or events[0]["order_id"],
        "account": first("account"),
        "kind": next((r for r in ("first", "renewal", "one_time") if r in recurrences), "unknown"),
        "gross": gross,
        "currency": events[0]["currency"],
        "refunded": refunded,
        "disputed_lost": lost,
        "final_status": status,
        "promotion_code": first("promotion_code"),
        "coupon": first("coupon"),
        "customer": first("customer"),
        "subscription": first("subscription"),
        "click_id": first("click_id"),
        "events": len(events),
    }


KIND = {"one_time": "one_time", "first": "first", "renewal": "renewal", "update": "renewal"}
COMPARED = ("account", "gross", "currency", "refunded", "final_status", "promotion_code", "coupon",
            "customer", "subscription", "click_id")


def not_carried(expected, i):
    """The fields of purchase i that expected.json says no payload carries."""
    fields = set()
    for note in expected.get("not_in_payloads", []):
        subject, _, _ = note.partition(":")
        if subject.startswith(f"purchases[{i}]."):
            fields.update(word.strip(".") for word in subject[len(f"purchases[{i}]."):].split())
    return fields


def check_keys(scenario_dir, conversions, expected, failures):
    """An event that names its purchase's id is keyed by it (the library's own rule)."""
    for want in expected["purchases"]:
        for c in conversions:
            named = {c["order_id"], c["object_id"], c["payment_intent"], c["invoice"]}
            if c["account"] == want["account"] and want["purchase"] in named:
                key = f"{want['account']}/{want['purchase']}" if want["account"] else want["purchase"]
                if (c["order_id"], c["dedupe_key"]) != (want["purchase"], key):
                    failures.append(f"{scenario_dir}: {c['event_type']} is keyed {c['dedupe_key']!r}, "
                                    f"not by its purchase {key!r}")


def check(scenario_dir, conversions, expected, failures):
    check_keys(scenario_dir, conversions, expected, failures)
    compared = [[f for f in ("kind",) + COMPARED if f not in not_carried(expected, i)]
                for i in range(len(expected["purchases"]))]
    for order in orders(conversions):
        purchases, unlinked = fold(order)
        got = {(p["account"], p["purchase"]): p for p in purchases}
        for i, want in enumerate(expected["purchases"]):
            p = got.pop((want["account"], want["purchase"]), None)
            if p is None:
                failures.append(f"{scenario_dir}: purchase {want['purchase']} missing")
                return
            for field in compared[i]:
                want_value = KIND[want[field]] if field == "kind" else want[field]
                if p[field] != want_value:
                    failures.append(f"{scenario_dir}: {want['purchase']}.{field} = {p[field]!r}, "
                                    f"expected {want_value!r} (order: "
                                    f"{[c['event_type'] for c in order]})")
                    return
        if got:
            failures.append(f"{scenario_dir}: purchases counted that are not sales: {sorted(got)}")
            return
        for u in unlinked:
            if u["click_id"]:
                failures.append(f"{scenario_dir}: an unlinked payment carries a click id: {u}")
                return


def orders(conversions):
    if math.factorial(len(conversions)) <= MAX_ORDERS:
        yield from (list(p) for p in itertools.permutations(conversions))
        return
    rng = random.Random(20261207)
    yield list(conversions)
    for _ in range(MAX_ORDERS - 1):
        order = list(conversions)
        rng.shuffle(order)
        yield order


def main():
    cli, data = sys.argv[1], pathlib.Path(sys.argv[2]) / "stripe_versions"
    failures, scenarios, events = [], 0, 0
    for scenario_dir in sorted(p.parent for p in data.glob("*/*/expected.json")):
        expected = json.loads((scenario_dir / "expected.json").read_text())
        files = sorted(f for f in scenario_dir.glob("[0-9]*.json"))
        conversions = [c for c in (convert(cli, f) for f in files) if c is not None]
        events += len(files)
        scenarios += 1
        check(scenario_dir.relative_to(data), conversions, expected, failures)
    for f in failures:
        print("FAIL", f)
    print(f"{scenarios} scenarios, {events} events, {len(failures)} failures")
    return 1 if failures or scenarios == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
