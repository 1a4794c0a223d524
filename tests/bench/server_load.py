"""The reference server's webhook endpoint under load: webhooks/s and p50/p99
latency of POST /stripe/postback, measured with wrk, beside the receiver a
user would write instead, in one run on the same disk.

  /usr/bin/python3 tests/bench/server_load.py --server build/release/examples/server/clickref-server \\
      [--duration 5] [--connections 1,32,256] [--workers 64] [--skip-peer] [--skip-postgresql]
      [-- EXTRA SERVER ARGS]

Every request is a distinct, correctly signed checkout.session.completed
delivery (its own event id, session id and payment intent, so each one is a
new purchase that must be stored durably before the 200). They are built from
../shared/bench/checkout-session-completed.json and signed here with hmac and
hashlib, never with clickref, before wrk starts; server_load.lua loads them
and counts every answer that is not a 200 "recorded".

The receivers, each with its own database in one temporary directory:
  - clickref-server (--workers N, SQLite WAL, synchronous=FULL);
  - clickref-server on PostgreSQL 15 (a throwaway cluster as in the tests,
    tests/server/postgres_cluster.py, fsync and synchronous_commit on;
    --skip-postgresql leaves it out);
  - the peer: a WSGI app with Debian's python3-stripe (Webhook.construct_event)
    and Python's sqlite3 with the same durability (WAL, synchronous=FULL, the
    event insert and the conversion upsert in one transaction, committed
    before the 200), served by Debian's gunicorn with gthread workers.
The peer commits each webhook on its own, so the disk's fsync rate, measured
first in the same directory and printed with the table, bounds it;
clickref-server commits every delivery waiting at once (group commit), so it
can pass that rate.

wrk runs with -t2 (-t1 for one connection) at each connection count; the
receivers take turns at each count, so that a noisy neighbour hits both.
server_load.lua holds every wrk thread at its first request until the last
one has loaded its slice, so that only timed requests are counted.
Any row with a non-200, a duplicate or a socket error is marked FAILED.
This is a benchmark, run by hand: it is not part of ctest.
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "server"))
import postgres_cluster  # noqa: E402  (tests/server: the throwaway PostgreSQL cluster the tests use)
REPO = HERE.parents[1]
EVENT_TEMPLATE = REPO.parent / "shared" / "bench" / "checkout-session-completed.json"
WRK_SCRIPT = HERE / "server_load.lua"
WEBHOOK_PATH = "/stripe/postback"
SECRET = "whsec_bench_" + secrets.token_hex(16)
# The ids in the template (event, checkout session, payment intent) with
# their prefixes, each replaced in every delivery by a fresh id of the same
# length, so that every body keeps the template's size.
TEMPLATE_IDS = [
    ("evt_", "evt_1QhX2bLkdIwHu7ixJ3Z9Xc1q"),
    ("cs_live_", "cs_live_a1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvWxYz0123456789abcdefghij"),
    ("pi_", "pi_3QhX2aLkdIwHu7ix0abcdEFG"),
]
STARTUP_TIMEOUT_S = 20


def sign(payload: bytes, timestamp: int) -> str:
    """The Stripe-Signature header Stripe would send for payload."""
    mac = hmac.new(SECRET.encode(), str(timestamp).encode() + b"." + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class Deliveries:
    """Unique webhook bodies from the template: delivery n of batch `tag`
    carries ids no other delivery of this run carries."""

    def __init__(self):
        self.template = EVENT_TEMPLATE.read_bytes()
        for _, value in TEMPLATE_IDS:
            if self.template.count(value.encode()) != 1:
                raise SystemExit(f"{EVENT_TEMPLATE}: expected {value} once")
        self.batches = 0

    def body(self, tag: str, n: int) -> bytes:
        body = self.template
        for prefix, value in TEMPLATE_IDS:
            digits = len(value) - len(prefix) - len(tag)
            body = body.replace(value.encode(), f"{prefix}{tag}{n:0{digits}d}".encode())
        return body

    def new_tag(self) -> str:
        """A prefix for one batch's ids, so that two batches never share
        one (every run starts with empty databases)."""
        self.batches += 1
        return f"b{self.batches:03d}"

    def write_slices(self, prefix: Path, count: int, slices: int):
        """count deliveries signed now, dealt round-robin into prefix.0 …
        prefix.(slices-1), one per wrk thread, in server_load.lua's format.
        They are fsynced before returning, so that the disk is not still
        writing them back while the receivers' commits are being timed."""
        tag, timestamp = self.new_tag(), int(time.time())
        files = [open(f"{prefix}.{i}", "wb") for i in range(slices)]
        try:
            for n in range(count):
                body = self.body(tag, n)
                files[n % slices].write(f"{sign(body, timestamp)} {len(body)}\n".encode() + body)
            for f in files:
                f.flush()
                os.fsync(f.fileno())
        finally:
            for f in files:
                f.close()

    def remove_slices(self, prefix: Path, slices: int):
        for i in range(slices):
            Path(f"{prefix}.{i}").unlink()


def post(port: int, body: bytes) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", WEBHOOK_PATH, body=body, headers={
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": sign(body, int(time.time()))})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Process:
    """A receiver process whose log goes to a file (a pipe could fill up and
    stall it), ready once `ready(log text)` returns its port; `is_error(line)`
    picks the log lines that stop() reports."""

    def __init__(self, name: str, command: list[str], env: dict, log_path: Path, ready, is_error):
        self.name, self.log_path, self.is_error = name, log_path, is_error
        with open(log_path, "wb") as log:
            self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while (port := ready(log_path.read_text(errors="replace"))) is None:
            if self.proc.poll() is not None:
                raise SystemExit(f"{name} exited with {self.proc.returncode}:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"{name} did not start:\n{log_path.read_text()}")
            time.sleep(0.05)
        self.port = port

    def stop(self) -> list[str]:
        """Stops it as an operator would (SIGTERM); the problems, if it did
        not exit cleanly or logged errors."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return [f"{self.name} ignored SIGTERM for 20 s and was killed"]
        log = self.log_path.read_text(errors="replace").splitlines()
        problems = []
        if self.proc.returncode != 0:
            tail = "\n".join(log[-20:])
            problems.append(f"{self.name} exited with {self.proc.returncode}; the end of its log:\n{tail}")
        if errors := [line for line in log if self.is_error(line)]:
            problems.append(f"{self.name} logged {len(errors)} errors, the first: {errors[0]}")
        return problems


class ClickrefReceiver:
    """clickref-server with its SQLite file, or with a PostgreSQL database
    (`postgresql_uri`)."""

    def __init__(self, server: str, workers: int, extra_args: list[str], tmp: Path, postgresql_uri=None):
        backend = "PostgreSQL" if postgresql_uri else "SQLite"
        self.label = f"clickref-server ({backend})"
        self.description = (f"clickref-server --workers {workers}"
                            f"{' ' + shlex.join(extra_args) if extra_args else ''} "
                            + ("(PostgreSQL 15, synchronous_commit=on, a throwaway cluster on the same disk)"
                               if postgresql_uri else "(SQLite WAL, synchronous=FULL)"))
        db = postgresql_uri or str(tmp / "clickref.db")
        self.command = [server, "--listen", "127.0.0.1:0", "--db", db, "--workers", str(workers), *extra_args]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CLICKREF_")}
        self.env["STRIPE_WEBHOOK_SECRET"] = SECRET
        self.log_path = tmp / f"clickref-{backend.lower()}.log"
        self.process = None

    def start(self):
        def listening_port(log: str):
            # Matched as text: the log's last line may be half written.
            for line in log.splitlines():
                if '"msg":"listening"' in line and (address := re.search(r'"address":"[^"]*:(\d+)"', line)):
                    return int(address.group(1))
            return None
        self.process = Process(self.label, self.command, self.env, self.log_path, listening_port,
                               is_error=lambda line: '"level":"error"' in line)
        return self.process.port

    def stop(self) -> list[str]:
        return self.process.stop() if self.process else []


# The peer receiver. gunicorn imports this module in its workers and calls
# make_peer_app(); its settings come from the environment.
PEER_DB_VARIABLE = "SERVER_LOAD_PEER_DB"
PEER_SECRET_VARIABLE = "SERVER_LOAD_PEER_SECRET"
PEER_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
  event_id    TEXT PRIMARY KEY,
  event_type  TEXT NOT NULL,
  dedupe_key  TEXT NOT NULL,
  received_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS conversions (
  dedupe_key     TEXT PRIMARY KEY,
  status         TEXT NOT NULL,
  click_id       TEXT,
  amount         INTEGER,
  currency       TEXT,
  customer_email TEXT,
  payment_link   TEXT,
  livemode       INTEGER NOT NULL,
  first_event_at INTEGER NOT NULL,
  last_event_at  INTEGER NOT NULL,
  events         INTEGER NOT NULL
) WITHOUT ROWID;
"""
PEER_INSERT_EVENT = ("INSERT INTO events (event_id, event_type, dedupe_key, received_at) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT (event_id) DO NOTHING")
PEER_UPSERT_CONVERSION = (
    "INSERT INTO conversions (dedupe_key, status, click_id, amount, currency, customer_email, payment_link, "
    "livemode, first_event_at, last_event_at, events) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) "
    "ON CONFLICT (dedupe_key) DO UPDATE SET status = excluded.status, last_event_at = excluded.last_event_at, "
    "events = conversions.events + 1")


def make_peer_app():
    """The WSGI app a user would write with stripe-python and sqlite3."""
    import threading

    import stripe

    db_path, secret = os.environ[PEER_DB_VARIABLE], os.environ[PEER_SECRET_VARIABLE]
    # sqlite3 connections belong to the thread that made them: one per
    # gthread thread, opened on its first request (after gunicorn's fork).
    local = threading.local()

    def connection():
        if not hasattr(local, "db"):
            # isolation_level=None: the transaction below is spelled out.
            local.db = sqlite3.connect(db_path, timeout=30, isolation_level=None)
            local.db.execute("PRAGMA synchronous = FULL")
        return local.db

    def answer(start_response, status, body):
        payload = json.dumps(body, separators=(",", ":")).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    def app(environ, start_response):
        if environ["REQUEST_METHOD"] != "POST" or environ["PATH_INFO"] != WEBHOOK_PATH:
            return answer(start_response, "404 Not Found", {"error": "not_found"})
        payload = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        try:
            event = stripe.Webhook.construct_event(payload, environ.get("HTTP_STRIPE_SIGNATURE", ""), secret)
        except (ValueError, stripe.error.SignatureVerificationError) as error:
            return answer(start_response, "400 Bad Request", {"error": type(error).__name__})
        if event.type != "checkout.session.completed":
            return answer(start_response, "200 OK", {"received": True, "outcome": "ignored"})
        session = event.data.object
        dedupe_key = session.get("payment_intent") or session.id
        now = int(time.time())
        db = connection()
        try:
            # IMMEDIATE: take the write lock up front, waiting on the busy
            # timeout, rather than failing to upgrade a read lock.
            db.execute("BEGIN IMMEDIATE")
            recorded = db.execute(PEER_INSERT_EVENT, (event.id, event.type, dedupe_key, now)).rowcount == 1
            if recorded:
                details = session.get("customer_details") or {}
                db.execute(PEER_UPSERT_CONVERSION, (
                    dedupe_key, "approved" if session.payment_status == "paid" else "pending",
                    session.get("client_reference_id"), session.get("amount_total"), session.get("currency"),
                    details.get("email") or session.get("customer_email"), session.get("payment_link"),
                    int(bool(event.livemode)), now, now))
            db.execute("COMMIT")
        except sqlite3.Error as error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            return answer(start_response, "500 Internal Server Error", {"error": "storage", "message": str(error)})
        return answer(start_response, "200 OK",
                      {"received": True, "outcome": "recorded" if recorded else "duplicate", "event_id": event.id})

    return app


class PythonPeerReceiver:
    """make_peer_app() served by gunicorn's gthread workers."""

    def __init__(self, workers: int, threads: int, tmp: Path):
        import gunicorn
        import stripe
        self.label = "Python peer (stripe-python + sqlite3)"
        self.description = (f"gunicorn {gunicorn.__version__} gthread, {workers} workers x {threads} threads, "
                            f"stripe-python {stripe.version.VERSION} + sqlite3 {sqlite3.sqlite_version} "
                            "(WAL, synchronous=FULL)")
        self.workers = workers
        self.db_path = tmp / "peer.db"
        # --preload: the app (and stripe) is imported once, before the fork,
        # so a worker is ready as soon as gunicorn logs its boot.
        self.command = [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0",
                        "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
                        "--preload", "--pythonpath", str(HERE), f"{Path(__file__).stem}:make_peer_app()"]
        self.env = dict(os.environ, **{PEER_DB_VARIABLE: str(self.db_path), PEER_SECRET_VARIABLE: SECRET})
        self.log_path = tmp / "peer.log"
        self.process = None

    def start(self):
        # The schema and WAL mode (which the file keeps) are set up once
        # here, not raced by the workers.
        with sqlite3.connect(self.db_path) as db:
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(PEER_SCHEMA)

        def listening_port(log: str):
            listening = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log)
            if listening and log.count("Booting worker") >= self.workers:
                return int(listening.group(1))
            return None
        self.process = Process(self.label, self.command, self.env, self.log_path, listening_port,
                               is_error=lambda line: "[ERROR]" in line or "[CRITICAL]" in line)
        return self.process.port

    def stop(self) -> list[str]:
        return self.process.stop() if self.process else []


def fsync_rate(directory: Path, seconds: float = 1.0) -> float:
    """Appends of 4 KiB, each followed by fsync, per second: what a WAL
    commit per webhook costs at the least on this disk."""
    probe = directory / "fsync-probe"
    block = os.urandom(4096)
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        count, start = 0, time.monotonic()
        while (elapsed := time.monotonic() - start) < seconds:
            os.write(fd, block)
            os.fsync(fd)
            count += 1
    finally:
        os.close(fd)
        probe.unlink()
    return count / elapsed


def wrk(port: int, connections: int, seconds: int, deliveries_prefix: Path) -> dict:
    """One wrk run; the counters server_load.lua's done() printed."""
    threads = 1 if connections == 1 else 2
    # --timeout 30s: a slow answer is a latency to report, not a dropped request.
    done = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
                           "-s", str(WRK_SCRIPT), f"http://127.0.0.1:{port}", "--", str(deliveries_prefix), str(threads)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # server_load.lua's start line, made again by the next run (absent if wrk failed before making it)
    Path(f"{deliveries_prefix}.go").unlink(missing_ok=True)
    line = re.search(r"^server_load: (.*)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not line:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    stats = {key: int(value) for key, value in (pair.split("=") for pair in line.group(1).split())}
    stats["rate"] = stats["requests"] / (stats["duration_us"] / 1e6)
    return stats


def problems_of(stats: dict) -> list[str]:
    """Why a row does not count, if it does not."""
    names = {"non_200": "non-200", "not_recorded": "answered 200 without recording",
             "repeated": "repeated deliveries", "connect_errors": "connect errors", "read_errors": "read errors",
             "write_errors": "write errors", "timeouts": "timeouts"}
    return [f"{stats[key]} {name}" for key, name in names.items() if stats[key]]


def latency(us: int) -> str:
    if us >= 1_000_000:
        return f"{us / 1e6:.2f} s"
    if us >= 1000:
        return f"{us / 1000:.1f} ms"
    return f"{us} µs"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True, help="the clickref-server binary (a release build)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per row (default 5)")
    parser.add_argument("--connections", default="1,32,256", help="comma-separated (default 1,32,256)")
    parser.add_argument("--workers", type=int, default=64, help="clickref-server --workers (default 64, as the server's)")
    # Two processes for two cores (each is bound by the GIL) with four
    # threads each: eight requests in flight while the others wait on fsync.
    # Sixteen threads each measured about the same rate at 32 connections
    # (1,237/s against 1,084/s, one run) with a worse p99 (851 against 306 ms).
    parser.add_argument("--peer-workers", type=int, default=2, help="gunicorn processes (default 2)")
    parser.add_argument("--peer-threads", type=int, default=4, help="gthread threads per process (default 4)")
    parser.add_argument("--skip-peer", action="store_true", help="measure clickref-server only")
    parser.add_argument("--skip-postgresql", action="store_true",
                        help="no clickref-server on PostgreSQL (which needs Debian's postgresql-15)")
    # Generous: the deliveries must outlast the fastest receiver, or the
    # script would send some twice (which marks the row FAILED).
    parser.add_argument("--max-rate", type=int, default=50_000,
                        help="webhooks/s the deliveries are generated for (default 50000; a row that runs out repeats deliveries and is marked FAILED)")
    parser.add_argument("server_args", nargs="*", help="extra clickref-server arguments, after --")
    args = parser.parse_args()
    connection_counts = [int(c) for c in args.connections.split(",")]
    if not Path(args.server).is_file():
        raise SystemExit(f"{args.server}: no such file (cmake --preset release && "
                         "cmake --build build/release -j2 --target clickref_server)")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    deliveries = Deliveries()
    tmp = Path(tempfile.mkdtemp(prefix="clickref-server-load-", dir="/tmp"))
    receivers = []
    results = []  # (receiver, connections, stats)
    problems = []
    cluster = None
    try:
        # The receivers measured, in this order at each connection count.
        receivers.append(ClickrefReceiver(args.server, args.workers, args.server_args, tmp))
        if not args.skip_postgresql:
            cluster = postgres_cluster.Cluster()
            receivers.append(ClickrefReceiver(args.server, args.workers, args.server_args, tmp,
                                              postgresql_uri=cluster.database("server_load")))
        peer = None if args.skip_peer else PythonPeerReceiver(args.peer_workers, args.peer_threads, tmp)
        if peer:
            receivers.append(peer)
        fsyncs = fsync_rate(tmp)
        print(f"disk: {fsyncs:.0f} fsyncs/s in {tmp}", file=sys.stderr)
        ports = {}
        for receiver in receivers:
            ports[receiver] = receiver.start()
            # One delivery by hand first: the signing and the answer wrk's
            # script looks for are right, or nothing below means anything.
            status, body = post(ports[receiver], deliveries.body(deliveries.new_tag(), 0))
            if status != 200 or b'"outcome":"recorded"' not in body:
                raise SystemExit(f"{receiver.label} answered a valid delivery with {status}: {body[:300]!r}")
        for connections in connection_counts:
            threads = 1 if connections == 1 else 2
            prefix = tmp / f"deliveries-c{connections}"
            count = args.duration * args.max_rate
            # One batch per connection count, sent once to each receiver:
            # each database sees every id once, and both get the same bytes.
            deliveries.write_slices(prefix, count, threads)
            try:
                for receiver in receivers:
                    stats = wrk(ports[receiver], connections, args.duration, prefix)
                    results.append((receiver, connections, stats))
                    trouble = problems_of(stats)
                    print(f"{receiver.label}, -c{connections}: {stats['rate']:.0f} webhooks/s, "
                          f"p50 {latency(stats['p50_us'])}, p99 {latency(stats['p99_us'])}, "
                          f"{stats['requests']} answered of {stats['loaded']} loaded"
                          f"{'; FAILED: ' + ', '.join(trouble) if trouble else ''}", file=sys.stderr)
            finally:
                deliveries.remove_slices(prefix, threads)
    finally:
        for receiver in receivers:
            problems += receiver.stop()
        if cluster:
            cluster.close()
        shutil.rmtree(tmp)

    peer_rates = {connections: stats["rate"] for receiver, connections, stats in results if receiver is peer}
    print(f"## clickref-server webhook load: wrk, {args.duration} s per row, every request a new signed "
          f"checkout.session.completed ({len(deliveries.template)} bytes)")
    print()
    print(f"command: `{shlex.join([sys.executable, *sys.argv])}`  ")
    print(f"disk: {fsyncs:.0f} fsyncs/s (4 KiB append + fsync for 1 s, in the receivers' temporary directory)  ")
    print(f"machine: {os.cpu_count()} CPUs, shared by wrk and the receivers  ")
    if peer:
        print("vs peer: webhooks/s as a multiple of the Python peer's at the same connections  ")
    for receiver in receivers:
        print(f"{receiver.label}: {receiver.description}  ")
    print()
    print("| receiver | connections | webhooks/s | p50 | p99 | non-200 | vs peer | result |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for receiver, connections, stats in results:
        versus = f"{stats['rate'] / peer_rates[connections]:.2f}x" if peer and receiver is not peer else ""
        trouble = problems_of(stats)
        print(f"| {receiver.label} | {connections} | {stats['rate']:.0f} | {latency(stats['p50_us'])} | "
              f"{latency(stats['p99_us'])} | {stats['non_200']} | {versus} | "
              f"{'FAILED: ' + ', '.join(trouble) if trouble else 'ok'} |")
    if problems:
        raise SystemExit("\n".join(problems))
    if any(problems_of(stats) for _, _, stats in results):
        raise SystemExit("some rows FAILED: their figures do not count")


if __name__ == "__main__":
    main()
