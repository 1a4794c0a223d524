"""A WSGI application (standard library only) that does affiliate attribution
for Stripe Payment Links with clickref.

Routes:
  GET  /landing?click_id=…  the pricing page; clickref's WSGI middleware keeps
                            the click id in a first-party cookie and puts it on
                            the page's payment links
  POST /stripe/postback     the Stripe webhook endpoint: verify the delivery and
                            record one conversion per purchase

Run:
  python3 app.py            the demo: serve on a free 127.0.0.1 port, play a
                            visitor and Stripe, print what happens
  python3 app.py --serve    serve on 127.0.0.1:8000 until interrupted

Configuration: STRIPE_WEBHOOK_SECRET (comma-separated during a rotation),
TRACKNOW_POSTBACK_URL (only printed here: a real receiver would call it).
"""

import http.client
import os
import sys
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import clickref

SECRETS = os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_example").split(",")
POSTBACK_BASE = os.environ.get("TRACKNOW_POSTBACK_URL", "https://acme-tracking.tracknow.info/postback")
PRICING_PAGE = """<!doctype html>
<title>Pricing</title>
<a href="https://buy.stripe.com/test_8wM5lq3Xp">Buy Pro</a>
<stripe-buy-button buy-button-id="buy_btn_1Example" publishable-key="pk_test_example"></stripe-buy-button>
"""

conversions = {}  # dedupe_key -> Conversion: one row per purchase, whichever event reports it


def respond(start_response, status, body, content_type="text/plain"):
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def stripe_postback(environ, start_response):
    payload = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    try:
        conversion = clickref.construct_event(payload, environ.get("HTTP_STRIPE_SIGNATURE", ""), SECRETS)
    except clickref.EventError as e:
        if e.code == clickref.Status.E_UNSUPPORTED_EVENT:  # acknowledge, so that Stripe does not retry it
            return respond(start_response, "204 No Content", b"")
        return respond(start_response, "400 Bad Request", e.status.encode())
    except clickref.SignatureVerificationError as e:
        return respond(start_response, "400 Bad Request", e.status.encode())
    conversions[conversion.dedupe_key] = conversion
    if conversion.click_id_valid:
        print("   Tracknow postback:", conversion.postback_url(POSTBACK_BASE, goal="sale"))
    return respond(start_response, "200 OK", conversion.to_json().encode(), "application/json")


def landing(environ, start_response):
    # The plain page: the middleware below keeps the click id and tags its links.
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [PRICING_PAGE.encode()]


def routes(environ, start_response):
    route = (environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
    if route == ("POST", "/stripe/postback"):
        return stripe_postback(environ, start_response)
    if route == ("GET", "/landing"):
        return landing(environ, start_response)
    return respond(start_response, "404 Not Found", b"not found")


# Every HTML response: Set-Cookie from ?click_id=, and the id on its payment
# links (streaming). JSON and other responses pass through untouched.
application = clickref.ClickrefWSGIMiddleware(routes)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def demo():
    server = make_server("127.0.0.1", 0, application, handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def request(method, target, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port)
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        result = response.status, response.getheader("Set-Cookie"), response.read().decode()
        connection.close()
        return result

    print("== a visitor arrives from an affiliate: GET /landing?click_id=aff_42")
    status, cookie, page = request("GET", "/landing?click_id=aff_42")
    print(status, "Set-Cookie:", cookie)
    print(page.strip())

    payload = (Path(__file__).resolve().parent.parent / "data" / "checkout-session-completed.json").read_bytes()
    header = clickref.sign_payload(payload, SECRETS[0])
    print("== Stripe delivers checkout.session.completed: POST /stripe/postback")
    delivered = request("POST", "/stripe/postback", payload, {"Stripe-Signature": header})
    print(delivered[0], delivered[2])
    print("== a forged delivery (one byte changed)")
    forged = request("POST", "/stripe/postback", payload.replace(b"4900", b"4901", 1), {"Stripe-Signature": header})
    print(forged[0], forged[2])
    server.shutdown()
    if (status, delivered[0], forged[0], len(conversions)) != (200, 200, 400, 1):
        print("== unexpected answers: see above")
        return 1
    print("== one conversion recorded, the forgery refused")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        with make_server("127.0.0.1", 8000, application) as httpd:
            print("serving on http://127.0.0.1:8000 (POST /stripe/postback, GET /landing?click_id=…)")
            httpd.serve_forever()
    sys.exit(demo())
