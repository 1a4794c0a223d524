"""A real browser walks the visitor's path: headless Chromium (Debian's)
lands on /?click_id=…, opens /pricing, and every payment link in the DOM it
renders must carry the click id, with the cookie in its jar. And the
operator's dashboard: refused without its token, rendered with it (a
screenshot is kept in CLICKREF_TEST_ARTIFACTS).

Run by CTest with CLICKREF_SERVER and CLICKREF_CHROMIUM set.
"""

import base64
import json
import os
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import stripe_events as se
from cdp import Chromium
from harness import Server, hrefs_by_text

CHROMIUM = os.environ.get("CLICKREF_CHROMIUM", "/usr/bin/chromium")
PAYMENT_HOSTS = {"buy.stripe.com", "pay.acme.test"}


@contextmanager
def chromium(tmp_path):
    browser = Chromium(CHROMIUM, tmp_path / "profile")
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def server(tmp_path):
    # A custom payment domain too: the seed snippet's selector misses it, the server does not.
    with Server(tmp_path, "--payment-host", "pay.acme.test") as s:
        yield s


def payment_links(html):
    return [(text, href) for text, href in hrefs_by_text(html)
            if text != "<stripe-pricing-table>" and href and urlsplit(href).hostname in PAYMENT_HOSTS]


def check_pricing_dom(html, click_id):
    links = payment_links(html)
    assert [text for text, _ in links] == ["Buy Starter", "Buy Team", "Buy Yearly", "Buy Starter on pay.acme.test"]
    for text, href in links:
        assert parse_qs(urlsplit(href).query).get("client_reference_id") == [click_id], (text, href)
    team = [href for text, href in links if text == "Buy Team"][0]
    assert parse_qs(urlsplit(team).query)["prefilled_promo_code"] == ["LAUNCH"]
    assert urlsplit([href for text, href in links if text == "Buy Yearly"][0]).fragment == "yearly"
    assert ("<stripe-pricing-table>", click_id) in hrefs_by_text(html)
    others = [href for text, href in hrefs_by_text(html) if (text, href) not in links and text != "<stripe-pricing-table>"]
    assert others == ["/", "/pricing", "/dashboard", "https://docs.stripe.com/payment-links"]


def check_cookie_jar(browser, context, click_id):
    jar = {c["name"]: c for c in browser.cookies(context)}
    cookie = jar["tn_click_id"]
    assert cookie["value"] == click_id
    assert cookie["path"] == "/"
    assert cookie["sameSite"] == "Lax"
    assert cookie["secure"] is True
    assert abs(cookie["expires"] - (time.time() + 365 * 86400)) < 120


def pricing_request_line(server):
    return [line for line in server.request_lines(2) if line["path"] == "/pricing"][-1]


def test_the_browser_carries_the_click_id_to_every_payment_link(server, tmp_path):
    base = f"http://127.0.0.1:{server.port}"
    with chromium(tmp_path) as browser:
        tab, context = browser.open_tab()
        browser.navigate(tab, base + "/?click_id=aff_browser_1")
        browser.navigate(tab, base + "/pricing")
        check_pricing_dom(browser.outer_html(tab), "aff_browser_1")
        check_cookie_jar(browser, context, "aff_browser_1")
        stored = browser.send("Runtime.evaluate", {"expression": "localStorage.getItem('tn_click_id')"},
                              session=tab)["result"]["value"]
        assert stored == "aff_browser_1"
    # The browser sent the cookie back: the server rewrote /pricing from it.
    line = pricing_request_line(server)
    assert (line["click_id"], line["click_id_from"]) == ("aff_browser_1", "cookie")


def test_with_scripts_off_the_server_alone_carries_the_click_id(server, tmp_path):
    base = f"http://127.0.0.1:{server.port}"
    with chromium(tmp_path) as browser:
        tab, context = browser.open_tab()
        browser.send("Emulation.setScriptExecutionDisabled", {"value": True}, session=tab)
        browser.navigate(tab, base + "/?click_id=aff_no_js")
        browser.navigate(tab, base + "/pricing")
        check_pricing_dom(browser.outer_html(tab), "aff_no_js")
        check_cookie_jar(browser, context, "aff_no_js")
    assert pricing_request_line(server)["click_id_from"] == "cookie"


# A single-page app adds a buy link and a buy button after load, on the
# custom payment domain too: only the page's /clickref.js can tag them.
INSERT_LATER = """
new Promise(function (resolve) {
  var box = document.createElement('div');
  box.innerHTML = '<a id="later" href="https://pay.acme.test/b/test_later">Buy later</a>' +
      '<a id="foreign" href="https://buy.stripe.com.evil.test/x">not a payment link</a>' +
      '<stripe-buy-button id="button" buy-button-id="buy_btn_1" publishable-key="pk_test"></stripe-buy-button>';
  document.body.appendChild(box);
  setTimeout(function () {
    resolve([document.getElementById('later').href, document.getElementById('foreign').href,
             document.getElementById('button').getAttribute('client-reference-id')].join(' '));
  }, 50);
})
"""


def test_links_added_after_load_are_tagged_by_the_snippet(server, tmp_path):
    base = f"http://127.0.0.1:{server.port}"
    with chromium(tmp_path) as browser:
        tab, _ = browser.open_tab()
        browser.navigate(tab, base + "/?click_id=aff_spa_1")
        browser.navigate(tab, base + "/pricing")
        result = browser.send("Runtime.evaluate", {"expression": INSERT_LATER, "awaitPromise": True},
                              session=tab)["result"]["value"]
    assert result.split(" ") == ["https://pay.acme.test/b/test_later?client_reference_id=aff_spa_1",
                                 "https://buy.stripe.com.evil.test/x", "aff_spa_1"]


def test_the_dashboard_needs_its_token_and_renders_in_the_browser(tmp_path):
    token = "dash-token-7c1e"
    with Server(tmp_path, env={"CLICKREF_DASHBOARD_TOKEN": token}) as s:
        for p in range(3):
            for ev in se.paid_purchase(f"dash{p}", f"aff_dash{p}"):
                assert s.deliver(se.body(ev)).status == 200
        base = f"http://127.0.0.1:{s.port}"
        with chromium(tmp_path) as browser:
            tab, _ = browser.open_tab()
            browser.navigate(tab, base + "/dashboard")
            refused = browser.outer_html(tab)
            assert '"error":"unauthorized"' in refused and "aff_dash0" not in refused

            browser.send("Network.enable", session=tab)
            browser.send("Network.setExtraHTTPHeaders", {"headers": {"Authorization": f"Bearer {token}"}}, session=tab)
            browser.navigate(tab, base + "/dashboard")
            page = browser.send("Runtime.evaluate", {"expression": """JSON.stringify({
                rows: document.querySelectorAll('tr.conversion').length,
                clicks: Array.from(document.querySelectorAll('tr.conversion')).map(r => r.textContent),
                bars: Array.from(document.querySelectorAll('#chart rect.bar')).map(b => b.dataset.count),
                chartWidth: document.getElementById('chart').getBoundingClientRect().width})"""},
                                session=tab)["result"]["value"]
            # The whole page in one picture: a viewport as tall as the page.
            height = browser.send("Runtime.evaluate", {"expression": "document.documentElement.scrollHeight"},
                                  session=tab)["result"]["value"]
            browser.send("Emulation.setDeviceMetricsOverride",
                         {"width": 1100, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=tab)
            shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=tab)["data"]
    rendered = json.loads(page)
    assert rendered["rows"] == 3
    assert all(any(f"aff_dash{p}" in row for row in rendered["clicks"]) for p in range(3))
    # The three sales were on one day, drawn among two weeks of days.
    assert rendered["bars"] == ["0"] * 13 + ["3"] and rendered["chartWidth"] > 100
    png = base64.b64decode(shot)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    artifacts = Path(os.environ.get("CLICKREF_TEST_ARTIFACTS", tmp_path))
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "dashboard.png").write_bytes(png)
    print(f"dashboard screenshot: {artifacts / 'dashboard.png'} ({len(png)} bytes)")
