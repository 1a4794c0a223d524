"""clickref-server killed with SIGKILL under load loses no acknowledged event
and counts none twice.

Stripe stops retrying an event once the receiver has answered 200, so a 200
is a promise that the event is stored: an answer given before its
transaction is durable (say, by a group commit that acknowledges a batch it
has not yet committed) turns a crash into a lost sale. And Stripe retries
everything else, so a delivery that was stored but never answered must come
back as a duplicate, not be counted again.

The test runs 20 rounds on one SQLite file. In each round 8 clients send
unique, signed checkout.session.completed deliveries (one event per
purchase) as fast as the server answers them, and the server is killed with
SIGKILL at a random moment. A server restarted on the same file must list
every purchase whose event was ever answered 200, once, counting its one
event once, with the row it had before the crash, and nothing that was never
sent. Then the round's deliveries, answered or not, are sent again as
Stripe's retries would be: the answered ones must come back as duplicates
that change nothing, and afterwards every purchase sent is listed once. A
connection error, a reset or a non-200 answer is not an acknowledgement:
such an event may be lost, and is delivered again.

The file grows across the rounds rather than starting fresh each time, so
that each restart recovers from a crash in a database that already holds
the earlier rounds' rows, and those rows must come through every later crash
unchanged. Redelivering every earlier event in every round would make the
test quadratic, so each round redelivers its own events and a seeded sample
of the earlier ones, and the last round redelivers every event ever sent.
"""

import contextlib
import http.client
import os
import random
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import stripe_events as se
from harness import SECRET, Server, sign

ROUNDS = 20
CLIENTS = 8
SEED = 20241126
KILL_AFTER_S = (0.05, 0.4)  # the moment of the SIGKILL, after the load starts
EARLIER_SAMPLE = 200  # earlier rounds' events redelivered in each round but the last
TIMEOUT_S = 5  # per request: the server answers in milliseconds, or dies
PAGE = 1000  # rows per /conversions request


def purchase_event(tag):
    """A paid checkout: event evt_{tag}, purchase pi_{tag}, click aff_{tag}."""
    return se.event("checkout.session.completed", se.checkout_session(tag, f"aff_{tag}"), f"evt_{tag}")


def purchase_of(event_id):
    return "pi_" + event_id.removeprefix("evt_")


def deliver(server, payload):
    """Posts a delivery, signed now; (status, outcome), outcome None unless 200."""
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Stripe/1.0",
               "Stripe-Signature": sign(payload, SECRET, int(time.time()))}
    r = server.request("POST", "/stripe/postback", body=payload, headers=headers, timeout=TIMEOUT_S)
    return r.status, r.json()["outcome"] if r.status == 200 else None


def rows_by_purchase(server):
    """Every conversion row, by dedupe key, read page by page."""
    rows = []
    while True:
        r = server.get(f"/conversions?limit={PAGE}&offset={len(rows)}")
        assert r.status == 200, r.body
        page = r.json()["conversions"]
        rows += page
        if len(page) < PAGE:
            break
    by_key = {row["dedupe_key"]: row for row in rows}
    assert len(by_key) == len(rows), "a purchase is listed more than once"
    return by_key


def load_until_killed(server, round_no, kill_after_s):
    """Sends unique deliveries from CLIENTS threads, one at a time each, and
    kills the server `kill_after_s` into the load, while every client has a
    delivery in flight. Returns ({event id: payload} of every delivery sent,
    {event id: outcome} of those answered 200)."""
    sent, acknowledged = {}, {}
    start = threading.Barrier(CLIENTS + 1)
    stopping = threading.Event()

    def client(n):
        start.wait()
        i = 0
        while not stopping.is_set():
            ev = purchase_event(f"r{round_no}c{n}n{i}")
            i += 1
            payload = se.body(ev)
            sent[ev["id"]] = payload  # before sending: once sent, it may be stored
            try:
                status, outcome = deliver(server, payload)
            except (OSError, http.client.HTTPException):
                continue  # refused, reset or cut short by the kill: not acknowledged
            if status == 200:
                acknowledged[ev["id"]] = outcome

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    try:
        start.wait()
        time.sleep(kill_after_s)
    finally:
        stopping.set()  # no new deliveries; those in flight meet the kill
        os.kill(server.proc.pid, signal.SIGKILL)
        for t in threads:
            t.join()
    assert server.proc.wait(timeout=10) == -signal.SIGKILL
    return sent, acknowledged


def check_rows(rows, sent, confirmed, where):
    """Every confirmed event's purchase is listed with that one event counted
    once; every listed purchase was sent, counts no more events than were
    sent for it (one), and carries the click and status it was sent with."""
    for event_id in sorted(confirmed):
        key = purchase_of(event_id)
        assert key in rows, f"{where}: event {event_id} was answered 200 but purchase {key} is gone"
        assert rows[key]["events"] == 1, \
            f"{where}: event {event_id} was answered 200 but purchase {key} counts {rows[key]['events']} events"
    for key, row in rows.items():
        tag = key.removeprefix("pi_")
        assert f"evt_{tag}" in sent, f"{where}: purchase {key} is listed but its event was never sent"
        assert row["events"] <= 1, f"{where}: purchase {key} counts {row['events']} events; one was sent"
        assert (row["status"], row["click_id"]) == ("approved", f"aff_{tag}"), f"{where}: purchase {key} is {row}"


def redeliver(server, payloads):
    """Delivers each {event id: payload} again; {event id: outcome}."""
    items = sorted(payloads.items())
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        replies = list(pool.map(lambda item: deliver(server, item[1]), items))
    refused = [(event_id, status) for (event_id, _), (status, _) in zip(items, replies) if status != 200]
    assert not refused, f"a healthy server refused redeliveries: {refused[:10]}"
    return {event_id: outcome for (event_id, _), (_, outcome) in zip(items, replies)}


def test_no_acknowledged_event_is_lost_or_counted_twice_across_kill_9(tmp_path):
    rng = random.Random(SEED)
    # Drawn first, so that the schedule of kills does not depend on how many
    # events each round happened to send.
    kill_times_s = [rng.uniform(*KILL_AFTER_S) for _ in range(ROUNDS)]
    db = tmp_path / "crash.db"
    sent = {}  # event id -> payload: every delivery ever sent
    confirmed = set()  # event ids the server has answered 200, in any round
    listed = {}  # the listing at the end of the previous round
    acknowledged_under_load = stored_unanswered = 0
    with contextlib.ExitStack() as servers:
        server = servers.enter_context(Server(tmp_path, db=db, name="round00"))
        for round_no, kill_after_s in enumerate(kill_times_s, start=1):
            where = f"round {round_no} (seed {SEED}, SIGKILL {kill_after_s * 1000:.0f} ms into the load)"
            sent_now, acknowledged = load_until_killed(server, round_no, kill_after_s)
            not_recorded = {e: o for e, o in acknowledged.items() if o != "recorded"}
            assert not not_recorded, f"{where}: new events answered other than recorded: {not_recorded}"
            earlier = sorted(sent)
            sent |= sent_now
            confirmed |= acknowledged.keys()
            acknowledged_under_load += len(acknowledged)

            server = servers.enter_context(Server(tmp_path, db=db, name=f"round{round_no:02d}"))
            rows = rows_by_purchase(server)
            check_rows(rows, sent, confirmed, where)
            changed = sorted(key for key, row in listed.items() if rows.get(key) != row)
            assert not changed, f"{where}: the crash changed earlier rounds' rows: {changed}"

            if round_no < ROUNDS:
                earlier = rng.sample(earlier, min(EARLIER_SAMPLE, len(earlier)))
            outcomes = redeliver(server, sent_now | {e: sent[e] for e in earlier})
            counted_again = sorted(e for e in outcomes if e in confirmed and outcomes[e] != "duplicate")
            assert not counted_again, f"{where}: events answered 200 before were recorded again: {counted_again}"
            stored_unanswered += sum(outcomes[e] == "duplicate" for e in sent_now.keys() - acknowledged.keys())
            confirmed = set(sent)  # this round's events were all answered 200 just now, the earlier ones before

            listed = rows_by_purchase(server)
            missing = sorted({purchase_of(e) for e in sent} - listed.keys())
            assert not missing, f"{where}: purchases missing after the redeliveries: {missing}"
            check_rows(listed, sent, confirmed, where + ", after the redeliveries")
            changed = sorted(key for key, row in rows.items() if listed[key] != row)
            assert not changed, f"{where}: redeliveries changed the rows of stored purchases: {changed}"
    # Without acknowledgements to lose, the rounds above would prove nothing.
    assert acknowledged_under_load >= ROUNDS, f"only {acknowledged_under_load} deliveries were answered under load"
    print(f"\n{len(sent)} events sent, {acknowledged_under_load} answered 200 under load, "
          f"{stored_unanswered} stored but unanswered when the server was killed")
