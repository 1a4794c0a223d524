"""The Python side of the peer comparison: stripe-python (Debian's
python3-stripe) and, when it is built, clickref's own Python binding.

    /usr/bin/python3 peers.py SHARED_BENCH_DIR REPO_ROOT

Prints "result<TAB>operation<TAB>implementation<TAB>ns per op" lines, like
clickref_peers, timed the same way: a warm-up, then the median of 15 batches
of about 20 ms each.
"""
import hashlib
import hmac
import sys
import time

import stripe

SECRET = "whsec_peer_benchmark_secret"


def median_ns(fn, reps=15):
    end = time.perf_counter_ns() + 500_000_000
    while time.perf_counter_ns() < end:
        fn()
    batch = 1
    while True:
        start = time.perf_counter_ns()
        for _ in range(batch):
            fn()
        if time.perf_counter_ns() - start > 20_000_000:
            break
        batch *= 2
    samples = []
    for _ in range(reps):
        start = time.perf_counter_ns()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter_ns() - start) / batch)
    return sorted(samples)[reps // 2]


def report(operation, implementation, ns):
    print(f"result\t{operation}\t{implementation}\t{ns:.1f}", flush=True)


def stripe_header(payload, timestamp):
    """The Stripe-Signature header for payload, computed independently."""
    signed = f"{timestamp}.".encode() + payload
    v1 = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={v1}"


def main():
    shared_dir, repo_root = sys.argv[1], sys.argv[2]
    with open(f"{shared_dir}/checkout-session-completed.json", "rb") as f:
        payload = f.read()
    header = stripe_header(payload, int(time.time()))

    def construct():
        return stripe.Webhook.construct_event(payload, header, SECRET, tolerance=3600)

    assert construct().type == "checkout.session.completed"
    report("verify+parse", f"stripe-python {stripe.version.VERSION}", median_ns(construct))

    # The binding finds the library through CLICKREF_LIBRARY (run.sh sets it).
    sys.path.insert(0, f"{repo_root}/bindings/python")
    try:
        import clickref
    except ImportError as error:
        print(f"peers.py: no clickref Python binding ({error}); its row is left out", file=sys.stderr)
        return

    def construct_with_clickref():
        return clickref.construct_event(payload, header, SECRET, tolerance=3600)

    assert construct_with_clickref().click_id
    report("verify+parse", "clickref Python", median_ns(construct_with_clickref))


if __name__ == "__main__":
    main()
