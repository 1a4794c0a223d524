#!/usr/bin/env python3
"""The reference server credits every purchase of every scenario correctly,
on every API version, whatever order the events arrive in.

purchase_scenarios.py proves that the library's conversions carry enough to
rebuild each purchase; this proves that clickref-server does rebuild them.
For each tests/data/stripe_versions/<family>/<scenario>/ it takes several
delivery orders of the scenario's event files (order#1 as numbered, order#2
reversed, then seeded shuffles; distinct orders only), and gives each
(scenario, order) a tenant of its own, s<index>, with a secret of its own,
all in one --tenants file of one server process. Every event file is posted,
byte for byte and signed as Stripe signs, to /stripe/postback/<tenant>, events
clickref does not convert included (the server ignores those); every reply
must be 200. Then the tenant's rows (GET /conversions?tenant=…) must be
exactly the scenario's expected.json:

  - each expected purchase is the row keyed by its id ("<account>/<id>" for
    Connect), a sale, with its kind (recurrence), gross (amount), currency,
    refunded plus lost to a dispute (reversed_amount, at most the gross),
    final status, promotion code, coupon, customer, subscription, account
    and click id; facts that expected.json lists in not_in_payloads are
    skipped, and kinds are compared as purchase_scenarios.KIND maps them;
  - any other row is a payment the server could not link to its purchase
    (sale: false), never credited: it carries no click id.

With CLICKREF_TEST_BACKEND=postgresql the server's database is in a
throwaway PostgreSQL cluster (tests/server/postgres_cluster.py) instead of a
SQLite file.

Usage: server_scenarios.py SERVER_BINARY DATA_DIR [--orders N]
DATA_DIR is tests/data; N orders per scenario (default 6; the shuffles are
seeded, so every run posts the same orders). Prints a FAIL line per problem
and a summary; exits 1 on any failure or when no scenario ran.
"""

import argparse
import contextlib
import itertools
import json
import math
import pathlib
import random
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "server"))
import harness  # noqa: E402
import postgres_cluster  # noqa: E402
from purchase_scenarios import KIND, not_carried  # noqa: E402

SEED = 20261207
DELIVERY_THREADS = 8  # orders delivered at once, each order's events one after another
ROW_LIMIT = 1000

# expected.json field → the /conversions field that must equal it.
ROW_FIELD = {
    "kind": "recurrence",
    "gross": "amount",
    "currency": "currency",
    "final_status": "status",
    "promotion_code": "promotion_code",
    "coupon": "coupon",
    "customer": "customer",
    "subscription": "subscription",
    "account": "account",
    "click_id": "click_id",
}
REVERSED_FROM = {"refunded", "disputed_lost"}  # summed into the row's reversed_amount


class Scenario:
    def __init__(self, directory, data):
        self.name = str(directory.relative_to(data))
        self.files = sorted(directory.glob("[0-9]*.json"))
        self.expected = json.loads((directory / "expected.json").read_text())


class Order:
    """One order of one scenario's events, delivered to a tenant of its own."""

    def __init__(self, index, scenario, number, files):
        self.scenario = scenario
        self.number = number  # 1-based: order#1 is the files' own order
        self.files = files
        self.tenant = f"s{index}"
        self.secret = f"whsec_server_scenarios_{index:04d}"

    def label(self):
        return f"{self.scenario.name} order#{self.number}"

    def event_text(self):
        return " ".join(f.stem for f in self.files)


def delivery_orders(files, count):
    """Up to `count` distinct orders of `files`: as numbered, reversed, then
    seeded shuffles."""
    wanted = min(count, math.factorial(len(files)))
    rng = random.Random(SEED)

    def shuffles():
        while True:
            order = list(files)
            rng.shuffle(order)
            yield order

    chosen = []
    for order in itertools.chain([list(files), files[::-1]], shuffles()):
        if len(chosen) == wanted:
            return chosen
        if order not in chosen:
            chosen.append(order)


def tenants_toml(orders):
    return "".join(f'[tenants.{o.tenant}]\nsecrets = ["{o.secret}"]\n\n' for o in orders)


def deliver(server, order, bodies):
    """Posts the order's events one after another, up to the first that is
    not answered 200: (how many were posted, the failure if any)."""
    for posted, f in enumerate(order.files, start=1):
        r = server.deliver(bodies[f], secret=order.secret, path=f"/stripe/postback/{order.tenant}")
        if r.status != 200:
            return posted, [f"{f.stem} answered {r.status} {r.text.strip()}"]
    return len(order.files), []


def expected_row(expected, i):
    """The /conversions fields, with their values, of expected purchase i."""
    want, skipped = expected["purchases"][i], not_carried(expected, i)
    row = {"sale": True}
    for field, row_field in ROW_FIELD.items():
        if field not in skipped:
            row[row_field] = KIND[want[field]] if field == "kind" else want[field]
    if not skipped & REVERSED_FROM:
        row["reversed_amount"] = min(want["refunded"] + want["disputed_lost"], want["gross"])
    return row


def dedupe_key(purchase):
    return f"{purchase['account']}/{purchase['purchase']}" if purchase["account"] else purchase["purchase"]


def check_rows(server, order):
    """How the order's tenant's rows differ from the scenario's purchases."""
    r = server.get(f"/conversions?tenant={order.tenant}&limit={ROW_LIMIT}")
    if r.status != 200:
        return [f"GET /conversions answered {r.status} {r.text.strip()}"]
    rows = {row["dedupe_key"]: row for row in r.json()["conversions"]}
    problems = []
    expected = order.scenario.expected
    for i, purchase in enumerate(expected["purchases"]):
        key = dedupe_key(purchase)
        row = rows.pop(key, None)
        if row is None:
            problems.append(f"purchase {key} has no row")
            continue
        wrong = [f"{field} = {row.get(field)!r}, expected {value!r}"
                 for field, value in expected_row(expected, i).items() if row.get(field) != value]
        if wrong:
            problems.append(f"purchase {key}: " + "; ".join(wrong))
    for key, row in sorted(rows.items()):
        if row.get("sale") is True:
            problems.append(f"row {key} is a sale but no purchase of the scenario (counted twice / not a sale)")
        elif row.get("sale") is not False:
            problems.append(f"row {key} has sale = {row.get('sale')!r}, expected true or false")
        elif row.get("click_id") is not None:
            problems.append(f"row {key} is not a sale but carries click id {row['click_id']!r}")
    return problems


@contextlib.contextmanager
def database_backend():
    """Under CLICKREF_TEST_BACKEND=postgresql, a throwaway cluster that
    harness.Server's --db points into; else nothing (SQLite files)."""
    if harness.BACKEND != "postgresql":
        yield
        return
    if not postgres_cluster.available():
        raise SystemExit(f"PostgreSQL 15 is not installed in {postgres_cluster.PG_BIN} (apt-get install postgresql-15)")
    cluster = postgres_cluster.Cluster()
    harness.use_cluster(cluster)
    try:
        yield
    finally:
        harness.use_cluster(None)
        cluster.close()


def run(orders):
    """Delivers every order to one server and checks its rows: (the
    failures, how many deliveries were made)."""
    bodies = {f: f.read_bytes() for o in orders for f in o.files}
    failures = []
    with tempfile.TemporaryDirectory(prefix="clickref-server-scenarios-") as tmp, database_backend():
        tmp_path = pathlib.Path(tmp)
        tenants = tmp_path / "tenants.toml"
        tenants.write_text(tenants_toml(orders))
        with harness.Server(tmp_path, "--tenants", str(tenants), secrets=()) as server:
            with ThreadPoolExecutor(max_workers=DELIVERY_THREADS) as pool:
                delivered = list(pool.map(lambda o: deliver(server, o, bodies), orders))
            for order, (_, delivery_problems) in zip(orders, delivered):
                problems = delivery_problems or check_rows(server, order)
                failures += [f"{order.label()}: {p} (order: {order.event_text()})" for p in problems]
    return failures, sum(posted for posted, _ in delivered)


def main():
    parser = argparse.ArgumentParser(description="Every scenario's purchases as clickref-server records them.")
    parser.add_argument("server", help="the clickref-server binary")
    parser.add_argument("data", type=pathlib.Path, help="tests/data")
    parser.add_argument("--orders", type=int, default=6, help="delivery orders per scenario (default 6)")
    args = parser.parse_args()
    if args.orders < 1:
        parser.error("--orders must be at least 1")
    harness.SERVER = args.server

    data = args.data / "stripe_versions"
    scenarios = [Scenario(p.parent, data) for p in sorted(data.glob("*/*/expected.json"))]
    orders = []
    for scenario in scenarios:
        for number, files in enumerate(delivery_orders(scenario.files, args.orders), start=1):
            orders.append(Order(len(orders), scenario, number, files))

    failures, posted = run(orders) if orders else ([], 0)
    for f in failures:
        print("FAIL", f)
    print(f"{len(scenarios)} scenarios, {len(orders)} orders, {posted} deliveries, "
          f"{len(failures)} failures")
    return 1 if failures or not scenarios else 0


if __name__ == "__main__":
    sys.exit(main())
