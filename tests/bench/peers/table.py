"""Prints the peer comparison as a Markdown table (ready for the README).

    /usr/bin/python3 table.py RESULTS_FILE SHARED_BENCH_DIR

RESULTS_FILE holds the "result<TAB>operation<TAB>implementation<TAB>ns" lines
of clickref_peers, peers.mjs and peers.py. The speed-up column is the time
of the peer over that of clickref's C API doing the same work ("clickref C");
the other clickref rows (a prepared verifier, the Python binding) get their
ratios below the table. The targets are the ones of the project's issue.
"""
import datetime
import os
import platform
import sys

OPERATIONS = {
    "verify+parse": "verify + parse `checkout-session-completed.json` ({size:,} B)",
    "html": "rewrite payment links in `pricing-page.html` ({size:,} B)",
    "click_id": "click id from a landing URL (1 000 URLs)",
}
INPUT_FILES = {"verify+parse": "checkout-session-completed.json", "html": "pricing-page.html"}
# Minimum speed-up of clickref over each peer, by the peer's name.
TARGETS = {"stripe-node": 5, "stripe-python": 50, "html-rewriter-wasm": 15, "cheerio": 100, "Node": 5}
CLICKREF_C = "clickref C"


def duration(ns):
    if ns < 1_000:
        return f"{ns:.0f} ns"
    if ns < 1_000_000:
        return f"{ns / 1_000:.2f} µs"
    return f"{ns / 1_000_000:.2f} ms"


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{model}, {os.cpu_count()} cores, Linux {platform.release()}, {datetime.date.today().isoformat()}"


def main():
    results_file, shared_dir = sys.argv[1], sys.argv[2]
    results = {}
    with open(results_file) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 4 and fields[0] == "result":
                results.setdefault(fields[1], []).append((fields[2], float(fields[3])))

    print(f"Machine: {machine()}\n")
    print("| operation | implementation | time per op | clickref C speed-up | target |")
    print("|---|---|---:|---:|---|")
    missed, notes = [], []
    for operation, title in OPERATIONS.items():
        rows = results.get(operation, [])
        size = os.path.getsize(os.path.join(shared_dir, INPUT_FILES[operation])) if operation in INPUT_FILES else 0
        ours = dict(rows).get(CLICKREF_C)
        first = True
        for implementation, ns in sorted(rows, key=lambda row: row[1]):
            cells = [title.format(size=size) if first else "", implementation, duration(ns), "", ""]
            first = False
            if ours and not implementation.startswith("clickref"):
                speedup = ns / ours
                cells[3] = f"{speedup:.1f}×"
                target = next((t for name, t in TARGETS.items() if implementation.startswith(name)), None)
                if target:
                    met = speedup >= target
                    cells[4] = f"≥ {target}× {'met' if met else 'MISSED'}"
                    if not met:
                        missed.append(f"{operation}: {speedup:.1f}× over {implementation}, target {target}×")
            print("| " + " | ".join(cells) + " |")
        peers = [(name, ns) for name, ns in rows if not name.startswith("clickref")]
        for name, ns in rows:
            if name.startswith("clickref") and name != CLICKREF_C and peers:
                ratios = ", ".join(f"{peer_ns / ns:.1f}× {peer}" for peer, peer_ns in peers)
                notes.append(f"{name}: {ratios}")
    if notes:
        print("\nThe other clickref rows against the same peers:\n" + "\n".join(f"- {n}" for n in notes))
    if missed:
        print("\nTargets missed:\n" + "\n".join(f"- {m}" for m in missed))


if __name__ == "__main__":
    main()
