"""What only the PostgreSQL backend does: several server instances on one
database, versioned schema migrations, an outage of the database, a full
tablespace, and a connection URI kept out of the log. Run with
CLICKREF_TEST_BACKEND=postgresql (conftest.py starts the cluster);
test_server.py and test_tenants.py run against the same cluster in the same
CTest entry.
"""

import random
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import postgres_cluster
import stripe_events as se
from harness import BACKEND, SERVER, Server, Stub, postback_args, wait_until
from test_purchases import check_a_legacy_purchase_folds_new_events
from test_server import check_a_full_disk_is_503_and_recovers, expected_delayed_row, tmpfs

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="CLICKREF_TEST_BACKEND=postgresql runs these")


def test_two_instances_on_one_database_keep_one_row_and_send_one_postback_per_sale(tmp_path):
    # 12 purchases, each paid and then refunded half-way through (the refund
    # reverses the sale, but only after it was approved and forwarded).
    # Every event goes to both instances and again to one of them, all at once, shuffled.
    purchases = [f"two{p}" for p in range(12)]
    stub = Stub(delay_s=0.05)  # slow enough that both instances' workers overlap
    db = tmp_path / "shared.db"
    try:
        with Server(tmp_path, *postback_args(stub.base()), db=db, name="a") as a, \
                Server(tmp_path, *postback_args(stub.base()), db=db, name="b") as b:
            deliveries = []
            for tag in purchases:
                for ev in se.paid_purchase(tag, f"aff_{tag}"):
                    deliveries += [(a, ev), (b, ev), (random.Random(tag).choice((a, b)), ev)]
            random.Random(7).shuffle(deliveries)
            start = threading.Barrier(len(deliveries))

            def deliver(item):
                server, ev = item
                start.wait()
                return server.deliver(se.body(ev))

            with ThreadPoolExecutor(max_workers=len(deliveries)) as pool:
                replies = list(pool.map(deliver, deliveries))
            assert [r.status for r in replies] == [200] * len(deliveries)
            outcomes = sorted(r.json()["outcome"] for r in replies)
            assert outcomes == ["duplicate"] * (2 * 2 * len(purchases)) + ["recorded"] * (2 * len(purchases))

            expected = sorted(f"/postback?click_id=aff_{tag}&order_id=pi_{tag}&amount=49.99&currency=USD"
                              "&campaign_id=7&goal=sale" for tag in purchases)
            wait_until(lambda: len(stub.requests) >= len(purchases), what="every postback")
            time.sleep(1.0)  # a second sender would have sent by now (retry 200 ms)
            assert sorted(stub.requests) == expected
            # Both instances list the same rows.
            rows_a = {row["dedupe_key"]: row for row in a.conversions()}
            rows_b = {row["dedupe_key"]: row for row in b.conversions()}
            assert rows_a == rows_b
            assert sorted(rows_a) == sorted(f"pi_{tag}" for tag in purchases)
            for tag in purchases:
                row = rows_a[f"pi_{tag}"]
                assert (row["status"], row["click_id"], row["amount"], row["events"]) == ("approved", f"aff_{tag}", 4999, 2)
                assert row["postback"]["state"] == "delivered" and row["postback"]["attempts"] == 1
            senders = [line for s in (a, b) for line in s.log_lines() if line.get("msg") == "postback"]
            assert len(senders) == len(purchases)
    finally:
        stub.close()


def test_interleaved_purchases_on_two_instances_merge_like_sqlite(tmp_path):
    # The four events of each refunded SEPA purchase, spread over two
    # instances and delivered at once: the rows are exactly those one SQLite
    # writer produces (test_server.py's test_fifty_concurrent_deliveries).
    db = tmp_path / "merge.db"
    with Server(tmp_path, db=db, name="a") as a, Server(tmp_path, db=db, name="b") as b:
        deliveries = []
        for p in range(10):
            for i, ev in enumerate(se.delayed_purchase(f"mix{p}", f"aff_mix{p}")):
                deliveries.append(((a, b)[(p + i) % 2], ev))
        random.Random(11).shuffle(deliveries)
        start = threading.Barrier(len(deliveries))

        def deliver(item):
            start.wait()
            return item[0].deliver(se.body(item[1]))

        with ThreadPoolExecutor(max_workers=len(deliveries)) as pool:
            assert [r.status for r in pool.map(deliver, deliveries)] == [200] * len(deliveries)
        rows = {row["dedupe_key"]: row for row in a.conversions()}
        assert rows == {f"pi_mix{p}": expected_delayed_row(f"mix{p}") for p in range(10)}


def test_the_schema_is_versioned_and_instances_starting_together_migrate_it_once(tmp_path, database_backend):
    db = tmp_path / "schema.db"
    servers = [Server(tmp_path, db=db, name=f"s{i}") for i in range(3)]
    threads = [threading.Thread(target=s.start) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert all(s.port for s in servers)
        name = database_backend.database_name(str(db))
        assert database_backend.psql("SELECT version FROM clickref_schema ORDER BY version", name) == [["1"], ["2"]]
        assert servers[1].deliver(se.body(se.paid_purchase("mig", "aff_mig")[0])).status == 200
    finally:
        for s in servers:
            s.stop()
    # A database migrated by a newer server is refused, not written to.
    database_backend.psql("INSERT INTO clickref_schema (version) VALUES (3)", name)
    done = start_alone(servers[0].db)
    assert done.returncode == 1
    assert b"schema is version 3, newer than this server knows (2)" in done.stderr


# The schema as version 1 (before purchase links) left it, with a purchase of
# two events keyed by its payment intent.
VERSION_1 = r"""
CREATE TABLE clickref_schema (version bigint PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
INSERT INTO clickref_schema (version) VALUES (1);
CREATE TABLE events (tenant bytea NOT NULL, event_id bytea NOT NULL, event_type bytea NOT NULL,
  dedupe_key bytea NOT NULL, received_at bigint NOT NULL, PRIMARY KEY (tenant, event_id));
CREATE TABLE conversions (tenant bytea NOT NULL, dedupe_key bytea NOT NULL, status text NOT NULL,
  click_id bytea, click_id_valid boolean NOT NULL, click_id_source bytea, order_id bytea, amount bigint,
  currency bytea, reversed_amount bigint NOT NULL, customer_email bytea, payment_link bytea,
  livemode boolean NOT NULL, first_event_at bigint NOT NULL, last_event_at bigint NOT NULL,
  events bigint NOT NULL, PRIMARY KEY (tenant, dedupe_key));
CREATE TABLE postbacks (tenant bytea NOT NULL, dedupe_key bytea NOT NULL, url bytea NOT NULL,
  state text NOT NULL, attempts bigint NOT NULL, next_attempt_ms bigint NOT NULL, last_error bytea,
  delivered_at bigint, PRIMARY KEY (tenant, dedupe_key),
  FOREIGN KEY (tenant, dedupe_key) REFERENCES conversions (tenant, dedupe_key));
INSERT INTO events VALUES ('', 'evt_old_session', 'checkout.session.completed', 'pi_old', 1700000000),
                          ('', 'evt_old_charge', 'charge.succeeded', 'pi_old', 1700000005);
INSERT INTO conversions VALUES ('', 'pi_old', 'approved', 'aff_old', true, 'client_reference_id', 'pi_old',
  4999, 'USD', 0, 'buyer-old@example.com', 'plink_1AcmeStarter', false, 1732627200, 1732627205, 2);
INSERT INTO postbacks VALUES ('', 'pi_old', 'https://t.example/postback?order_id=pi_old', 'delivered', 1, 0,
  NULL, 1732627300);
"""


def test_a_version_1_database_keeps_its_rows_and_folds_new_events_into_them(tmp_path, database_backend):
    db = tmp_path / "v1.db"
    name = database_backend.database_name(str(db))
    database_backend.psql(VERSION_1, name)
    with Server(tmp_path, db=db) as s:
        check_a_legacy_purchase_folds_new_events(s, postback_state="delivered")
    assert database_backend.psql("SELECT version FROM clickref_schema ORDER BY version", name) == [["1"], ["2"]]


def test_a_stopped_database_is_503_and_the_server_recovers_by_itself(tmp_path, database_backend):
    events = [se.body(ev) for ev in se.delayed_purchase("down", "aff_down")]
    with Server(tmp_path) as s:
        assert s.deliver(events[0]).status == 200
        database_backend.stop()
        try:
            for payload in events[1:]:
                started = time.monotonic()
                r = s.deliver(payload)
                assert (r.status, r.json()["error"]) == (503, "storage")
                assert time.monotonic() - started < 10
            assert s.get("/healthz").status == 503
            assert s.get("/conversions").status == 503
        finally:
            database_backend.start()
        # No restart: every pooled connection reconnects on its next use, and
        # the first delivery after the outage already succeeds.
        for payload in events[1:]:
            assert s.deliver(payload).json()["outcome"] == "recorded"
        assert s.conversion("pi_down") == expected_delayed_row("down")
        failed = [line for line in s.log_lines() if line.get("outcome") == "failed"]
        assert len(failed) == 3


def test_a_full_tablespace_is_503_and_recovers_when_space_returns(tmp_path, database_backend):
    # test_server.py's full-disk test. Only the server's tables go to a
    # tablespace on a small tmpfs (the database's default_tablespace): an
    # insert there fails to extend a file with ENOSPC, an ordinary error. The
    # WAL and the catalog stay on the big disk, since a WAL write that fails
    # stops the whole cluster, which the tests after this one share.
    db = tmp_path / "full.db"
    # In the cluster's directory: its user cannot enter tmp_path.
    disk = Path(database_backend.dir) / ("disk-" + tmp_path.name)
    disk.mkdir()
    owner = database_backend.owner
    try:
        with tmpfs(disk, "8m", "uid=%d" % owner.pw_uid, "gid=%d" % owner.pw_gid, "mode=0700"):
            name = database_backend.database_name(str(db))
            try:
                database_backend.psql("CREATE TABLESPACE small_disk LOCATION '%s'" % disk)
                database_backend.psql("ALTER DATABASE %s SET default_tablespace = small_disk" % name)
                with Server(tmp_path, db=db) as s:
                    check_a_full_disk_is_503_and_recovers(s, disk)
            finally:
                database_backend.drop_database(name)
                database_backend.psql("DROP TABLESPACE IF EXISTS small_disk")
    finally:
        disk.rmdir()


def test_a_write_that_fails_where_it_went_with_the_commit_keeps_nothing(tmp_path, database_backend):
    # A delivery's writes go to the database with its COMMIT, in one round
    # trip. Here the row's upsert waits for a table lock beyond the
    # statement timeout (5 s): the delivery is a 503 with nothing kept, its
    # event included, and the pool's one connection records the retry and
    # the next delivery. (A first purchase prepares the statements, which
    # would wait for the lock too.)
    session, charge = (se.body(ev) for ev in se.paid_purchase("held", "aff_held"))
    with Server(tmp_path, "--db-connections", "1") as s:
        assert s.deliver(se.body(se.paid_purchase("first", "aff_first")[0])).json()["outcome"] == "recorded"
        name = database_backend.database_name(str(tmp_path / "server.db"))
        holder = subprocess.Popen(
            [postgres_cluster.PG_BIN + "/psql", "-X", "-q", "-h", database_backend.dir, "-p", "5432", "-U", "postgres",
             "-d", name, "-c", "BEGIN; LOCK TABLE conversions IN EXCLUSIVE MODE; SELECT pg_sleep(6); COMMIT"],
            stdout=subprocess.DEVNULL)
        try:
            wait_until(lambda: database_backend.psql(
                "SELECT count(*) FROM pg_locks WHERE relation = 'conversions'::regclass AND mode = 'ExclusiveLock'",
                name) == [["1"]])
            r = s.deliver(session)
            assert (r.status, r.json()["error"]) == (503, "storage")
            failed = [line for line in s.log_lines() if line.get("outcome") == "failed"]
            assert "canceling statement" in failed[-1]["detail"]
        finally:
            holder.wait(timeout=30)
        assert s.deliver(session).json()["outcome"] == "recorded"
        assert s.deliver(charge).json()["outcome"] == "recorded"
        assert s.conversion("pi_held")["events"] == 2


def test_the_password_in_the_uri_stays_out_of_the_log(tmp_path, database_backend):
    name = database_backend.database_name(str(tmp_path / "secret.db"))
    # Trust authentication ignores the password; the server must still not print it.
    for i, uri in enumerate((database_backend.uri(name, password="hunter2-secret"),
                             database_backend.uri(name).replace("postgresql:///",
                                                                "postgresql://postgres:hunter2-secret@/"))):
        s = Server(tmp_path, name=f"secret{i}")
        s.args[s.args.index("--db") + 1] = uri
        s.start()
        s.stop()
        log = s.log_path.read_text()
        assert "hunter2" not in log
        assert "***" in [line for line in s.log_lines() if line.get("msg") == "listening"][-1]["db"]


def start_alone(db):
    """Runs the server to its exit, expected early: it cannot open `db`."""
    return subprocess.run([SERVER, "--listen", "127.0.0.1:0", "--db", db], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30,
                          env={"STRIPE_WEBHOOK_SECRET": "whsec_test"})


def test_an_unreachable_database_stops_the_start_with_a_reason(tmp_path):
    done = start_alone("postgresql:///clickref?host=" + str(tmp_path / "no-such-socket-dir"))
    assert done.returncode == 1
    assert b"cannot open the database" in done.stderr and b"connect:" in done.stderr
