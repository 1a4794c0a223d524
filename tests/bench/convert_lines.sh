#!/usr/bin/env bash
# `clickref convert --lines` throughput on ~100 MB of JSON Lines: the shared
# checkout.session.completed event, compacted to one line, with the ids
# varied per line. Target: >= 300 MB/s on one core. Run it on a release build:
#   tests/bench/convert_lines.sh build/release/clickref [../shared/bench] [MB]
# Beside it, `cat` of the same file to /dev/null shows what reading costs.
set -euo pipefail
cli=${1:?usage: convert_lines.sh CLICKREF [SHARED_BENCH_DIR] [MEGABYTES]}
shared=${2:-"$(dirname "$0")/../../../shared/bench"}
megabytes=${3:-100}
input=/tmp/clickref-convert-lines.jsonl

/usr/bin/python3 - "$shared/checkout-session-completed.json" "$input" "$megabytes" <<'GENERATE'
import json, sys
event = json.load(open(sys.argv[1], encoding="utf-8"))
target = int(sys.argv[3]) << 20
written = 0
i = 0
with open(sys.argv[2], "w", encoding="utf-8") as out:
    while written < target:
        event["id"] = "evt_1QhX2bLkdIwHu7ix%010d" % i
        session = event["data"]["object"]
        session["id"] = "cs_live_a1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvWxYz%010d" % i
        session["payment_intent"] = "pi_3QhX2aLkdIwHu7ix%08d" % i
        session["client_reference_id"] = "%032x" % (i * 2654435761)
        session["amount_total"] = session["amount_subtotal"] = 100 + i % 100000
        line = json.dumps(event, separators=(",", ":"), ensure_ascii=False) + "\n"
        out.write(line)
        written += len(line.encode("utf-8"))
        i += 1
print(f"{i} lines, {written / 1e6:.1f} MB in {sys.argv[2]}")
GENERATE

# Best of five runs, output discarded. CPU time (user + system) is the figure
# that holds on a busy machine; wall time is shown beside it.
/usr/bin/python3 - "$cli" "$input" <<'MEASURE'
import os, resource, subprocess, sys, time
cli, path = sys.argv[1], sys.argv[2]
size = os.path.getsize(path)

def best(command):
    wall = cpu = float("inf")
    for _ in range(5):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        with open(os.devnull, "wb") as sink:
            subprocess.run(command, stdout=sink, check=False)
        wall = min(wall, time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = min(cpu, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall, cpu

def row(name, times, note=""):
    wall, cpu = times
    print(f"  {name:<30} {size / cpu / 1e6:7.1f} MB/s CPU ({cpu:.3f} s)  {size / wall / 1e6:7.1f} MB/s wall{note}")

lines = subprocess.run([cli, "convert", "--lines", path], capture_output=True).stdout.count(b"\n")
row("reference: cat to /dev/null", best(["cat", path]))
row("clickref convert --lines", best([cli, "convert", "--lines", path]),
    f"  (target >= 300 MB/s; {lines} lines out)")
MEASURE
