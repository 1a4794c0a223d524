"""Stripe events to conversions: parse, serialise, and build postbacks."""

from __future__ import annotations

import ctypes
import dataclasses
import enum
import json
import urllib.parse
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from ._buffers import BytesLike, as_input, as_pointer, call_with_output, decode, encode
from ._native import CONVERSION_STRING_FIELDS, ConversionRecord, ErrorDetail, Str, lib
from .errors import check
from .signature import DEFAULT_TOLERANCE, verify_signature


class ConversionStatus(enum.IntEnum):
    """CLICKREF_CONVERSION_*: what the event means for the affiliate's commission."""

    APPROVED = 1
    PENDING = 2
    DECLINED = 3
    REVERSED = 4


class ClickIdSource(enum.IntEnum):
    """CLICKREF_CLICK_ID_*: where the click id was found."""

    NONE = 0
    CLIENT_REFERENCE_ID = 1  # the Checkout Session's client_reference_id
    METADATA = 2  # metadata["click_id"]


class ConversionEffect(enum.IntEnum):
    """CLICKREF_EFFECT_*: what the event tells about its purchase."""

    PAYMENT = 0  # the payment and its state: amount is what was paid
    REFUND = 1  # money returned: amount_refunded
    DISPUTE = 2  # a chargeback opened or closed


class Recurrence(enum.IntEnum):
    """CLICKREF_RECURRENCE_*: which payment of what. UNKNOWN when the event
    cannot tell: a charge never says, an invoice payment names only its invoice."""

    UNKNOWN = 0
    ONE_TIME = 1  # payment-mode session; invoice outside a subscription
    FIRST = 2  # subscription-mode session; billing_reason subscription_create
    RENEWAL = 3  # every later invoice of a subscription


@dataclasses.dataclass(frozen=True)
class Conversion:
    """The one record an affiliate dashboard needs from a Stripe event.

    The Optional strings are None when the event does not carry them (never
    empty). Events of the same purchase share a ``dedupe_key``: upsert one row
    per key. The fields from ``customer`` on were added by ABI 2; they default
    to what an event that does not carry them yields.
    """

    event_id: str
    event_type: str
    object_id: str
    click_id: Optional[str]
    order_id: str  # the purchase id, the same in every event that knows it (see clickref.h)
    payment_intent: Optional[str]
    payment_link: Optional[str]
    customer_email: Optional[str]
    currency: str  # upper-case ISO 4217
    dedupe_key: str  # order_id; "<account>/<order_id>" for a Connect event
    amount: int  # minor units, as Stripe sends them
    created: int  # event.created, Unix seconds
    status: ConversionStatus
    livemode: bool
    click_id_source: ClickIdSource
    click_id_valid: bool  # the click id matches Stripe's [A-Za-z0-9_-]{1,200}
    customer: Optional[str] = None
    subscription: Optional[str] = None
    invoice: Optional[str] = None
    charge: Optional[str] = None
    account: Optional[str] = None  # the connected account of a Connect event
    billing_reason: Optional[str] = None  # an invoice's, as Stripe sends it
    promotion_code: Optional[str] = None  # "promo_..." the buyer redeemed
    coupon: Optional[str] = None
    refund_id: Optional[str] = None  # "re_..." of a refund.* or charge.refund.* event
    amount_refunded: int = 0  # charge.refunded: the charge's total refunded; a refund event: that refund
    effect: ConversionEffect = ConversionEffect.PAYMENT
    recurrence: Recurrence = Recurrence.UNKNOWN

    @property
    def amount_decimal(self) -> str:
        """The amount in major units with the currency's exponent, e.g. "19.99"."""
        return format_amount(self.amount, self.currency)

    @property
    def amount_refunded_decimal(self) -> str:
        """amount_refunded in major units with the currency's exponent."""
        return format_amount(self.amount_refunded, self.currency)

    def to_json(self) -> str:
        """The conversion as one JSON object, exactly as the C library writes it."""
        record, _keepalive = self._record()
        return decode(call_with_output(lib.clickref_conversion_to_json, ctypes.byref(record), capacity=1024))

    def to_dict(self) -> Dict[str, Any]:
        """The fields of :meth:`to_json` as a dict (amount_decimal and amount_refunded_decimal included)."""
        return json.loads(self.to_json())

    def postback_url(self, base: str, **params: Union[str, int]) -> str:
        """A Tracknow server-to-server postback URL for this conversion:
        ``<base>?click_id=...&order_id=...&amount=...&currency=...&<params>``.
        ``params`` (e.g. ``campaign_id=7, goal="sale"``) are form-encoded and
        appended. Raises :class:`Error` with status CLICKREF_E_NOT_FOUND when
        the conversion has no click id."""
        record, _keepalive = self._record()
        base_arg, base_len = as_input(base)
        extra_arg, extra_len = as_input(urllib.parse.urlencode(params))
        url = call_with_output(lib.clickref_postback_url, ctypes.byref(record), base_arg, base_len,
                               extra_arg, extra_len, capacity=len(base) + extra_len + 512)
        return decode(url)

    def _record(self) -> Tuple[ConversionRecord, List[bytes]]:
        """The C record of this conversion, and the bytes it points into (keep them alive while it is used)."""
        record = ConversionRecord(amount=self.amount, created=self.created, status=self.status,
                                  livemode=int(self.livemode), click_id_source=self.click_id_source,
                                  click_id_valid=int(self.click_id_valid), amount_refunded=self.amount_refunded,
                                  effect=self.effect, recurrence=self.recurrence)
        keepalive = []
        for name in CONVERSION_STRING_FIELDS:
            value = getattr(self, name)
            if value is not None:
                data = encode(value)
                keepalive.append(data)
                setattr(record, name, Str(as_pointer(data), len(data)))
        return record, keepalive

    @classmethod
    def _from_record(cls, record: ConversionRecord) -> "Conversion":
        def text(s: Str) -> Optional[str]:  # {NULL, 0} is absent
            return decode(ctypes.string_at(s.data, s.len)) if s.data else None

        return cls(**{name: text(getattr(record, name)) for name in CONVERSION_STRING_FIELDS},
                   amount=record.amount, created=record.created, status=ConversionStatus(record.status),
                   livemode=bool(record.livemode), click_id_source=ClickIdSource(record.click_id_source),
                   click_id_valid=bool(record.click_id_valid), amount_refunded=record.amount_refunded,
                   effect=ConversionEffect(record.effect), recurrence=Recurrence(record.recurrence))


def parse_conversion(payload: Union[BytesLike, str]) -> Conversion:
    """The conversion of a Stripe event (the webhook body).

    Does not check the signature: use :func:`construct_event` on untrusted input.

    Raises:
        EventError: ``.status`` CLICKREF_E_JSON, CLICKREF_E_JSON_TOO_DEEP,
            CLICKREF_E_NOT_AN_EVENT or CLICKREF_E_BAD_FIELD for bad input (with
            ``.offset`` when known), CLICKREF_E_UNSUPPORTED_EVENT for an event
            type that yields no conversion.
    """
    payload_arg, payload_len = as_input(payload)
    event = ctypes.c_void_p()
    detail = ErrorDetail()
    check(lib.clickref_event_parse(payload_arg, payload_len, ctypes.byref(event), ctypes.byref(detail)), detail)
    try:
        record = ConversionRecord()
        check(lib.clickref_event_conversion(event, ctypes.byref(record)))
        return Conversion._from_record(record)  # copies every string out before the event is freed
    finally:
        lib.clickref_event_free(event)


def construct_event(payload: Union[BytesLike, str], header: str, secret: Union[str, Sequence[str]],
                    tolerance: int = DEFAULT_TOLERANCE, *, now: Optional[int] = None) -> Conversion:
    """Verifies a webhook delivery and returns its conversion: what a
    receiver does with every request. Named after stripe-python's
    ``Webhook.construct_event``.

    Raises:
        SignatureVerificationError: the signature does not vouch for the payload.
        EventError: as :func:`parse_conversion`.
    """
    verify_signature(payload, header, secret, tolerance=tolerance, now=now)
    return parse_conversion(payload)


def format_amount(amount: int, currency: str) -> str:
    """An amount in minor units as a decimal string with Stripe's exponent
    for the currency (case-insensitive): (1999, "usd") -> "19.99",
    (500, "JPY") -> "500", (1234, "KWD") -> "1.234"."""
    currency_arg, currency_len = as_input(currency)
    return decode(call_with_output(lib.clickref_format_amount, amount, currency_arg, currency_len, capacity=32))
