#!/usr/bin/python3
"""bindings/js/clickref.js in headless Chromium, against the server side.

Every page of cases.py is loaded twice from a loopback HTTP server: as
clickref's server-side rewrite (`clickref rewrite-html`, no script runs) and
as the original page with clickref.js in its head. Their links must agree:
a payment link gets the same origin, path, fragment and parameter list, any
other link keeps its href byte for byte, and every <stripe-buy-button> and
<stripe-pricing-table> gets the click id.

Then pages clickref.js must handle on its own, each with the click ids it
must end with written out by hand: links, buy buttons and pricing tables
inserted or re-pointed after load (a single-page app), a malformed or
invalid cookie (it falls back to localStorage), the id only in ?click_id=.

Each page is served under its own path, and the cookie the page starts with
is set by the server for that path only, so the frames do not share it. A
page that finds the id in its URL keeps it in localStorage and a Path=/
cookie, which every page of the origin would then see, so each such page is
loaded in a browser of its own (a fresh profile).

usage: snippet_conformance.py CLICKREF_CLI
Exits 77 (CTest: skipped) when /usr/bin/chromium is not installed.
"""

import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cases import CASES, L  # noqa: E402
from html_conformance import CHROMIUM, CLICK_ID, SKIPPED, index_page, page_for, run_chromium  # noqa: E402

SNIPPET = os.path.join(HERE, "..", "..", "bindings", "js", "clickref.js")
# The cookie every page starts with unless its case says otherwise, as the
# server's Set-Cookie writes it (encodeURIComponent of a valid id).
GOOD_COOKIE = "tn_click_id=" + CLICK_ID
# Seeded before clickref.js runs, for the pages whose cookie is unusable.
SEED_STORAGE = "<script>try { localStorage.setItem('tn_click_id', %r); } catch (e) {}</script>" % CLICK_ID
SNIPPET_TAG = '<script src="/clickref.js"></script>'

AFTER_LOAD = "<script>addEventListener('load', function () { setTimeout(function () { %s }, 0); });</script>"
EVIL = "https://buy.stripe.com.evil.example/x"


def own_case(name, html, expect, cookie=GOOD_COOKIE, query=""):
    """A page for clickref.js alone; `expect` lists, per <a> in document
    order, the client_reference_id values its href must end with, then one
    entry "stripe:N" for the number of Stripe elements that must carry the id."""
    return {"name": name, "html": html, "raw": False, "expect": expect, "cookie": cookie, "query": query}


OWN_CASES = [
    own_case("inserted-after-load",
             '<div id="app"></div>' + AFTER_LOAD % (
                 "document.getElementById('app').innerHTML = "
                 "'<p><a href=\"%s?locale=fr\">buy</a><a href=\"%s\">evil</a><a href=\"/docs\">docs</a></p>';" % (L, EVIL)),
             [[CLICK_ID], [], [], "stripe:0"]),
    own_case("re-pointed-after-load",
             '<a id="x" href="/docs">later a payment link</a><a id="y" href="%s">later elsewhere</a>' % L
             + AFTER_LOAD % ("document.getElementById('x').href = %r; document.getElementById('y').href = '/y';" % L),
             [[CLICK_ID], [], "stripe:0"]),
    own_case("existing-client-reference-ids-after-load",
             '<div id="app"></div>' + AFTER_LOAD % (
                 "var a = document.createElement('a'); a.href = %r;"
                 "document.getElementById('app').appendChild(a);" % (L + "?client_reference_id=old&x=1&client_reference_id=old2")),
             [[CLICK_ID], "stripe:0"]),
    own_case("buy-button-and-pricing-table-after-load",
             '<div id="app"></div>' + AFTER_LOAD % (
                 "document.getElementById('app').innerHTML = '<stripe-buy-button buy-button-id=\"buy_1\" "
                 "publishable-key=\"pk_test_1\"></stripe-buy-button><stripe-pricing-table pricing-table-id=\"prctbl_1\" "
                 "client-reference-id=\"someone-else\"></stripe-pricing-table>';"),
             ["stripe:2"]),
    own_case("malformed-cookie-falls-back-to-storage", '<a href="%s">buy</a>' % L, [[CLICK_ID], "stripe:0"],
             cookie="tn_click_id=%E0%A4%A"),
    own_case("invalid-id-in-cookie-falls-back-to-storage", '<a href="%s">buy</a>' % L, [[CLICK_ID], "stripe:0"],
             cookie="tn_click_id=" + urllib.parse.quote("not valid!")),
    own_case("server-set-cookie-wins-over-storage", '<a href="%s">buy</a>' % L, [["from-cookie_1"], "stripe:0"],
             cookie="tn_click_id=from-cookie_1"),
    own_case("id-from-the-query", '<a href="%s">buy</a>' % L, [["from-query_7"], "stripe:0"],
             cookie=None, query="&click_id=from-query_7"),
]


def serve(root, cookies):
    """A loopback HTTP server for `root`; a page's Set-Cookie comes from
    `cookies` (keyed by its directory), scoped to that directory."""
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=root, **kwargs)

        def end_headers(self):
            directory = urllib.parse.urlsplit(self.path).path.rsplit("/", 1)[0] + "/"
            if cookies.get(directory):
                self.send_header("Set-Cookie", cookies[directory] + "; Path=" + directory)
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def compare_with_server(js, rewritten):
    problems = []
    if len(js["anchors"]) != len(rewritten["anchors"]):
        return ["%d links with clickref.js, %d after rewrite-html" % (len(js["anchors"]), len(rewritten["anchors"]))]
    for i, (j, r) in enumerate(zip(js["anchors"], rewritten["anchors"])):
        if r["paymentLink"]:
            if j["parsed"] != r["parsed"]:
                problems.append("payment link %d: clickref.js gives %r, rewrite-html %r" % (i, j["parsed"], r["parsed"]))
        elif j["raw"] != r["raw"]:
            problems.append("link %d: clickref.js made %r of %r" % (i, j["raw"], r["raw"]))
    if len(js["stripeElements"]) != len(rewritten["stripeElements"]):
        problems.append("Stripe element count differs")
    problems += ["Stripe element %d has %r" % (i, v) for i, v in enumerate(js["stripeElements"]) if v != CLICK_ID]
    return problems


def compare_with_expectation(js, expect):
    problems = []
    links, stripe = expect[:-1], int(expect[-1].split(":")[1])
    if len(js["anchors"]) != len(links):
        return ["%d links, expected %d" % (len(js["anchors"]), len(links))]
    for i, (a, ids) in enumerate(zip(js["anchors"], links)):
        got = [v for k, v in (a["parsed"] or {"params": []})["params"] if k == "client_reference_id"]
        if got != ids:
            problems.append("link %d (%r): client_reference_id %r, expected %r" % (i, a["raw"], got, ids))
    tagged = [v for v in js["stripeElements"] if v == CLICK_ID]
    if len(tagged) != stripe or len(js["stripeElements"]) != stripe:
        problems.append("Stripe elements %r, expected %d with the id" % (js["stripeElements"], stripe))
    return problems


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    cli = sys.argv[1]
    if not os.access(CHROMIUM, os.X_OK):
        print("SKIPPED: %s is not installed (apt-get install chromium)" % CHROMIUM)
        return SKIPPED
    with open(os.path.join(HERE, "harness.js"), encoding="utf-8") as f:
        harness = f.read().replace("__CLICK_ID__", CLICK_ID)
    work = tempfile.mkdtemp(prefix="clickref-snippet-")
    shutil.copy(SNIPPET, os.path.join(work, "clickref.js"))
    cookies, checks = {}, []
    frames_by_browser = {"shared": []}  # a page that writes origin-wide state gets a browser of its own

    def add_page(stem, data, cookie, query=""):
        os.makedirs(os.path.join(work, "p", stem), exist_ok=True)
        with open(os.path.join(work, "p", stem, "page.html"), "wb") as f:
            f.write(data)
        cookies["/p/%s/" % stem] = cookie
        frame = "/p/%s/page.html?mode=%s%s" % (stem, "plain" if stem.endswith(".server") else "clickrefjs", query)
        frames_by_browser.setdefault(stem if query else "shared", []).append(frame)

    for number, case in enumerate(CASES):
        stem = "%02d-%s" % (number, case["name"])
        original = page_for(case, harness).encode("utf-8")
        done = subprocess.run([cli, "rewrite-html", "--click-id", CLICK_ID], input=original,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        if done.returncode != 0:
            raise SystemExit("%s: clickref failed: %s" % (stem, done.stderr.decode("utf-8", "replace")))
        add_page(stem + ".server", done.stdout, None)
        add_page(stem + ".js", page_for(case, harness, SEED_STORAGE + SNIPPET_TAG).encode("utf-8"), GOOD_COOKIE)
        checks.append((stem, lambda r, s=stem: compare_with_server(r[s + ".js"], r[s + ".server"])))
    for case in OWN_CASES:
        stem = "own-" + case["name"]
        add_page(stem + ".js", page_for(case, harness, SEED_STORAGE + SNIPPET_TAG).encode("utf-8"),
                 case["cookie"], case["query"])
        checks.append((stem, lambda r, s=stem, e=case["expect"]: compare_with_expectation(r[s + ".js"], e)))
    for browser, frames in frames_by_browser.items():
        with open(os.path.join(work, "index-%s.html" % browser), "w", encoding="utf-8") as f:
            f.write(index_page(frames))

    server = serve(work, cookies)
    reports = []
    try:
        for browser in frames_by_browser:
            reports += run_chromium("http://127.0.0.1:%d/index-%s.html" % (server.server_address[1], browser))
    finally:
        server.shutdown()
    by_page = {}
    for report in reports:
        by_page[report["path"].split("/")[2]] = report
    failures = 0
    for stem, check in checks:
        try:
            problems = check(by_page)
        except KeyError:
            problems = ["the page did not report"]
        failures += bool(problems)
        print("%s %s" % ("not ok" if problems else "ok", stem))
        for problem in problems:
            print("    " + problem)
    print("%d pages, %d failed (chromium: %s)" % (len(checks), failures, CHROMIUM))
    if failures:
        print("pages kept in " + work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
