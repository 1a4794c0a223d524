"""clickref-server --tenants: routing by Host and by path, per-tenant secrets
and rows, SIGHUP reload (rotation under load, a bad file keeps the old set).

Run by CTest with CLICKREF_SERVER set.
"""

import signal
import threading
import time

import pytest

import stripe_events as se
from harness import Server, wait_until

ACME_OLD = "whsec_acme_old_0123456789abcdef0123456789ab"
ACME_NEW = "whsec_acme_new_fedcba9876543210fedcba987654"
GLOBEX = "whsec_globex_00112233445566778899aabbccdd"


def tenants_toml(acme_secrets, extra=""):
    listed = ", ".join(f'"{s}"' for s in acme_secrets)
    return f"""
[tenants.acme]
hosts = ["Acme-Tracking.Tracknow.Info"]
secrets = [{listed}]

[tenants.globex]
hosts = ["globex-tracking.tracknow.info"]
secret_env = ["GLOBEX_WHSEC"]
{extra}
"""


@pytest.fixture
def tenants_file(tmp_path):
    path = tmp_path / "tenants.toml"
    path.write_text(tenants_toml([ACME_OLD]))
    return path


@pytest.fixture
def server(tmp_path, tenants_file):
    with Server(tmp_path, "--tenants", str(tenants_file), secrets=(), env={"GLOBEX_WHSEC": GLOBEX}) as s:
        yield s


def purchase(tag, click_id="aff_t"):
    return se.body(se.paid_purchase(tag, click_id)[0])


def rows(server, tenant):
    return [(c["tenant"], c["dedupe_key"]) for c in server.get(f"/conversions?tenant={tenant}").json()["conversions"]]


def all_rows(server):
    return sorted((c["tenant"], c["dedupe_key"]) for c in server.get("/conversions?limit=10000").json()["conversions"])


def reloaded(server, count):
    return wait_until(lambda: len([l for l in server.log_lines() if l.get("msg", "").startswith("tenants reload")]) >= count,
                      what="a reload log line")


def test_routing_by_host_any_case_and_port(server):
    r = server.deliver(purchase("h1"), secret=ACME_OLD, host="ACME-tracking.tracknow.info:8443")
    assert r.status == 200, r.body
    r = server.deliver(purchase("h2"), secret=GLOBEX, host="globex-tracking.tracknow.info")
    assert r.status == 200, r.body
    assert all_rows(server) == [("acme", "pi_h1"), ("globex", "pi_h2")]
    assert rows(server, "acme") == [("acme", "pi_h1")]


def test_routing_by_path(server):
    r = server.deliver(purchase("p1"), secret=GLOBEX, path="/stripe/postback/globex", host="unrelated.example")
    assert r.status == 200, r.body
    assert all_rows(server) == [("globex", "pi_p1")]


def test_unknown_tenant_is_404_and_stores_nothing(server):
    assert server.deliver(purchase("u1"), secret=ACME_OLD, host="nobody.example").status == 404
    r = server.deliver(purchase("u2"), secret=ACME_OLD, path="/stripe/postback/nobody")
    assert (r.status, r.json()["error"]) == (404, "unknown_tenant")
    assert all_rows(server) == []
    assert server.get("/conversions?tenant=nobody").status == 404


def test_a_secret_of_tenant_a_is_refused_at_tenant_b(server):
    r = server.deliver(purchase("x1"), secret=ACME_OLD, path="/stripe/postback/globex")
    assert r.status == 400
    assert r.json()["error"] == "CLICKREF_E_SIG_MISMATCH"
    r = server.deliver(purchase("x2"), secret=GLOBEX, host="acme-tracking.tracknow.info")
    assert r.status == 400
    assert all_rows(server) == []


def test_the_same_ids_at_two_tenants_are_two_rows(server):
    body = purchase("same")
    assert server.deliver(body, secret=ACME_OLD, path="/stripe/postback/acme").json()["outcome"] == "recorded"
    assert server.deliver(body, secret=GLOBEX, path="/stripe/postback/globex").json()["outcome"] == "recorded"
    assert all_rows(server) == [("acme", "pi_same"), ("globex", "pi_same")]


def test_promotion_codes_are_per_tenant(tmp_path):
    path = tmp_path / "tenants.toml"
    path.write_text(tenants_toml([ACME_OLD]).replace(
        "[tenants.globex]", 'promotion_clicks = ["promo_spring=aff_spring"]\n\n[tenants.globex]'))
    with Server(tmp_path, "--tenants", str(path), secrets=(), env={"GLOBEX_WHSEC": GLOBEX}) as s:
        session = se.checkout_session("spring", None)
        session["discounts"] = [{"coupon": "SPRING", "promotion_code": "promo_spring"}]
        body = se.body(se.event("checkout.session.completed", session, "evt_spring"))
        assert s.deliver(body, secret=ACME_OLD, path="/stripe/postback/acme").json()["outcome"] == "recorded"
        assert s.deliver(body, secret=GLOBEX, path="/stripe/postback/globex").json()["outcome"] == "recorded"
        clicks = sorted((c["tenant"], c["click_id"]) for c in s.get("/conversions").json()["conversions"])
        assert clicks == [("acme", "aff_spring"), ("globex", None)]
    # A code mapped to an id Stripe would drop is refused at start, naming the key.
    path.write_text(tenants_toml([ACME_OLD], 'promotion_clicks = ["promo_x=not valid"]'))
    bad = Server(tmp_path, "--tenants", str(path), secrets=(), env={"GLOBEX_WHSEC": GLOBEX}, name="bad")
    with pytest.raises(AssertionError, match="promotion_clicks expects CODE=CLICK_ID"):
        bad.start()


def test_a_host_shows_only_its_tenant_in_the_listing(server):
    server.deliver(purchase("l1"), secret=ACME_OLD, path="/stripe/postback/acme")
    server.deliver(purchase("l2"), secret=GLOBEX, path="/stripe/postback/globex")
    r = server.get("/conversions", headers={"Host": "globex-tracking.tracknow.info"})
    assert [c["dedupe_key"] for c in r.json()["conversions"]] == ["pi_l2"]
    r = server.get("/conversions?tenant=acme", headers={"Host": "globex-tracking.tracknow.info"})
    assert r.status == 404


def test_bad_reload_keeps_the_old_tenants_and_says_where(server, tenants_file):
    tenants_file.write_text(tenants_toml([ACME_OLD]) + "\n[tenants.broken\n")
    server.proc.send_signal(signal.SIGHUP)
    reloaded(server, 1)
    failed = [l for l in server.log_lines() if l.get("msg", "").startswith("tenants reload failed")]
    assert len(failed) == 1
    assert "line 11" in failed[0]["error"], failed[0]
    # An unknown key is refused too, and no secret reaches the log.
    tenants_file.write_text(tenants_toml([ACME_NEW], extra='secret = "whsec_typo"'))
    server.proc.send_signal(signal.SIGHUP)
    reloaded(server, 2)
    log = server.log_path.read_text()
    assert "unknown key secret" in log
    assert ACME_NEW not in log and ACME_OLD not in log and "whsec_typo" not in log
    assert server.deliver(purchase("b1"), secret=ACME_OLD, path="/stripe/postback/acme").status == 200
    assert server.deliver(purchase("b2"), secret=ACME_NEW, path="/stripe/postback/acme").status == 400


def test_rotation_under_load_loses_nothing(server, tenants_file):
    """A sender signs with the old secret, then (once the overlap is loaded) the
    new one; the file goes old → old+new → new. Every delivery must be 200."""
    statuses, stop = [], threading.Event()
    current = {"secret": ACME_OLD}

    def send():
        n = 0
        while not stop.is_set():
            r = server.deliver(purchase(f"rot{n}"), secret=current["secret"], path="/stripe/postback/acme")
            statuses.append((n, r.status))
            n += 1

    sender = threading.Thread(target=send)
    sender.start()
    try:
        time.sleep(0.3)
        tenants_file.write_text(tenants_toml([ACME_OLD, ACME_NEW]))
        server.proc.send_signal(signal.SIGHUP)
        reloaded(server, 1)
        time.sleep(0.3)
        current["secret"] = ACME_NEW
        time.sleep(0.3)
        tenants_file.write_text(tenants_toml([ACME_NEW]))
        server.proc.send_signal(signal.SIGHUP)
        reloaded(server, 2)
        time.sleep(0.3)
    finally:
        stop.set()
        sender.join()
    assert len(statuses) > 20
    assert [s for s in statuses if s[1] != 200] == []
    stored = {key for _, key in all_rows(server)}
    assert stored == {f"pi_rot{n}" for n, _ in statuses}
    # The old secret is gone now.
    assert server.deliver(purchase("late"), secret=ACME_OLD, path="/stripe/postback/acme").status == 400


def test_without_tenants_the_path_form_is_404(tmp_path):
    with Server(tmp_path) as s:
        assert s.deliver(purchase("single"), path="/stripe/postback/acme").status == 404
        assert s.deliver(purchase("single")).status == 200
        s.proc.send_signal(signal.SIGHUP)  # no file: logged and ignored, the server keeps running
        wait_until(lambda: any(l.get("msg", "").startswith("SIGHUP ignored") for l in s.log_lines()))
        assert s.get("/healthz").status == 200


def test_a_bad_tenants_file_at_start_is_a_usage_error(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[tenants.acme]\nhosts = ["a.example"]\n')
    s = Server(tmp_path, "--tenants", str(path), secrets=())
    with pytest.raises(AssertionError, match="exited with 2"):
        s.start()
    assert "no endpoint secret" in s.log_path.read_text()
