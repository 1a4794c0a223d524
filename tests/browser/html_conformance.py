#!/usr/bin/python3
"""Browser conformance of `clickref rewrite-html`.

For every page of cases.py, two versions are loaded in headless Chromium:
the original, on which the seed's link snippet runs (click id seeded in
localStorage), and clickref's rewrite of it, on which nothing runs. Each
reports its links (harness.js), and they must agree:

  - the same elements and text (outside <noscript>), the same links;
  - a payment link (clickref's rule) has, after clickref, the origin, path,
    fragment and parameter list the snippet gives it — where the snippet
    reaches it; where it does not (upper-case scheme or host, SVG and
    MathML links, <template>, white space around the URL, a link after one
    that made the snippet throw), what the snippet's
    url.searchParams.set('client_reference_id', id) gives;
  - any other link keeps its href byte for byte, even where the snippet's
    prefix selector rewrote it (look-alike hosts, other ports);
  - every <stripe-buy-button> and <stripe-pricing-table> has the click id.

usage: html_conformance.py CLICKREF_CLI [--keep]
Exits 77 (CTest: skipped) when /usr/bin/chromium is not installed.
"""

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cases import CASES  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CLICK_ID = "tn_browser-42"
SKIPPED = 77


def page_for(case, harness, extra_head=""):
    head = '<meta charset="utf-8"><script>' + harness + "</script>" + extra_head
    if case["raw"]:
        return head + case["html"]
    return "<!DOCTYPE html><html><head>" + head + "</head><body>" + case["html"] + "</body></html>"


def index_page(frames):
    """Loads every page in an iframe and collects what they post."""
    iframes = "".join('<iframe src="%s"></iframe>' % src for src in frames)
    return """<!DOCTYPE html><html><head><meta charset="utf-8"><script>
var expected = %d, results = [], written = false;
function write() {
  if (written) return;
  written = true;
  var out = document.createElement('div');
  out.id = 'clickref-results';
  out.textContent = btoa(unescape(encodeURIComponent(JSON.stringify(results))));
  document.documentElement.appendChild(out);
}
window.addEventListener('message', function (e) {
  results.push(JSON.parse(e.data));
  if (results.length === expected) write();
});
window.addEventListener('load', function () { setTimeout(write, 5000); });
</script></head><body>%s</body></html>""" % (len(frames), iframes)


def run_chromium(index_url):
    profile = tempfile.mkdtemp(prefix="clickref-chromium-")
    try:
        command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--user-data-dir=" + profile, "--virtual-time-budget=60000",
                   "--dump-dom", index_url]
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=240)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    match = re.search(rb'id="clickref-results">([A-Za-z0-9+/=]*)<', done.stdout)
    if not match:
        sys.stderr.write(done.stderr.decode("utf-8", "replace")[-2000:])
        raise SystemExit("chromium did not report (exit %d)" % done.returncode)
    return json.loads(base64.b64decode(match.group(1)).decode("utf-8"))


def compare(name, original, rewritten):
    """The differences between the two reports, as sentences."""
    problems = []
    if original["elements"] != rewritten["elements"]:
        problems.append("element count %d, after clickref %d" % (original["elements"], rewritten["elements"]))
    if original["text"] != rewritten["text"]:
        problems.append("the text differs after clickref")
    before, after = original["anchors"], rewritten["anchors"]
    if len(before) != len(after):
        return problems + ["%d links, after clickref %d" % (len(before), len(after))]
    for i, (o, r) in enumerate(zip(before, after)):
        where = "link %d (%r)" % (i, o["raw"])
        if not o["paymentLink"]:
            if r["raw"] != o["raw"]:
                problems.append("%s is no payment link but became %r" % (where, r["raw"]))
            continue
        reached = o["snippetChanged"] and not o["inTemplate"]
        if reached and o["afterSnippet"] != o["withClickId"]:
            problems.append("%s: harness and snippet disagree: %r vs %r" % (where, o["afterSnippet"], o["withClickId"]))
        expected = o["afterSnippet"] if reached else o["withClickId"]
        if r["parsed"] != expected:
            problems.append("%s: clickref gives %r (%r), the snippet %r" % (where, r["parsed"], r["raw"], expected))
    stripe_before, stripe_after = original["stripeElements"], rewritten["stripeElements"]
    if len(stripe_before) != len(stripe_after):
        problems.append("%d Stripe elements, after clickref %d" % (len(stripe_before), len(stripe_after)))
    for i, value in enumerate(stripe_after):
        if value != CLICK_ID:
            problems.append("Stripe element %d has client-reference-id %r" % (i, value))
    return problems


def describe(original):
    """What the page exercises, for the log."""
    notes = []
    links = original["anchors"]
    payment = [a for a in links if a["paymentLink"]]
    notes.append("%d links, %d payment links" % (len(links), len(payment)))
    unreached = [a for a in payment if not (a["snippetChanged"] and not a["inTemplate"])]
    if unreached:
        notes.append("%d beyond the snippet" % len(unreached))
    overreached = [a for a in links if a.get("snippetChanged") and not a["paymentLink"]]
    if overreached:
        notes.append("%d look-alike(s) the snippet rewrote" % len(overreached))
    if original.get("snippetError"):
        notes.append("snippet threw: " + original["snippetError"])
    if original["stripeElements"]:
        notes.append("%d Stripe elements" % len(original["stripeElements"]))
    return "; ".join(notes)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    cli = sys.argv[1]
    keep = "--keep" in sys.argv[2:]
    if not os.access(CHROMIUM, os.X_OK):
        print("SKIPPED: %s is not installed (apt-get install chromium); the browser conformance test needs it"
              % CHROMIUM)
        return SKIPPED

    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "harness.js"), encoding="utf-8") as f:
        harness = f.read().replace("__CLICK_ID__", CLICK_ID)
    work = tempfile.mkdtemp(prefix="clickref-browser-")
    frames = []
    for number, case in enumerate(CASES):
        stem = "%02d-%s" % (number, case["name"])
        original = page_for(case, harness).encode("utf-8")
        done = subprocess.run([cli, "rewrite-html", "--click-id", CLICK_ID], input=original,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        if done.returncode != 0:
            raise SystemExit("%s: clickref failed: %s" % (stem, done.stderr.decode("utf-8", "replace")))
        for suffix, data in ((".html", original), (".clickref.html", done.stdout)):
            with open(os.path.join(work, stem + suffix), "wb") as f:
                f.write(data)
        frames += [stem + ".html?mode=snippet", stem + ".clickref.html?mode=plain"]
    index = os.path.join(work, "index.html")
    with open(index, "w", encoding="utf-8") as f:
        f.write(index_page(frames))

    reports = {(r["page"], r["mode"]): r for r in run_chromium("file://" + index)}
    failures = 0
    for number, case in enumerate(CASES):
        stem = "%02d-%s" % (number, case["name"])
        original = reports.get((stem + ".html", "snippet"))
        rewritten = reports.get((stem + ".clickref.html", "plain"))
        if original is None or rewritten is None:
            problems, summary = ["the page did not report"], ""
        else:
            problems, summary = compare(stem, original, rewritten), describe(original)
        failures += bool(problems)
        print("%s %s%s" % ("not ok" if problems else "ok", stem, " — " + summary if summary else ""))
        for problem in problems:
            print("    " + problem)
    print("%d pages, %d failed (chromium: %s)" % (len(CASES), failures, CHROMIUM))
    if keep or failures:
        print("pages kept in " + work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
