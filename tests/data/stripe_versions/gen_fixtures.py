#!/usr/bin/python3
"""Writes the Stripe webhook fixtures of tests/data/stripe_versions/.

    /usr/bin/python3 tests/data/stripe_versions/gen_fixtures.py

Standard library only, deterministic: the same script always writes the same
bytes. Every family/scenario directory is deleted and rewritten; nothing
outside this directory is touched. See README.md next to this file for what
each field choice is based on.

Layout written:  <family>/<scenario>/<NN>_<event_type>.json  and
                 <family>/<scenario>/expected.json
"""

import hashlib
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# API version families. The flags are the version differences the fixtures
# depend on; README.md gives the source of each.
# ---------------------------------------------------------------------------
FAMILIES = [
    {
        "name": "pre_basil_2020_08_27",
        "api": "2020-08-27",
        "era": "pre",
        "legacy_shipping": True,        # Checkout `shipping`/`shipping_rate` (renamed 2022-08-01)
        "refunds_on_charge": True,      # Charge.refunds auto-expanded until 2022-11-15
        "guest_checkout": False,        # payment-mode Checkout always created a Customer before 2022-08-01
        "setup_intent_in_sub_mode": True,  # removed from subscription-mode sessions in 2022-08-01
        "refund_events": False,         # refund.* for charge refunds from 2024-10-28.acacia
        "session_discounts": False,     # Checkout Session `discounts` from 2025-01-27.acacia
        "invoice_payment_paid": False,  # invoice_payment.paid from 2025-05-28.basil
    },
    {
        "name": "pre_basil_2024_06_20",
        "api": "2024-06-20",
        "era": "pre",
        "legacy_shipping": False,
        "refunds_on_charge": False,
        "guest_checkout": True,
        "setup_intent_in_sub_mode": False,
        "refund_events": False,
        "session_discounts": False,
        "invoice_payment_paid": False,
    },
    {
        "name": "basil_2025_03_31",
        "api": "2025-03-31.basil",
        "era": "basil",
        "legacy_shipping": False,
        "refunds_on_charge": False,
        "guest_checkout": True,
        "setup_intent_in_sub_mode": False,
        "refund_events": True,
        "session_discounts": True,
        "invoice_payment_paid": False,
    },
    {
        "name": "basil_2025_06_30",
        "api": "2025-06-30.basil",
        "era": "basil",
        "legacy_shipping": False,
        "refunds_on_charge": False,
        "guest_checkout": True,
        "setup_intent_in_sub_mode": False,
        "refund_events": True,
        "session_discounts": True,
        "invoice_payment_paid": True,
    },
    {
        "name": "clover_2025_09_30",
        "api": "2025-09-30.clover",
        "era": "clover",
        "legacy_shipping": False,
        "refunds_on_charge": False,
        "guest_checkout": True,
        "setup_intent_in_sub_mode": False,
        "refund_events": True,
        "session_discounts": True,
        "invoice_payment_paid": True,
    },
]

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
DAY = 86400
MONTH = 30 * DAY


def h62(text, n):
    """n base-62 characters derived from sha256(text)."""
    out = []
    block = 0
    while len(out) < n:
        v = int.from_bytes(hashlib.sha256(("%s#%d" % (text, block)).encode()).digest(), "big")
        for _ in range(40):  # 62**40 < 2**256: every character is uniformly drawn
            v, r = divmod(v, 62)
            out.append(B62[r])
        block += 1
    return "".join(out[:n])


class Ctx:
    """One family + scenario: id factory, clock and event list."""

    def __init__(self, fam, scenario, t0):
        self.fam = fam
        self.scenario = scenario
        self.t = t0
        self.events = []
        self.platform = "acct_1" + h62("platform/" + fam["name"], 15)

    def id(self, prefix, key, n=24):
        return prefix + h62("%s|%s|%s" % (self.fam["name"], self.scenario, key), n)

    def click(self, key="click"):
        return "clk_" + h62("%s|%s|click|%s" % (self.fam["name"], self.scenario, key), 20)

    def tick(self, seconds):
        self.t += seconds
        return self.t

    @property
    def era(self):
        return self.fam["era"]

    @property
    def pre(self):
        return self.fam["era"] == "pre"

    def emit(self, etype, obj, account=None, request=None, previous=None):
        n = len(self.events) + 1
        ev = {"id": self.id("evt_", "evt/%d/%s" % (n, account))}
        ev["object"] = "event"
        if account is not None:
            ev["account"] = account
        ev["api_version"] = self.fam["api"]
        ev["created"] = self.tick(2)
        ev["livemode"] = False
        ev["pending_webhooks"] = 1
        if request:
            ev["request"] = {"id": self.id("req_", "req/" + request, 14),
                             "idempotency_key": "%s-%s-%s-%s-%s" % tuple(
                                 h62(self.fam["name"] + self.scenario + request + str(i), k).lower()
                                 for i, k in enumerate((8, 4, 4, 4, 12)))}
        else:
            ev["request"] = {"id": None, "idempotency_key": None}
        ev["type"] = etype
        data = {"object": json.loads(json.dumps(obj))}  # snapshot
        if previous is not None:
            data["previous_attributes"] = previous
        ev["data"] = data
        self.events.append(ev)
        return ev


# ---------------------------------------------------------------------------
# Object builders
# ---------------------------------------------------------------------------

def ordered(d):
    """Stripe's order: id, object, then the other keys alphabetically."""
    out = {}
    for k in ("id", "object"):
        if k in d:
            out[k] = d[k]
    for k in sorted(d):
        if k not in out:
            out[k] = d[k]
    return out


def address(country):
    if country == "DE":
        return {"city": "Berlin", "country": "DE", "line1": None, "line2": None,
                "postal_code": "10115", "state": None}
    return {"city": None, "country": "US", "line1": None, "line2": None,
            "postal_code": "94107", "state": None}


def person(ctx, key, country="US"):
    name = {"US": "Jenny Rosen", "DE": "Max Mustermann"}[country]
    email = "%s@example.com" % h62(ctx.fam["name"] + ctx.scenario + key, 8).lower()
    return {"name": name, "email": email, "country": country}


def session(ctx, *, key, mode, currency, subtotal, total, discount_amount, crid, customer,
            buyer, payment_intent, subscription, invoice, payment_status, pm_types,
            payment_link, discounts, setup_intent, created, metadata=None):
    f = ctx.fam
    s = {
        "id": ctx.id("cs_test_", "cs/" + key, 58),
        "object": "checkout.session",
        "after_expiration": None,
        "allow_promotion_codes": True if discounts else None,
        "amount_subtotal": subtotal,
        "amount_total": total,
        "automatic_tax": {"enabled": False, "liability": None, "status": None},
        "billing_address_collection": None,
        "cancel_url": None if payment_link else "https://shop.example/cancel",
        "client_reference_id": crid,
        "consent": None,
        "consent_collection": None,
        "created": created,
        "currency": currency,
        "custom_fields": [],
        "custom_text": {"after_submit": None, "shipping_address": None, "submit": None,
                        "terms_of_service_acceptance": None},
        "customer": customer,
        "customer_creation": (None if mode == "subscription"
                              else ("if_required" if f["guest_checkout"] else "always")),
        "customer_details": {"address": address(buyer["country"]), "email": buyer["email"],
                             "name": buyer["name"], "phone": None, "tax_exempt": "none",
                             "tax_ids": []},
        "customer_email": None,
        "expires_at": created + DAY,
        "invoice": invoice,
        "invoice_creation": ({"enabled": False,
                              "invoice_data": {"account_tax_ids": None, "custom_fields": None,
                                               "description": None, "footer": None, "issuer": None,
                                               "metadata": {}, "rendering_options": None}}
                             if mode == "payment" else None),
        "livemode": False,
        "locale": "auto" if payment_link else None,
        "metadata": metadata or {},
        "mode": mode,
        "payment_intent": payment_intent,
        "payment_link": payment_link,
        "payment_method_collection": "always" if mode == "subscription" else "if_required",
        "payment_method_configuration_details": None,
        "payment_method_options": {},
        "payment_method_types": pm_types,
        "payment_status": payment_status,
        "phone_number_collection": {"enabled": False},
        "recovered_from": None,
        "setup_intent": setup_intent,
        "shipping_address_collection": None,
        "shipping_options": [],
        "status": "complete",
        "submit_type": None,
        "subscription": subscription,
        "success_url": "https://shop.example/thanks?session_id={CHECKOUT_SESSION_ID}",
        "total_details": {"amount_discount": discount_amount, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted",
        "url": None,
    }
    if f["legacy_shipping"]:
        s["shipping"] = None
        s["shipping_rate"] = None
    elif ctx.pre:
        s["shipping_cost"] = None
        s["shipping_details"] = None
    else:
        s["collected_information"] = None
        s["shipping_cost"] = None
    if f["session_discounts"]:
        s["discounts"] = discounts or []
    return ordered(s)


def card_details(ctx, amount):
    return {
        "card": {
            "amount_authorized": amount,
            "brand": "visa",
            "checks": {"address_line1_check": None, "address_postal_code_check": "pass",
                       "cvc_check": "pass"},
            "country": "US",
            "exp_month": 12,
            "exp_year": 2030,
            "fingerprint": h62("fp" + ctx.fam["name"] + ctx.scenario, 16),
            "funding": "credit",
            "installments": None,
            "last4": "4242",
            "mandate": None,
            "network": "visa",
            "three_d_secure": None,
            "wallet": None,
        },
        "type": "card",
    }


def sepa_details(ctx):
    return {
        "sepa_debit": {"bank_code": "37040044", "branch_code": "", "country": "DE",
                       "fingerprint": h62("sfp" + ctx.fam["name"] + ctx.scenario, 16),
                       "last4": "3000", "mandate": ctx.id("mandate_", "mandate")},
        "type": "sepa_debit",
    }


def charge(ctx, *, key, payment_intent, amount, currency, customer, buyer, invoice,
           pm="card", status="succeeded", created, amount_refunded=0, refunds=(),
           disputed=False, description=None, metadata=None):
    f = ctx.fam
    failed = status == "failed"
    prefix = "py_" if pm == "sepa_debit" else "ch_"
    c = {
        "id": ctx.id(prefix, "ch/" + key),
        "object": "charge",
        "amount": amount,
        "amount_captured": 0 if failed else amount,
        "amount_refunded": amount_refunded,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": ctx.id("txn_", "txn/ch/" + key),
        "billing_details": {"address": address(buyer["country"]), "email": buyer["email"],
                            "name": buyer["name"], "phone": None},
        "calculated_statement_descriptor": "CLICKREF DEMO",
        "captured": not failed,
        "created": created,
        "currency": currency,
        "customer": customer,
        "description": description,
        "disputed": disputed,
        "failure_balance_transaction": ctx.id("txn_", "txn/fail/" + key) if failed else None,
        "failure_code": "insufficient_funds" if failed else None,
        "failure_message": ("The customer's account has insufficient funds to cover this payment."
                            if failed else None),
        "fraud_details": {},
        "livemode": False,
        "metadata": metadata or {},
        "on_behalf_of": None,
        "outcome": ({"network_status": "declined_by_network", "reason": "insufficient_funds",
                     "risk_level": "not_assessed", "seller_message": "The bank returned the debit.",
                     "type": "issuer_declined"} if failed else
                    {"network_status": "approved_by_network", "reason": None,
                     "risk_level": "not_assessed" if pm == "sepa_debit" else "normal",
                     "seller_message": "Payment complete.", "type": "authorized"}),
        "paid": not failed,
        "payment_intent": payment_intent,
        "payment_method": ctx.id("pm_", "pm/" + pm),
        "payment_method_details": (sepa_details(ctx) if pm == "sepa_debit"
                                   else card_details(ctx, amount)),
        "receipt_email": None,
        "receipt_number": None,
        "receipt_url": "https://pay.stripe.com/receipts/payment/" + ctx.id("", "rcpt/" + key, 40),
        "refunded": amount_refunded >= amount and amount > 0,
        "review": None,
        "shipping": None,
        "source": None,
        "source_transfer": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": status,
        "transfer_data": None,
        "transfer_group": None,
    }
    if pm == "card":
        c["payment_method_details"]["card"]["amount_authorized"] = amount
    if ctx.pre:
        c["invoice"] = invoice
    if f["refunds_on_charge"]:
        c["refunds"] = {"object": "list", "data": list(refunds), "has_more": False,
                        "total_count": len(refunds),
                        "url": "/v1/charges/%s/refunds" % c["id"]}
    return ordered(c)


def refund(ctx, *, key, charge_id, payment_intent, amount, currency, created,
           reference_available=False):
    r = {
        "id": ctx.id("re_", "re/" + key),
        "object": "refund",
        "amount": amount,
        "balance_transaction": ctx.id("txn_", "txn/re/" + key),
        "charge": charge_id,
        "created": created,
        "currency": currency,
        "destination_details": {
            "card": {"reference": (h62("arn" + ctx.fam["name"] + ctx.scenario + key, 23).upper()
                                   if reference_available else None),
                     "reference_status": "available" if reference_available else "pending",
                     "reference_type": "acquirer_reference_number",
                     "type": "refund"},
            "type": "card",
        },
        "metadata": {},
        "payment_intent": payment_intent,
        "reason": "requested_by_customer",
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    }
    return ordered(r)


EVIDENCE_KEYS = [
    "access_activity_log", "billing_address", "cancellation_policy",
    "cancellation_policy_disclosure", "cancellation_rebuttal", "customer_communication",
    "customer_email_address", "customer_name", "customer_purchase_ip", "customer_signature",
    "duplicate_charge_documentation", "duplicate_charge_explanation", "duplicate_charge_id",
    "product_description", "receipt", "refund_policy", "refund_policy_disclosure",
    "refund_refusal_explanation", "service_date", "service_documentation", "shipping_address",
    "shipping_carrier", "shipping_date", "shipping_documentation", "shipping_tracking_number",
    "uncategorized_file", "uncategorized_text",
]


def balance_txn(ctx, key, amount, currency, created, fee, description, source):
    return {
        "id": ctx.id("txn_", "txn/" + key),
        "object": "balance_transaction",
        "amount": amount,
        "available_on": created,
        "created": created,
        "currency": currency,
        "description": description,
        "exchange_rate": None,
        "fee": fee,
        "fee_details": ([{"amount": fee, "application": None, "currency": currency,
                          "description": "Dispute fee", "type": "stripe_fee"}] if fee else []),
        "net": amount - fee,
        "reporting_category": "dispute" if amount < 0 else "dispute_reversal",
        "source": source,
        "status": "available",
        "type": "adjustment",
    }


def dispute(ctx, *, key, charge_id, payment_intent, amount, currency, created, status,
            balance_transactions, submitted=False):
    ev = {k: None for k in EVIDENCE_KEYS}
    if submitted:
        ev["product_description"] = "Digital subscription, access logs attached."
        ev["uncategorized_text"] = "Customer used the service after the purchase."
    return {
        "id": ctx.id("dp_", "dp/" + key),
        "object": "dispute",
        "amount": amount,
        "balance_transactions": balance_transactions,
        "charge": charge_id,
        "created": created,
        "currency": currency,
        "enhanced_eligibility_types": [],
        "evidence": ev,
        "evidence_details": {"due_by": created + 21 * DAY, "has_evidence": submitted,
                             "past_due": False, "submission_count": 1 if submitted else 0},
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
        "payment_intent": payment_intent,
        "payment_method_details": {"card": {"brand": "visa", "case_type": "chargeback",
                                            "network_reason_code": "10.4"},
                                   "type": "card"},
        "reason": "fraudulent",
        "status": status,
    }


# --- Billing -----------------------------------------------------------------

class Sub:
    """A subscription and the ids its invoices share."""

    def __init__(self, ctx, *, key, price_amount, customer, buyer, metadata):
        self.ctx = ctx
        self.id = ctx.id("sub_", "sub/" + key)
        self.item = ctx.id("si_", "si/" + key, 14)
        self.customer = customer
        self.buyer = buyer
        self.metadata = metadata
        self.product = ctx.id("prod_", "prod/" + key, 14)
        self.set_price(key, price_amount)
        self.number_prefix = h62(ctx.fam["name"] + ctx.scenario + "num", 8).upper()
        self.count = 0

    def set_price(self, key, amount):
        self.price = self.ctx.id("price_", "price/%s/%d" % (key, amount))
        self.price_amount = amount


def price_obj(ctx, sub, price_id, amount):
    return {
        "id": price_id, "object": "price", "active": True, "billing_scheme": "per_unit",
        "created": 1700000000, "currency": "usd", "custom_unit_amount": None, "livemode": False,
        "lookup_key": None, "metadata": {}, "nickname": None, "product": sub.product,
        "recurring": {"aggregate_usage": None, "interval": "month", "interval_count": 1,
                      "meter": None, "trial_period_days": None, "usage_type": "licensed"},
        "tax_behavior": "unspecified", "tiers_mode": None, "transform_quantity": None,
        "type": "recurring", "unit_amount": amount, "unit_amount_decimal": str(amount),
    }


def plan_obj(ctx, sub, price_id, amount):
    return {
        "id": price_id, "object": "plan", "active": True, "aggregate_usage": None,
        "amount": amount, "amount_decimal": str(amount), "billing_scheme": "per_unit",
        "created": 1700000000, "currency": "usd", "interval": "month", "interval_count": 1,
        "livemode": False, "metadata": {}, "meter": None, "nickname": None,
        "product": sub.product, "tiers_mode": None, "transform_usage": None,
        "trial_period_days": None, "usage_type": "licensed",
    }


def line_item(ctx, sub, inv_id, *, key, amount, description, period, price_id, unit_amount,
              proration=False, discount_amounts=()):
    base = {
        "id": ctx.id("il_", "il/" + key),
        "object": "line_item",
        "amount": amount,
        "currency": "usd",
        "description": description,
        "discount_amounts": list(discount_amounts),
        "discountable": not proration,
        "discounts": [],
        "invoice": inv_id,
        "livemode": False,
        "metadata": {},
        "period": {"end": period[1], "start": period[0]},
        "quantity": 1,
    }
    if ctx.pre:
        base.update({
            "amount_excluding_tax": amount,
            "plan": plan_obj(ctx, sub, price_id, unit_amount),
            "price": price_obj(ctx, sub, price_id, unit_amount),
            "proration": proration,
            "proration_details": {"credited_items": None},
            "subscription": sub.id,
            "subscription_item": sub.item,
            "tax_amounts": [],
            "tax_rates": [],
            "type": "invoiceitem" if proration else "subscription",
            "unit_amount_excluding_tax": str(unit_amount),
        })
        if proration:
            base["invoice_item"] = ctx.id("ii_", "ii/" + key)
    else:
        base.update({
            "parent": {
                "invoice_item_details": None,
                "subscription_item_details": {
                    "invoice_item": ctx.id("ii_", "ii/" + key) if proration else None,
                    "proration": proration,
                    "proration_details": {"credited_items": None},
                    "subscription": sub.id,
                    "subscription_item": sub.item,
                },
                "type": "subscription_item_details",
            },
            "pretax_credit_amounts": [],
            "pricing": {"price_details": {"price": price_id, "product": sub.product},
                        "type": "price_details", "unit_amount_decimal": str(unit_amount)},
            "taxes": [],
        })
    return ordered(base)


def discount_obj(ctx, sub, *, di, coupon, promo, start):
    """Pre-basil Invoice.discount (the Discount object, coupon embedded)."""
    return {
        "id": di, "object": "discount", "checkout_session": None, "coupon": coupon,
        "customer": sub.customer, "end": None, "invoice": None, "invoice_item": None,
        "promotion_code": promo, "start": start, "subscription": sub.id,
        "subscription_item": None,
    }


def invoice(ctx, sub, *, key, billing_reason, lines, total, subtotal, created, finalized,
            paid_at, period, payment_intent, charge_id, discount=None, discount_ids=(),
            discount_total=0):
    sub.count += 1
    inv_id = ctx.id("in_", "in/" + key)
    host = "https://invoice.stripe.com/i/%s/test_%s" % (ctx.platform, h62(inv_id, 40))
    inv = {
        "id": inv_id,
        "object": "invoice",
        "account_country": "US",
        "account_name": "Clickref Demo Shop",
        "account_tax_ids": None,
        "amount_due": total,
        "amount_paid": total,
        "amount_remaining": 0,
        "amount_shipping": 0,
        "application": None,
        "attempt_count": 1 if total > 0 else 0,
        "attempted": True,
        "auto_advance": False,
        "automatic_tax": {"enabled": False, "liability": None, "status": None},
        "billing_reason": billing_reason,
        "collection_method": "charge_automatically",
        "created": created,
        "currency": "usd",
        "custom_fields": None,
        "customer": sub.customer,
        "customer_address": None,
        "customer_email": sub.buyer["email"],
        "customer_name": sub.buyer["name"],
        "customer_phone": None,
        "customer_shipping": None,
        "customer_tax_exempt": "none",
        "customer_tax_ids": [],
        "default_payment_method": None,
        "default_source": None,
        "default_tax_rates": [],
        "description": None,
        "discounts": list(discount_ids),
        "due_date": None,
        "effective_at": paid_at,
        "ending_balance": 0,
        "footer": None,
        "from_invoice": None,
        "hosted_invoice_url": host,
        "invoice_pdf": "https://pay.stripe.com/invoice/%s/test_%s/pdf?s=ap" % (
            ctx.platform, h62(inv_id, 40)),
        "issuer": {"type": "self"},
        "last_finalization_error": None,
        "latest_revision": None,
        "lines": {"object": "list", "data": lines(inv_id), "has_more": False,
                  "total_count": None, "url": "/v1/invoices/%s/lines" % inv_id},
        "livemode": False,
        "metadata": {},
        "next_payment_attempt": None,
        "number": "%s-%04d" % (sub.number_prefix, sub.count),
        "on_behalf_of": None,
        "payment_settings": {"default_mandate": None, "payment_method_options": None,
                             "payment_method_types": None},
        "period_end": period[1],
        "period_start": period[0],
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "receipt_number": None,
        "rendering": None,
        "shipping_cost": None,
        "shipping_details": None,
        "starting_balance": 0,
        "statement_descriptor": None,
        "status": "paid",
        "status_transitions": {"finalized_at": finalized, "marked_uncollectible_at": None,
                               "paid_at": paid_at, "voided_at": None},
        "subtotal": subtotal,
        "subtotal_excluding_tax": subtotal,
        "test_clock": None,
        "total": total,
        "total_discount_amounts": ([{"amount": discount_total, "discount": d}
                                    for d in discount_ids]),
        "total_excluding_tax": total,
        "webhooks_delivered_at": created,
    }
    inv["lines"]["total_count"] = len(inv["lines"]["data"])
    if ctx.pre:
        inv.update({
            "application_fee_amount": None,
            "charge": charge_id,
            "discount": discount,
            "paid": True,
            "paid_out_of_band": False,
            "payment_intent": payment_intent,
            "quote": None,
            "subscription": sub.id,
            "subscription_details": {"metadata": dict(sub.metadata)},
            "tax": None,
            "total_tax_amounts": [],
            "transfer_data": None,
        })
    else:
        inv.update({
            "amount_overpaid": 0,
            "parent": {
                "quote_details": None,
                "subscription_details": {"metadata": dict(sub.metadata),
                                         "subscription": sub.id,
                                         "subscription_proration_date": None},
                "type": "subscription_details",
            },
            "total_taxes": [],
        })
    return ordered(inv)


def invoice_payment(ctx, *, key, inv, payment_intent, amount, created):
    return {
        "id": ctx.id("inpay_", "inpay/" + key),
        "object": "invoice_payment",
        "amount_paid": amount,
        "amount_requested": amount,
        "created": created,
        "currency": "usd",
        "invoice": inv,
        "is_default": True,
        "livemode": False,
        "payment": {"payment_intent": payment_intent, "type": "payment_intent"},
        "status": "paid",
        "status_transitions": {"canceled_at": None, "paid_at": created},
    }


# ---------------------------------------------------------------------------
# Purchase helpers
# ---------------------------------------------------------------------------

def purchase(*, purchase, kind, gross, currency, customer, account=None, billing_reason=None,
             refunded=0, disputed_lost=0, final_status="approved", promotion_code=None,
             coupon=None, subscription=None, click_id=None):
    return {
        "purchase": purchase, "account": account, "kind": kind,
        "billing_reason": billing_reason, "gross": gross, "currency": currency,
        "refunded": refunded, "disputed_lost": disputed_lost, "final_status": final_status,
        "promotion_code": promotion_code, "coupon": coupon, "customer": customer,
        "subscription": subscription, "click_id": click_id,
    }


def one_time(ctx, *, key="p", amount=4900, subtotal=None, crid="default", account=None,
             payment_link=True, discounts=None, refund_plan=(), dispute_outcome=None,
             promo=None, coupon=None):
    """Card one-time purchase through Checkout. Emits its events, returns a purchase."""
    subtotal = amount if subtotal is None else subtotal
    click = ctx.click(key) if crid == "default" else crid
    buyer = person(ctx, "buyer/" + key)
    customer = None if ctx.fam["guest_checkout"] else ctx.id("cus_", "cus/" + key, 14)
    pi = ctx.id("pi_", "pi/" + key)
    created = ctx.t
    t_pay = ctx.tick(90)
    ch_kwargs = dict(key=key, payment_intent=pi, amount=amount, currency="usd",
                     customer=customer, buyer=buyer, invoice=None, created=t_pay)
    ch = charge(ctx, **ch_kwargs)
    ctx.emit("charge.succeeded", ch, account=account)
    cs = session(ctx, key=key, mode="payment", currency="usd", subtotal=subtotal, total=amount,
                 discount_amount=subtotal - amount, crid=click, customer=customer, buyer=buyer,
                 payment_intent=pi, subscription=None, invoice=None, payment_status="paid",
                 pm_types=["card"],
                 payment_link=ctx.id("plink_", "plink/" + key) if payment_link else None,
                 discounts=discounts, setup_intent=None, created=created)
    ctx.emit("checkout.session.completed", cs, account=account)
    refunded = do_refunds(ctx, ch_kwargs, refund_plan, account)
    disputed_lost = 0
    if dispute_outcome:
        disputed_lost = emit_dispute(ctx, ch, pi, amount, key, dispute_outcome, account)
    status = "reversed" if refunded >= amount or disputed_lost else "approved"
    return purchase(purchase=pi, kind="one_time", gross=amount, currency="USD",
                    customer=customer, account=account, refunded=refunded,
                    disputed_lost=disputed_lost, final_status=status, promotion_code=promo,
                    coupon=coupon, click_id=click)


def do_refunds(ctx, ch_kwargs, refund_plan, account=None):
    """Refunds `refund_plan` (amounts, in order) of the charge built from ch_kwargs."""
    refunded = 0
    done = []  # newest first, as Charge.refunds lists them
    for i, ramt in enumerate(refund_plan):
        ctx.tick(3 * DAY)
        refunded += ramt
        rkey = "%s/%d" % (ch_kwargs["key"], i)
        rargs = dict(key=rkey, charge_id=ctx.id("ch_", "ch/" + ch_kwargs["key"]),
                     payment_intent=ch_kwargs["payment_intent"], amount=ramt,
                     currency=ch_kwargs["currency"], created=ctx.t)
        re_new = refund(ctx, **rargs)
        ch = charge(ctx, amount_refunded=refunded, refunds=[re_new] + done, **ch_kwargs)
        emit_refund(ctx, ch, re_new, rargs, account)
        done.insert(0, refund(ctx, reference_available=True, **rargs))
    return refunded


def emit_refund(ctx, ch, re_obj, rargs, account=None):
    """charge.refunded [+ refund.created]; later, once the card network reference is known,
    charge.refund.updated [+ refund.updated]."""
    req = "refund/" + rargs["key"]
    ctx.emit("charge.refunded", ch, account=account, request=req)
    if ctx.fam["refund_events"]:
        ctx.emit("refund.created", re_obj, account=account, request=req)
    ctx.tick(2 * DAY)
    updated = refund(ctx, reference_available=True, **rargs)
    prev = {"destination_details": {"card": {"reference": None, "reference_status": "pending"}}}
    ctx.emit("charge.refund.updated", updated, account=account, previous=prev)
    if ctx.fam["refund_events"]:
        ctx.emit("refund.updated", updated, account=account, previous=prev)


def emit_dispute(ctx, ch, pi, amount, key, outcome, account=None):
    ctx.tick(20 * DAY)
    t_open = ctx.t
    dp_id = ctx.id("dp_", "dp/" + key)
    withdrawn = balance_txn(ctx, "dp/withdraw/" + key, -amount, "usd", t_open, 1500,
                            "Chargeback withdrawal for " + ch["id"], dp_id)
    opened = dispute(ctx, key=key, charge_id=ch["id"], payment_intent=pi, amount=amount,
                     currency="usd", created=t_open, status="needs_response",
                     balance_transactions=[withdrawn])
    ctx.emit("charge.dispute.created", opened, account=account)
    ctx.tick(60 * DAY)
    bts = [withdrawn]
    if outcome == "won":
        bts = [withdrawn, balance_txn(ctx, "dp/reinstate/" + key, amount, "usd", ctx.t, 0,
                                      "Chargeback reversal for " + ch["id"], dp_id)]
    closed = dispute(ctx, key=key, charge_id=ch["id"], payment_intent=pi, amount=amount,
                     currency="usd", created=t_open, status=outcome, balance_transactions=bts,
                     submitted=True)
    ctx.emit("charge.dispute.closed", closed, account=account)
    return amount if outcome == "lost" else 0


def sub_checkout(ctx, sub, *, key, first_invoice, total, subtotal, click, payment_status,
                 discounts=None, trial=False):
    no_payment = payment_status == "no_payment_required"
    return session(ctx, key=key, mode="subscription", currency="usd", subtotal=subtotal,
                   total=total, discount_amount=subtotal - total if not trial else 0,
                   crid=click, customer=sub.customer, buyer=sub.buyer, payment_intent=None,
                   subscription=sub.id, invoice=first_invoice, payment_status=payment_status,
                   pm_types=["card"], payment_link=None, discounts=discounts,
                   setup_intent=(ctx.id("seti_", "seti/" + key)
                                 if no_payment and ctx.fam["setup_intent_in_sub_mode"] else None),
                   created=ctx.t - 120)


def paid_invoice(ctx, sub, *, key, billing_reason, amount, period, lines_spec=None,
                 description=None):
    """A charged subscription invoice: charge.succeeded, invoice_payment.paid (where it
    exists), invoice.paid, invoice.payment_succeeded. Returns (invoice, purchase, ch_kwargs)."""
    pi = ctx.id("pi_", "pi/" + key)
    created = ctx.t
    inv_id = ctx.id("in_", "in/" + key)
    if lines_spec is None:
        lines_spec = [dict(key=key + "/l0", amount=amount,
                           description="1 × Pro plan (at $%.2f / month)" % (sub.price_amount / 100),
                           price_id=sub.price, unit_amount=sub.price_amount)]
    # renewal drafts are finalized about an hour after creation, then charged
    finalized = ctx.tick(3600) if billing_reason == "subscription_cycle" else created
    t_pay = ctx.tick(60)
    desc = description or ("Subscription creation" if billing_reason == "subscription_create"
                           else "Subscription update")
    ch_kwargs = dict(key=key, payment_intent=pi, amount=amount, currency="usd",
                     customer=sub.customer, buyer=sub.buyer, invoice=inv_id, created=t_pay,
                     description=desc)
    ch = charge(ctx, **ch_kwargs)
    ctx.emit("charge.succeeded", ch)
    if ctx.fam["invoice_payment_paid"]:
        ctx.emit("invoice_payment.paid",
                 invoice_payment(ctx, key=key, inv=inv_id, payment_intent=pi, amount=amount,
                                 created=t_pay))
    inv = invoice(ctx, sub, key=key, billing_reason=billing_reason,
                  lines=lambda iid: [line_item(ctx, sub, iid, period=period, **ls)
                                     for ls in lines_spec],
                  total=amount, subtotal=amount, created=created, finalized=finalized,
                  paid_at=t_pay, period=period, payment_intent=pi, charge_id=ch["id"])
    ctx.emit("invoice.paid", inv)
    ctx.emit("invoice.payment_succeeded", inv)
    kind = {"subscription_create": "first", "subscription_cycle": "renewal",
            "subscription_update": "update"}[billing_reason]
    p = purchase(purchase=inv_id, kind=kind, billing_reason=billing_reason, gross=amount,
                 currency="USD", customer=sub.customer, subscription=sub.id)
    return inv, p, ch_kwargs


def zero_invoice(ctx, sub, *, key, period, subtotal, discount=None, discount_ids=(),
                 discount_total=0, trial=False):
    """A 0-amount first invoice (trial or 100 % off): paid without any charge."""
    created = ctx.t
    if trial:
        desc = "Trial period for Pro plan"
        spec = dict(key=key + "/l0", amount=0, description=desc, price_id=sub.price,
                    unit_amount=sub.price_amount)
    else:
        spec = dict(key=key + "/l0", amount=subtotal,
                    description="1 × Pro plan (at $%.2f / month)" % (sub.price_amount / 100),
                    price_id=sub.price, unit_amount=sub.price_amount,
                    discount_amounts=[{"amount": discount_total, "discount": d}
                                      for d in discount_ids])
    inv = invoice(ctx, sub, key=key, billing_reason="subscription_create",
                  lines=lambda iid: [line_item(ctx, sub, iid, period=period, **spec)],
                  total=0, subtotal=0 if trial else subtotal, created=created,
                  finalized=created, paid_at=created, period=period,
                  payment_intent=None, charge_id=None, discount=discount,
                  discount_ids=discount_ids, discount_total=discount_total)
    ctx.emit("invoice.paid", inv)
    ctx.emit("invoice.payment_succeeded", inv)
    return inv


def new_sub(ctx, key, amount, metadata_click):
    buyer = person(ctx, "buyer/" + key)
    customer = ctx.id("cus_", "cus/" + key, 14)
    return Sub(ctx, key=key, price_amount=amount, customer=customer, buyer=buyer,
               metadata={"click_id": metadata_click} if metadata_click else {})


# ---------------------------------------------------------------------------
# Scenarios: each emits events into ctx and returns (click_id, purchases, notes,
# not_in_payloads).
# ---------------------------------------------------------------------------

def sc_one_time_card(ctx):
    p = one_time(ctx)
    return p["click_id"], [p], ("Payment Link, card, 4900 USD; client_reference_id is the click "
                                "id."), []


def sepa(ctx, succeed):
    key = "p"
    click = ctx.click(key)
    buyer = person(ctx, "buyer/" + key, "DE")
    customer = None if ctx.fam["guest_checkout"] else ctx.id("cus_", "cus/" + key, 14)
    pi = ctx.id("pi_", "pi/" + key)
    created = ctx.t
    ctx.tick(120)
    common = dict(key=key, mode="payment", currency="eur", subtotal=4900, total=4900,
                  discount_amount=0, crid=click, customer=customer, buyer=buyer,
                  payment_intent=pi, subscription=None, invoice=None, pm_types=["sepa_debit"],
                  payment_link=ctx.id("plink_", "plink/" + key), discounts=None,
                  setup_intent=None, created=created)
    ctx.emit("checkout.session.completed", session(ctx, payment_status="unpaid", **common))
    t_ch = ctx.t
    ctx.tick(4 * DAY)
    ch = charge(ctx, key=key, payment_intent=pi, amount=4900, currency="eur", customer=customer,
                buyer=buyer, invoice=None, pm="sepa_debit",
                status="succeeded" if succeed else "failed", created=t_ch)
    if succeed:
        ctx.emit("charge.succeeded", ch)
        ctx.emit("checkout.session.async_payment_succeeded",
                 session(ctx, payment_status="paid", **common))
    else:
        ctx.emit("charge.failed", ch)
        ctx.emit("checkout.session.async_payment_failed",
                 session(ctx, payment_status="unpaid", **common))
    p = purchase(purchase=pi, kind="one_time", gross=4900, currency="EUR", customer=customer,
                 final_status="approved" if succeed else "declined", click_id=click)
    return click, [p]


def sc_delayed_success(ctx):
    click, ps = sepa(ctx, True)
    return click, ps, ("SEPA Direct Debit, 4900 EUR. The session completes unpaid (pending); "
                       "the charge succeeds days later. charge.pending is not included."), []


def sc_delayed_failure(ctx):
    click, ps = sepa(ctx, False)
    return click, ps, ("SEPA Direct Debit, 4900 EUR; the debit fails (insufficient_funds). "
                       "gross is the amount that was attempted: nothing was collected."), []


def subscription_start(ctx, *, amount, metadata=True, refund_plan=()):
    """First invoice (charged), then checkout.session.completed, then any refunds of the
    first charge. Returns (click, sub, invoice, purchase)."""
    click = ctx.click()
    sub = new_sub(ctx, "s", amount, click if metadata else None)
    t0 = ctx.t
    period = (t0, t0 + MONTH)
    inv, p, ch_kwargs = paid_invoice(ctx, sub, key="s/0", billing_reason="subscription_create",
                                     amount=amount, period=period)
    cs = sub_checkout(ctx, sub, key="s", first_invoice=inv["id"], total=amount,
                      subtotal=amount, click=click, payment_status="paid")
    ctx.emit("checkout.session.completed", cs)
    p["click_id"] = click
    if refund_plan:
        p["refunded"] = do_refunds(ctx, ch_kwargs, refund_plan)
        if p["refunded"] >= amount:
            p["final_status"] = "reversed"
    return click, sub, inv, p


def renewals(ctx, sub, n, first_period_end, click):
    out = []
    pend = first_period_end
    for i in range(1, 1 + n):
        ctx.t = pend + 60
        period = (pend, pend + MONTH)
        _, p, _ = paid_invoice(ctx, sub, key="s/%d" % i, billing_reason="subscription_cycle",
                               amount=sub.price_amount, period=period)
        p["click_id"] = click
        out.append(p)
        pend = period[1]
    return out


def sc_subscription_first(ctx):
    click, sub, inv, p = subscription_start(ctx, amount=4900)
    return click, [p], ("Checkout in subscription mode, 4900 USD/month; the session has no "
                        "payment_intent. Subscription metadata carries the click id "
                        "(subscription_data.metadata set by the merchant)."), []


def sc_trial_then_first(ctx):
    click = ctx.click()
    sub = new_sub(ctx, "s", 4900, None)
    t0 = ctx.t
    trial_end = t0 + 14 * DAY
    inv0 = zero_invoice(ctx, sub, key="s/0", period=(t0, t0), subtotal=0, trial=True)
    cs = sub_checkout(ctx, sub, key="s", first_invoice=inv0["id"], total=0, subtotal=0,
                      click=click, payment_status="no_payment_required", trial=True)
    ctx.emit("checkout.session.completed", cs)
    p0 = purchase(purchase=inv0["id"], kind="first", billing_reason="subscription_create",
                  gross=0, currency="USD", customer=sub.customer, subscription=sub.id,
                  click_id=click)
    ctx.t = trial_end + 60
    _, p1, _ = paid_invoice(ctx, sub, key="s/1", billing_reason="subscription_cycle",
                            amount=4900, period=(trial_end, trial_end + MONTH))
    p1["click_id"] = click
    return click, [p0, p1], ("14-day trial: the 0 invoice (subscription_create) is paid with no "
                             "charge and no payment intent; the session is no_payment_required "
                             "with amount_total 0. After the trial a subscription_cycle invoice "
                             "charges 4900. Subscription metadata is empty: the later invoice is "
                             "tied to the click only through the subscription id the session "
                             "names."), []


def sc_three_renewals(ctx):
    click, sub, inv, p = subscription_start(ctx, amount=4900)
    rs = renewals(ctx, sub, 3, inv["period_end"], click)
    return click, [p] + rs, ("First invoice plus three monthly subscription_cycle invoices, "
                             "each with its own payment intent and charge."), []


def sc_upgrade_proration(ctx):
    click, sub, inv, p = subscription_start(ctx, amount=2900)
    old_price, old_amount = sub.price, sub.price_amount
    mid = inv["period_start"] + MONTH // 2
    ctx.t = mid
    sub.set_price("s/upgraded", 6200)
    period = (mid, inv["period_end"])
    lines = [
        dict(key="s/1/l0", amount=-1450, description="Unused time on Pro plan after upgrade",
             price_id=old_price, unit_amount=old_amount, proration=True),
        dict(key="s/1/l1", amount=3100, description="Remaining time on Max plan after upgrade",
             price_id=sub.price, unit_amount=6200, proration=True),
    ]
    _, pu, _ = paid_invoice(ctx, sub, key="s/1", billing_reason="subscription_update",
                            amount=1650, period=period, lines_spec=lines)
    pu["click_id"] = click
    return click, [p, pu], ("Subscription at 2900, upgraded mid-period to 6200 with "
                            "proration_behavior always_invoice: a subscription_update invoice "
                            "of 1650 (-1450 unused + 3100 remaining)."), []


def sc_partial_and_full_refund(ctx):
    p = one_time(ctx, refund_plan=(1500, 3400))
    return p["click_id"], [p], ("One-time 4900: refund of 1500, then of the remaining 3400. "
                                "charge.refunded carries the cumulative amount_refunded "
                                "(1500, then 4900)."), []


def sc_subscription_partial_refund(ctx):
    click, sub, inv, p = subscription_start(ctx, amount=4900, refund_plan=(1500,))
    nip = []
    if not ctx.pre and not ctx.fam["invoice_payment_paid"]:
        nip = ["purchases[0].refunded: no payload of this version ties the refund (its charge "
               "and payment intent) to the invoice"]
    return click, [p], ("Subscription first invoice 4900, then a partial refund of 1500 of its "
                        "charge. Before basil the charge names the invoice; from basil on "
                        "neither the charge nor the refund does (on 2025-06-30.basil and later "
                        "invoice_payment.paid maps the payment intent to the invoice)."), nip


def renumber(ctx):
    """Event ids follow the final order (used where events were reordered)."""
    for i, ev in enumerate(ctx.events, 1):
        ev["id"] = ctx.id("evt_", "evt/%d/%s" % (i, ev.get("account")))


def sc_dispute(ctx, outcome):
    p = one_time(ctx, dispute_outcome=outcome)
    return p


def sc_dispute_lost(ctx):
    p = sc_dispute(ctx, "lost")
    return p["click_id"], [p], ("One-time 4900 disputed (fraudulent) and lost. Losing a dispute "
                                "creates no Refund: there is no charge.refunded, amount_refunded "
                                "stays 0; the funds left with the dispute's balance transaction."
                                ), []


def sc_dispute_won(ctx):
    p = sc_dispute(ctx, "won")
    return p["click_id"], [p], ("One-time 4900 disputed and won: the withdrawn funds are "
                                "reinstated (second balance transaction)."), []


def sc_coupon_100_off(ctx):
    click = ctx.click()
    sub = new_sub(ctx, "s", 4900, None)
    promo = ctx.id("promo_", "promo", 24)
    coupon_id = h62(ctx.fam["name"] + ctx.scenario + "coupon", 8)
    di = ctx.id("di_", "di")
    t0 = ctx.t
    coupon = {"id": coupon_id, "object": "coupon", "amount_off": None, "created": t0 - 30 * DAY,
              "currency": None, "duration": "once", "duration_in_months": None,
              "livemode": False, "max_redemptions": None, "metadata": {},
              "name": "First month free", "percent_off": 100.0, "redeem_by": None,
              "times_redeemed": 1, "valid": True}
    discount = discount_obj(ctx, sub, di=di, coupon=coupon, promo=promo, start=t0) \
        if ctx.pre else None
    inv0 = zero_invoice(ctx, sub, key="s/0", period=(t0, t0 + MONTH), subtotal=4900,
                        discount=discount, discount_ids=[di], discount_total=4900)
    cs = sub_checkout(ctx, sub, key="s", first_invoice=inv0["id"], total=0, subtotal=4900,
                      click=click, payment_status="no_payment_required",
                      discounts=[{"coupon": coupon_id, "promotion_code": promo}])
    ctx.emit("checkout.session.completed", cs)
    p0 = purchase(purchase=inv0["id"], kind="first", billing_reason="subscription_create",
                  gross=0, currency="USD", customer=sub.customer, subscription=sub.id,
                  promotion_code=promo, coupon=coupon_id, click_id=click)
    rs = renewals(ctx, sub, 1, inv0["period_end"], click)
    nip = []
    if not ctx.pre:
        nip = ["purchases[0].promotion_code and .coupon appear only in the session's discounts; "
               "the invoice lists discount ids (di_…) only"]
    return click, [p0] + rs, ("Subscription with a 100 %-off-once coupon redeemed through a "
                              "promotion code: session amount_total 0, no_payment_required, "
                              "first invoice amount_paid 0 with no charge; the renewal is full "
                              "price (4900) and carries no discount."), nip


def sc_promotion_code_no_click(ctx):
    promo = ctx.id("promo_", "promo", 24)
    coupon_id = h62(ctx.fam["name"] + ctx.scenario + "coupon", 8)
    p = one_time(ctx, amount=4900, subtotal=5900, crid=None,
                 discounts=[{"coupon": coupon_id, "promotion_code": promo}], promo=promo,
                 coupon=coupon_id)
    nip = []
    if ctx.pre:
        nip = ["purchases[0].promotion_code and .coupon: a payment-mode session of this version "
               "carries no discounts field (only total_details.amount_discount = 1000)"]
    return None, [p], ("One-time purchase, 5900 list price less a 1000 off promotion code = "
                       "4900 charged, no client_reference_id (no click)."), nip


def sc_connect_two_accounts(ctx):
    acct_a = "acct_1" + h62(ctx.fam["name"] + ctx.scenario + "A", 15)
    acct_b = "acct_1" + h62(ctx.fam["name"] + ctx.scenario + "B", 15)
    # Both purchases reuse the same object ids (key "p") on different accounts.
    saved_t = ctx.t
    a_events_start = len(ctx.events)
    pa = one_time(ctx, key="p", crid=ctx.click("A"), account=acct_a)
    a_events = ctx.events[a_events_start:]
    ctx.events = ctx.events[:a_events_start]
    ctx.t = saved_t + 1
    pb = one_time(ctx, key="p", amount=2500, crid=ctx.click("B"), account=acct_b)
    b_events = ctx.events[a_events_start:]
    ctx.events = ctx.events[:a_events_start]
    merged = sorted(a_events + b_events, key=lambda e: (e["created"], e.get("account")))
    ctx.events.extend(merged)
    renumber(ctx)
    return pa["click_id"], [pa, pb], ("Two one-time purchases on two connected accounts (event "
                                      "`account`), 4900 and 2500 USD, whose session, payment "
                                      "intent and charge ids are identical; only the account "
                                      "tells them apart. Each has its own click id "
                                      "(purchases[].click_id); top-level click_id is account A's."
                                      ), []


SCENARIOS = [
    ("one_time_card", sc_one_time_card),
    ("delayed_success", sc_delayed_success),
    ("delayed_failure", sc_delayed_failure),
    ("subscription_first", sc_subscription_first),
    ("trial_then_first", sc_trial_then_first),
    ("three_renewals", sc_three_renewals),
    ("upgrade_proration", sc_upgrade_proration),
    ("partial_and_full_refund", sc_partial_and_full_refund),
    ("subscription_partial_refund", sc_subscription_partial_refund),
    ("dispute_lost", sc_dispute_lost),
    ("dispute_won", sc_dispute_won),
    ("coupon_100_off", sc_coupon_100_off),
    ("promotion_code_no_click", sc_promotion_code_no_click),
    ("connect_two_accounts", sc_connect_two_accounts),
]

T_BASE = 1759300000  # 2025-10-01T06:26:40Z


def dump(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(obj, fh, indent=2, ensure_ascii=False)
        fh.write("\n")


def main():
    written = 0
    seen_ids = {}
    for fam in FAMILIES:
        fam_dir = os.path.join(HERE, fam["name"])
        if os.path.isdir(fam_dir):
            shutil.rmtree(fam_dir)
        for idx, (name, fn) in enumerate(SCENARIOS):
            ctx = Ctx(fam, name, T_BASE + idx * 10 * DAY)
            click, purchases, notes, not_in = fn(ctx)
            # event created times must be non-decreasing in NN order
            for a, b in zip(ctx.events, ctx.events[1:]):
                if b["created"] < a["created"]:
                    sys.exit("%s/%s: events out of time order" % (fam["name"], name))
            d = os.path.join(fam_dir, name)
            os.makedirs(d)
            for i, ev in enumerate(ctx.events, 1):
                if ev["id"] in seen_ids:
                    sys.exit("duplicate event id %s" % ev["id"])
                seen_ids[ev["id"]] = (fam["name"], name)
                dump(os.path.join(d, "%02d_%s.json" % (i, ev["type"])), ev)
                written += 1
            dump(os.path.join(d, "expected.json"), {
                "scenario": name,
                "family": fam["name"],
                "api_version": fam["api"],
                "click_id": click,
                "purchases": purchases,
                "notes": notes,
                "not_in_payloads": not_in,
            })
            written += 1
    print("wrote %d files" % written)


if __name__ == "__main__":
    main()
