/*
 * clickref.h — the C ABI of clickref, and its reference manual.
 *
 * clickref does the server side of affiliate attribution for Stripe Payment
 * Links:
 *
 *   1. a visitor lands with `?click_id=<id>`        → clickref_click_id_from_url
 *   2. the id is kept in a first-party cookie        → clickref_click_cookie,
 *                                                      clickref_click_id_from_cookies
 *   3. payment links carry `client_reference_id`     → clickref_rewrite_url,
 *                                                      clickref_rewrite_html
 *   4. Stripe posts signed webhooks                  → clickref_verify_signature
 *   5. the receiver records one conversion per sale  → clickref_event_parse,
 *                                                      clickref_event_conversion,
 *                                                      clickref_postback_url
 *
 * If a function is not in this file, it is not part of the published C API.
 *
 * Conventions (they hold for every function below):
 *
 *  - Inputs are (pointer, length) pairs. Nothing needs to be NUL-terminated,
 *    and embedded NUL bytes are data. A NULL pointer with length 0 is an empty
 *    input; a NULL pointer with a non-zero length is CLICKREF_E_INVALID_ARGUMENT.
 *
 *  - Every function returns a clickref_status (0 is success) unless its
 *    documentation says otherwise. Status values are frozen: they never change
 *    meaning and are never reused. clickref_status_name() and
 *    clickref_status_message() turn them into text.
 *
 *  - Outputs that are strings go into caller-owned buffers as
 *    (char* out, size_t cap, size_t* out_len). On success *out_len is the
 *    number of bytes written; the output is NOT NUL-terminated unless the
 *    function says so. When the buffer is too small the function returns
 *    CLICKREF_E_BUFFER_TOO_SMALL, writes nothing you may rely on, and sets
 *    *out_len to the capacity needed, so a second call with a buffer of that
 *    size succeeds. `out` may be NULL when `cap` is 0 (a size query).
 *
 *  - Some functions take an optional `clickref_error* err` as their last
 *    argument. Pass NULL when you do not need it. When given, it is filled on
 *    failure with the status, a static English message and the byte offset in
 *    the input where the problem was found. There is no thread-local "last
 *    error".
 *
 *  - Handles (clickref_verifier, clickref_event, clickref_html_rewriter) are
 *    created by a _new/_parse function and released by the matching _free
 *    function; passing NULL to a _free function is a harmless no-op.
 *
 *  - Options structs begin with `uint32_t version`. Initialise them with the
 *    matching _INIT macro and then set the fields you need, so that fields
 *    appended by later versions get their defaults. A NULL options pointer
 *    means "all defaults".
 *
 *  - Thread safety: there is no global mutable state. Every function is
 *    reentrant and may be called from any number of threads at once. A handle
 *    may be shared between threads for the functions that take it as `const`
 *    (clickref_verifier_verify, clickref_event_conversion); a
 *    clickref_html_rewriter belongs to one thread at a time.
 *
 *  - The library never prints, never aborts and never lets a C++ exception
 *    cross this boundary: an allocation failure is CLICKREF_E_NO_MEMORY.
 */
#ifndef CLICKREF_H
#define CLICKREF_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------
 * Versions
 * --------------------------------------------------------------------- */

#define CLICKREF_VERSION_MAJOR 0
#define CLICKREF_VERSION_MINOR 1
#define CLICKREF_VERSION_PATCH 0
#define CLICKREF_VERSION_NUMBER \
  (CLICKREF_VERSION_MAJOR * 10000 + CLICKREF_VERSION_MINOR * 100 + CLICKREF_VERSION_PATCH)
/* Incremented whenever the ABI changes incompatibly. It is the shared
 * library's SOVERSION, and bindings compare it with clickref_abi_version(). */
#define CLICKREF_ABI_VERSION 2

/* ------------------------------------------------------------------------
 * Export macro
 * --------------------------------------------------------------------- */

#if defined(CLICKREF_STATIC)
#  define CLICKREF_API
#elif defined(_WIN32)
#  if defined(CLICKREF_BUILDING)
#    define CLICKREF_API __declspec(dllexport)
#  else
#    define CLICKREF_API __declspec(dllimport)
#  endif
#else
#  define CLICKREF_API __attribute__((visibility("default")))
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define CLICKREF_NODISCARD __attribute__((warn_unused_result))
#else
#  define CLICKREF_NODISCARD
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version of the library actually loaded (CLICKREF_ABI_VERSION of the
 * build that produced it). */
CLICKREF_API uint32_t clickref_abi_version(void);

/* The library's version as "MAJOR.MINOR.PATCH"; static, never NULL. */
CLICKREF_API const char* clickref_version(void);

/* ------------------------------------------------------------------------
 * Status codes
 * --------------------------------------------------------------------- */

typedef int32_t clickref_status;

enum {
  CLICKREF_OK = 0,

  /* General (0–9) */
  CLICKREF_E_INVALID_ARGUMENT = 1, /* NULL where a value is required, bad options version, misuse */
  CLICKREF_E_BUFFER_TOO_SMALL = 2, /* *out_len holds the capacity needed */
  CLICKREF_E_NO_MEMORY = 3,
  CLICKREF_E_INTERNAL = 4,         /* a bug in clickref; please report it */
  CLICKREF_E_NOT_FOUND = 5,        /* the thing asked for is absent or empty */

  /* Webhook signatures (10–19) */
  CLICKREF_E_SIG_MISSING_HEADER = 10,   /* the Stripe-Signature header is empty */
  CLICKREF_E_SIG_MALFORMED_HEADER = 11, /* no `t=`, two `t=`, or `t` not a decimal int64 */
  CLICKREF_E_SIG_NO_V1 = 12,            /* the header carries no v1 signature */
  CLICKREF_E_SIG_MISMATCH = 13,         /* no v1 matches any secret */
  CLICKREF_E_SIG_TOO_OLD = 14,          /* signature valid, timestamp older than the tolerance */
  CLICKREF_E_SIG_IN_FUTURE = 15,        /* signature valid, timestamp too far ahead (opt-in) */
  CLICKREF_E_EMPTY_PAYLOAD = 16,

  /* Events and conversions (20–29) */
  CLICKREF_E_JSON = 20,              /* not JSON, truncated, or invalid UTF-8 */
  CLICKREF_E_NOT_AN_EVENT = 21,      /* JSON, but not a Stripe v1 Event */
  CLICKREF_E_UNSUPPORTED_EVENT = 22, /* an Event type that yields no conversion */
  CLICKREF_E_JSON_TOO_DEEP = 23,     /* nesting deeper than the parser's limit */
  CLICKREF_E_BAD_FIELD = 24,         /* a known field has the wrong type or an out-of-range number */

  /* Click ids and cookies (30–39) */
  CLICKREF_E_INVALID_CLICK_ID = 30, /* not [A-Za-z0-9_-]{1,200}: Stripe would drop it */
  CLICKREF_E_BAD_ENCODING = 31,     /* a malformed %-escape, or one that decodes to invalid UTF-8 */

  /* Links and HTML (40–49) */
  CLICKREF_E_INVALID_URL = 40
};

/* The status's identifier, e.g. "CLICKREF_E_SIG_MISMATCH"; static, never
 * NULL ("CLICKREF_E_UNKNOWN" for a value this version does not know). */
CLICKREF_API const char* clickref_status_name(clickref_status status);

/* One English sentence describing the status; static, never NULL. */
CLICKREF_API const char* clickref_status_message(clickref_status status);

/* Optional per-call error detail (pass NULL if you don't need it). */
typedef struct clickref_error {
  int32_t code;        /* the clickref_status the call returned */
  const char* message; /* static English text, never NULL once filled */
  size_t offset;       /* byte offset in the relevant input, 0 when unknown */
} clickref_error;

/* A borrowed string: `len` bytes at `data`, not NUL-terminated. Its lifetime
 * is documented where it is returned. {NULL, 0} means "absent". */
typedef struct clickref_str {
  const char* data;
  size_t len;
} clickref_str;

/* ------------------------------------------------------------------------
 * Webhook signatures
 *
 * Stripe signs `<t>.<raw body>` with HMAC-SHA256 keyed by the endpoint secret
 * (the whole `whsec_…` string) and sends `Stripe-Signature: t=<unix>,v1=<hex>`.
 * Verify the body exactly as received: never re-serialise it first.
 *
 * A header is accepted when any of its v1 signatures matches the signature
 * computed with any of the secrets (during rotation Stripe sends one v1 per
 * secret). Other schemes, v0 included, are ignored. Comparison is constant
 * time. The signature is checked before the timestamp, so a forged header
 * learns nothing about timing.
 * --------------------------------------------------------------------- */

#define CLICKREF_DEFAULT_TOLERANCE 300
/* Flag: also reject timestamps more than `tolerance` seconds in the future
 * (stripe-php and stripe-dotnet do; stripe-node, -python, -go and -java don't). */
#define CLICKREF_VERIFY_REJECT_FUTURE 1u

/* Verifies one delivery against one secret.
 * now_unix:    the current time (seconds since the epoch).
 * tolerance_s: maximum age of the timestamp; <= 0 disables the age check.
 * Returns CLICKREF_OK or one of CLICKREF_E_SIG_*, CLICKREF_E_EMPTY_PAYLOAD,
 * CLICKREF_E_INVALID_ARGUMENT. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_verify_signature(
    const char* payload, size_t payload_len, const char* header, size_t header_len,
    const char* secret, size_t secret_len, int64_t now_unix, int64_t tolerance_s,
    uint32_t flags, clickref_error* err);

/* A prepared verifier: one or more secrets with their HMAC key schedule
 * computed once. Immutable once built; share it freely between threads. */
typedef struct clickref_verifier clickref_verifier;

/* Builds a verifier from n_secrets (>= 1) secrets. Empty secrets are
 * CLICKREF_E_INVALID_ARGUMENT. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_verifier_new(
    const char* const* secrets, const size_t* secret_lens, size_t n_secrets,
    int64_t tolerance_s, uint32_t flags, clickref_verifier** out);

/* The same checks as clickref_verify_signature, against every secret. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_verifier_verify(
    const clickref_verifier* v, const char* payload, size_t payload_len,
    const char* header, size_t header_len, int64_t now_unix, clickref_error* err);

CLICKREF_API void clickref_verifier_free(clickref_verifier* v);

/* Writes the header value `t=<timestamp>,v1=<64 hex>` that Stripe would send
 * for this payload: for testing your own endpoint (stripe-node calls this
 * generateTestHeaderString). timestamp must be >= 0. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_sign_payload(
    const char* payload, size_t payload_len, const char* secret, size_t secret_len,
    int64_t timestamp, char* out, size_t out_cap, size_t* out_len);

/* ------------------------------------------------------------------------
 * Events and conversions
 *
 * clickref_event_parse reads a Stripe Event (API v1, "snapshot" event) and
 * clickref_event_conversion maps it to the one record an affiliate dashboard
 * needs. Events of the same purchase (checkout.session.completed and
 * charge.succeeded, say) share a dedupe_key: upsert one row per key.
 *
 *   event type                               status     amount
 *   checkout.session.completed (paid,
 *     no_payment_required)                   APPROVED   amount_total
 *   checkout.session.completed (unpaid)      PENDING    amount_total
 *   checkout.session.async_payment_succeeded APPROVED   amount_total
 *   checkout.session.async_payment_failed    DECLINED   amount_total
 *   charge.succeeded                         APPROVED   amount_captured, else amount
 *   invoice.paid, invoice.payment_succeeded  APPROVED   amount_paid
 *   invoice_payment.paid                     APPROVED   amount_paid
 *   charge.refunded              (REFUND)    REVERSED when fully refunded, else APPROVED;
 *                                            amount as charge.succeeded, amount_refunded
 *                                            the charge's total refunded
 *   refund.created, refund.updated,          APPROVED; amount and amount_refunded that
 *   charge.refund.updated        (REFUND)    refund's (amount_refunded 0 once it failed
 *                                            or was canceled), refund_id set
 *   charge.dispute.created       (DISPUTE)   REVERSED   dispute amount
 *   charge.dispute.closed        (DISPUTE)   lost: REVERSED; won, warning_closed: APPROVED
 *   anything else, and mode=setup sessions   CLICKREF_E_UNSUPPORTED_EVENT
 *
 * A purchase is one payment: a one-time payment or one invoice of a
 * subscription. order_id is its id, the same in every event that knows it:
 *   checkout.session.*   payment_intent, else invoice, else the session
 *   charge.*             invoice, else payment_intent, else the charge
 *   invoice.*            the invoice;  invoice_payment.*  its invoice
 *   refund.*, charge.dispute.*  payment_intent, else charge, else the object
 * From API version 2025-03-31.basil on, charges, refunds and disputes of an
 * invoice no longer name it: only invoice_payment.paid (from 2025-05-28.basil
 * on) links the invoice to its payment_intent and charge, so a host links
 * them itself (the reference server does). On 2025-03-31.basil to
 * 2025-05-27.basil no event links them at all: such a charge stays a
 * purchase of its own, keyed by its payment_intent; without a click id of
 * its own a host should not count it as a sale (the reference server lists
 * it as an unlinked payment). dedupe_key is order_id, prefixed "<account>/"
 * for Connect events, so connected accounts never share a key.
 * --------------------------------------------------------------------- */

typedef struct clickref_event clickref_event;

enum {
  CLICKREF_CONVERSION_APPROVED = 1,
  CLICKREF_CONVERSION_PENDING = 2,
  CLICKREF_CONVERSION_DECLINED = 3,
  CLICKREF_CONVERSION_REVERSED = 4
};

enum {
  CLICKREF_CLICK_ID_NONE = 0,
  CLICKREF_CLICK_ID_CLIENT_REFERENCE_ID = 1, /* the Checkout Session's client_reference_id */
  CLICKREF_CLICK_ID_METADATA = 2             /* metadata["click_id"] */
};

/* What the event tells about its purchase (ABI 2). PAYMENT is 0, so that a
 * zeroed record a host fills in itself is a payment. */
enum {
  CLICKREF_EFFECT_PAYMENT = 0, /* the payment and its state: amount is what was paid */
  CLICKREF_EFFECT_REFUND = 1,  /* money returned: amount_refunded */
  CLICKREF_EFFECT_DISPUTE = 2  /* a chargeback opened or closed */
};

/* Which payment of what (ABI 2). UNKNOWN when the event cannot tell: a
 * charge never says, an invoice payment names only its invoice. */
enum {
  CLICKREF_RECURRENCE_UNKNOWN = 0,
  CLICKREF_RECURRENCE_ONE_TIME = 1, /* payment-mode session; invoice outside a subscription */
  CLICKREF_RECURRENCE_FIRST = 2,    /* subscription-mode session; subscription_create */
  CLICKREF_RECURRENCE_RENEWAL = 3   /* every later invoice of a subscription */
};

/* A conversion. Every clickref_str borrows from the clickref_event it came
 * from and is valid until that event is freed. Absent strings are {NULL, 0}.
 * Fields are only ever appended, and each addition bumps CLICKREF_ABI_VERSION
 * (the struct is caller-allocated, so its size is part of the ABI). */
typedef struct clickref_conversion {
  clickref_str event_id, event_type, object_id, click_id, order_id, payment_intent,
      payment_link, customer_email, currency /* upper-case ISO 4217 */, dedupe_key;
  int64_t amount;          /* minor units, as Stripe sends them */
  int64_t created;         /* event.created, seconds since the epoch */
  int32_t status;          /* CLICKREF_CONVERSION_* */
  int32_t livemode;        /* 0 or 1 */
  int32_t click_id_source; /* CLICKREF_CLICK_ID_* */
  int32_t click_id_valid;  /* 1 when click_id matches Stripe's [A-Za-z0-9_-]{1,200} */
  /* ABI 2: the ids that link a purchase's events and a subscription's
   * renewals, the discount redeemed, and refunds as amounts. */
  clickref_str customer, subscription, invoice, charge, account /* Connect */,
      billing_reason /* an invoice's */, promotion_code /* "promo_…" */, coupon,
      refund_id /* refund.* and charge.refund.* events */;
  int64_t amount_refunded; /* charge.refunded: the charge's total; refund events: that refund */
  int32_t effect;          /* CLICKREF_EFFECT_* */
  int32_t recurrence;      /* CLICKREF_RECURRENCE_* */
} clickref_conversion;

/* Parses a Stripe Event. The payload is copied: the caller's buffer may be
 * released as soon as this returns. Returns CLICKREF_E_JSON,
 * CLICKREF_E_JSON_TOO_DEEP, CLICKREF_E_NOT_AN_EVENT or CLICKREF_E_BAD_FIELD
 * for bad input (with err->offset when known). */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_event_parse(
    const char* payload, size_t len, clickref_event** out, clickref_error* err);

CLICKREF_API void clickref_event_free(clickref_event* ev);

/* Fills *out with the event's conversion, or returns
 * CLICKREF_E_UNSUPPORTED_EVENT (out is then zeroed). */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_event_conversion(
    const clickref_event* ev, clickref_conversion* out);

/* Writes the conversion as one JSON object (UTF-8, no trailing newline):
 * event_id, event_type, livemode, created, status, click_id, click_id_source,
 * click_id_valid, order_id, object_id, payment_intent, payment_link,
 * customer_email, amount, amount_decimal, currency, dedupe_key, then (ABI 2)
 * effect ("payment", "refund", "dispute"), recurrence ("unknown",
 * "one_time", "first", "renewal"), customer, subscription, invoice, charge,
 * account, billing_reason, promotion_code, coupon, refund_id,
 * amount_refunded, amount_refunded_decimal. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_conversion_to_json(
    const clickref_conversion* c, char* out, size_t cap, size_t* out_len);

/* Renders an amount in minor units as a decimal string with Stripe's
 * exponent for the currency (case-insensitive): "1999" + "usd" → "19.99",
 * "500" + "JPY" → "500", "1234" + "KWD" → "1.234". */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_format_amount(
    int64_t amount, const char* currency, size_t currency_len, char* out, size_t cap,
    size_t* out_len);

/* Builds a Tracknow server-to-server postback URL:
 *   <base>?click_id=…&order_id=…&amount=<decimal>&currency=<ISO>&<extra_query>
 * (`&` instead of `?` when base already has a query). Every clickref value is
 * percent-encoded; extra_query (e.g. "campaign_id=7&goal=sale") is appended
 * as given. A conversion without click id is CLICKREF_E_NOT_FOUND. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_postback_url(
    const clickref_conversion* c, const char* base, size_t base_len,
    const char* extra_query, size_t extra_len, char* out, size_t cap, size_t* out_len);

/* ------------------------------------------------------------------------
 * Click ids and cookies
 * --------------------------------------------------------------------- */

#define CLICKREF_MAX_CLICK_ID_LEN 200

/* Returns 1 when id matches Stripe's rule for client_reference_id,
 * [A-Za-z0-9_-]{1,200}, else 0. */
CLICKREF_API int clickref_click_id_valid(const char* id, size_t len);

/* The first value of query parameter `param` (NULL → "click_id") in a URL, a
 * request target ("/landing?click_id=…") or a bare query, decoded exactly as
 * WHATWG URLSearchParams does. CLICKREF_E_NOT_FOUND when absent or empty.
 * The value is returned as found (check it with clickref_click_id_valid).
 * Decoding can make it longer than it is in the URL (each invalid UTF-8
 * byte becomes the 3 bytes of U+FFFD): size the buffer with a size query or
 * 3 × len. Never allocates. See clickref/click_id.hpp for the details. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_click_id_from_url(
    const char* url, size_t len, const char* param, size_t param_len, char* out, size_t cap,
    size_t* out_len);

/* The value of cookie `name` (NULL → "tn_click_id") in a Cookie request
 * header, decoded as decodeURIComponent does. CLICKREF_E_NOT_FOUND when
 * absent or empty; CLICKREF_E_BAD_ENCODING for a malformed escape or a value
 * that is not UTF-8; CLICKREF_E_INVALID_ARGUMENT for an empty name. The
 * decoded value is never longer than the header. Never allocates. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_click_id_from_cookies(
    const char* cookie_header, size_t len, const char* name, size_t name_len, char* out,
    size_t cap, size_t* out_len);

#define CLICKREF_COOKIE_OPTIONS_VERSION 1
#define CLICKREF_DEFAULT_COOKIE_MAX_AGE 31536000 /* 365 days */

typedef struct clickref_cookie_options {
  uint32_t version;   /* CLICKREF_COOKIE_OPTIONS_VERSION */
  const char* name;   /* NULL → "tn_click_id" */
  size_t name_len;
  const char* domain; /* NULL → no Domain attribute (host-only cookie) */
  size_t domain_len;
  int64_t max_age_s;  /* > 0 */
  int32_t http_only;  /* 0 (default: the browser snippet must read it) or 1 */
} clickref_cookie_options;

#define CLICKREF_COOKIE_OPTIONS_INIT \
  { CLICKREF_COOKIE_OPTIONS_VERSION, NULL, 0, NULL, 0, CLICKREF_DEFAULT_COOKIE_MAX_AGE, 0 }

/* Writes the Set-Cookie header value that stores the click id as a
 * first-party, server-set cookie:
 *   tn_click_id=<id>; Expires=<IMF-fixdate>; Max-Age=<s>; Path=/; Secure; SameSite=Lax
 * with "; Domain=<domain>" after Max-Age and "; HttpOnly" at the end when
 * asked. Expires is now_unix + max_age_s.
 * CLICKREF_E_INVALID_CLICK_ID when the id fails clickref_click_id_valid.
 * CLICKREF_E_INVALID_ARGUMENT for: opts->version 0 (not initialised with
 * CLICKREF_COOKIE_OPTIONS_INIT) or newer than this library's
 * CLICKREF_COOKIE_OPTIONS_VERSION (settings it cannot know would be
 * dropped silently); a name that is not an RFC 6265 token; a domain other
 * than letters, digits, '-' and '.', or any domain with a "__Host-" name;
 * max_age_s <= 0; http_only other than 0 or 1; an expiry outside the years
 * 1970..9999. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_click_cookie(
    const char* id, size_t len, const clickref_cookie_options* opts, int64_t now_unix,
    char* out, size_t cap, size_t* out_len);

/* ------------------------------------------------------------------------
 * Payment links
 * --------------------------------------------------------------------- */

#define CLICKREF_LINK_OPTIONS_VERSION 1

typedef struct clickref_link_options {
  uint32_t version;               /* CLICKREF_LINK_OPTIONS_VERSION */
  const char* const* hosts;       /* payment-link hosts; NULL → {"buy.stripe.com"} */
  const size_t* host_lens;
  size_t n_hosts;
  size_t* rewritten;              /* optional out: links rewritten by clickref_rewrite_html,
                                     or so far by a clickref_html_rewriter */
} clickref_link_options;

#define CLICKREF_LINK_OPTIONS_INIT { CLICKREF_LINK_OPTIONS_VERSION, NULL, NULL, 0, NULL }

/* Sets client_reference_id=<click_id> on a payment link: an https URL whose
 * host (case-insensitive, without userinfo or a default :443) is one of the
 * options' hosts. The first existing client_reference_id is replaced in
 * place and later ones removed; otherwise the parameter is appended. Every
 * other byte is kept (but for the surrounding white space and inner
 * tabs/newlines a browser ignores, and a space that removing trailing
 * duplicates would leave at the very end, written as %20 so that a browser
 * does not trim it). A URL that is not a payment link is copied unchanged.
 * CLICKREF_E_INVALID_CLICK_ID when the id fails clickref_click_id_valid
 * (checked first, whatever the URL).
 *
 * The rules, in short (clickref/url.hpp has them in full): white space
 * around the URL is ignored and tabs/newlines inside it are deleted, as
 * browsers do, and a rewritten link comes back without them; "https:" needs
 * at least two slashes after it; the host is what follows the last '@', is
 * percent-decoded, and may end with one dot; a port other than 443 is not a
 * payment link (another origin); a non-ASCII host never matches.
 * CLICKREF_E_INVALID_URL, with no output, for an https URL a browser refuses
 * (empty host, a port that is not a number up to 65535, a forbidden byte in
 * the host) or that holds a NUL, another C0 control or DEL.
 *
 * opts->rewritten is not used by this function. An options struct whose
 * version is 0 or newer than CLICKREF_LINK_OPTIONS_VERSION, non-zero n_hosts
 * with NULL hosts, NULL host_lens with hosts, or a NULL host with a
 * non-zero length is CLICKREF_E_INVALID_ARGUMENT. An empty host list makes
 * no URL a payment link. Allocates only for a URL with inner tabs or
 * newlines. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_rewrite_url(
    const char* url, size_t len, const char* click_id, size_t id_len,
    const clickref_link_options* opts, char* out, size_t cap, size_t* out_len);

/* ------------------------------------------------------------------------
 * HTML
 *
 * Rewrites the payment links of an HTML document: the href of every <a>
 * (decoded as the HTML tokenizer does, then passed to clickref_rewrite_url)
 * and the client-reference-id attribute of <stripe-buy-button> and
 * <stripe-pricing-table>. Comments, raw-text elements (script, style, …) and
 * RCDATA (title, textarea) are never touched. Every other byte is copied
 * unchanged. Malformed HTML never fails: it is passed through.
 * --------------------------------------------------------------------- */

/* One-shot. CLICKREF_E_INVALID_CLICK_ID before any output for a bad id.
 * opts->rewritten, when not NULL, receives the number of elements rewritten
 * (an <a> whose href changed, a Stripe element whose client-reference-id was
 * set): on CLICKREF_OK, and on CLICKREF_E_BUFFER_TOO_SMALL (the count of the
 * output that did not fit, so a size query also counts). On any other
 * status it is left as it was. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_rewrite_html(
    const char* html, size_t len, const char* click_id, size_t id_len,
    const clickref_link_options* opts, char* out, size_t cap, size_t* out_len);

/* Receives rewritten output. Return CLICKREF_OK to go on; any other status
 * aborts the rewrite and is returned by the write/finish call. */
typedef clickref_status (*clickref_sink)(void* user, const char* data, size_t len);

typedef struct clickref_html_rewriter clickref_html_rewriter;

/* A streaming rewriter: feed chunks split anywhere; the sink receives, in
 * order, exactly the bytes clickref_rewrite_html would write for the whole
 * document. Memory stays bounded: a start tag longer than 64 KiB is passed
 * through unmodified, by the one-shot function too. The options are copied,
 * hosts included, except opts->rewritten: that pointer is kept, and when not
 * NULL the counter it points to is set to 0 here and to the number of
 * elements rewritten so far (counted once their new value reached the sink)
 * when every _write and _finish call returns, failing ones included. It
 * must stay valid until the rewriter is freed.
 * CLICKREF_E_INVALID_CLICK_ID for a bad id, before any output;
 * CLICKREF_E_INVALID_ARGUMENT for a NULL sink or out. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_html_rewriter_new(
    const char* click_id, size_t id_len, const clickref_link_options* opts,
    clickref_sink sink, void* user, clickref_html_rewriter** out);

/* Rewrites the next chunk (len 0 is allowed). Returns the first non-OK
 * status of the sink, which stops the rewriter: that status is returned by
 * every later _write and _finish call, and the sink is not called again. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_html_rewriter_write(
    clickref_html_rewriter* rw, const char* chunk, size_t len);

/* Flushes what is still held (a tag cut off by the end of the document is
 * passed through as it is). Writing or finishing after finish is
 * CLICKREF_E_INVALID_ARGUMENT. */
CLICKREF_API CLICKREF_NODISCARD clickref_status clickref_html_rewriter_finish(
    clickref_html_rewriter* rw);

CLICKREF_API void clickref_html_rewriter_free(clickref_html_rewriter* rw);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CLICKREF_H */
