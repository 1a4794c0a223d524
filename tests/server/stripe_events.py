"""Stripe events as Stripe sends them to a webhook endpoint, for the tests.

Written from the shapes in Stripe's API reference (Event, Checkout Session,
Charge, Dispute objects, API version 2024-06-20), trimmed to the fields a
receiver reads plus a few it must ignore. Ids are made up but keep Stripe's
prefixes.
"""

import json

CREATED = 1732627200  # 2024-11-26T13:20:00Z


def event(event_type, obj, event_id, created=CREATED):
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": created,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def checkout_session(tag, click_id, payment_status="paid", amount=4999, currency="usd"):
    return {
        "id": f"cs_test_{tag}",
        "object": "checkout.session",
        "amount_subtotal": amount,
        "amount_total": amount,
        "client_reference_id": click_id,
        "created": CREATED - 60,
        "currency": currency,
        "customer": None,
        "customer_details": {"email": f"buyer-{tag}@example.com", "name": "Jenny Rosen", "phone": None},
        "customer_email": None,
        "invoice": None,
        "livemode": False,
        "metadata": {},
        "mode": "payment",
        "payment_intent": f"pi_{tag}",
        "payment_link": "plink_1AcmeStarter",
        "payment_method_types": ["card", "sepa_debit"],
        "payment_status": payment_status,
        "status": "complete",
        "subscription": None,
        "success_url": "https://example.com/thanks",
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
    }


def charge(tag, amount=4999, refunded=0, metadata=None, currency="usd"):
    return {
        "id": f"ch_{tag}",
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": refunded,
        "billing_details": {"email": f"buyer-{tag}@example.com", "name": "Jenny Rosen"},
        "captured": True,
        "created": CREATED - 30,
        "currency": currency,
        "customer": None,
        "invoice": None,
        "livemode": False,
        "metadata": metadata or {},
        "paid": True,
        "payment_intent": f"pi_{tag}",
        "receipt_email": None,
        "refunded": refunded == amount,
        "status": "succeeded",
    }


def dispute(tag, amount=4999, currency="usd"):
    return {
        "id": f"dp_{tag}",
        "object": "dispute",
        "amount": amount,
        "charge": f"ch_{tag}",
        "currency": currency,
        "payment_intent": f"pi_{tag}",
        "reason": "fraudulent",
        "status": "needs_response",
    }


def delayed_purchase(tag, click_id):
    """The four events of one SEPA purchase that is paid, then refunded:
    session completed while unpaid, async payment succeeded, charge
    succeeded, charge refunded. Each a minute after the previous one."""
    return [
        event("checkout.session.completed", checkout_session(tag, click_id, "unpaid"), f"evt_{tag}_1", CREATED),
        event("checkout.session.async_payment_succeeded", checkout_session(tag, click_id), f"evt_{tag}_2",
              CREATED + 60),
        event("charge.succeeded", charge(tag), f"evt_{tag}_3", CREATED + 120),
        event("charge.refunded", charge(tag, refunded=4999), f"evt_{tag}_4", CREATED + 180),
    ]


def paid_purchase(tag, click_id, amount=4999, currency="usd"):
    """A card purchase: session completed (paid) and its charge."""
    return [
        event("checkout.session.completed", checkout_session(tag, click_id, "paid", amount, currency),
              f"evt_{tag}_session"),
        event("charge.succeeded", charge(tag, amount, currency=currency), f"evt_{tag}_charge", CREATED + 5),
    ]


def body(ev):
    """The bytes Stripe would post: compact JSON, as the API serialises."""
    return json.dumps(ev, separators=(",", ":")).encode()
