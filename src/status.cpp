// Names and messages of the status codes declared in clickref.h.
#include <clickref/clickref.h>

namespace {

struct status_text {
  clickref_status code;
  const char* name;
  const char* message;
};

constexpr status_text kStatusTexts[] = {
    {CLICKREF_OK, "CLICKREF_OK", "Success."},
    {CLICKREF_E_INVALID_ARGUMENT, "CLICKREF_E_INVALID_ARGUMENT",
     "An argument is NULL where a value is required, out of range, or used out of order."},
    {CLICKREF_E_BUFFER_TOO_SMALL, "CLICKREF_E_BUFFER_TOO_SMALL",
     "The output buffer is too small; *out_len holds the capacity needed."},
    {CLICKREF_E_NO_MEMORY, "CLICKREF_E_NO_MEMORY", "Memory allocation failed."},
    {CLICKREF_E_INTERNAL, "CLICKREF_E_INTERNAL", "Internal error in clickref (a bug: please report it)."},
    {CLICKREF_E_NOT_FOUND, "CLICKREF_E_NOT_FOUND", "The value asked for is absent or empty."},
    {CLICKREF_E_SIG_MISSING_HEADER, "CLICKREF_E_SIG_MISSING_HEADER", "The Stripe-Signature header is missing or empty."},
    {CLICKREF_E_SIG_MALFORMED_HEADER, "CLICKREF_E_SIG_MALFORMED_HEADER",
     "The Stripe-Signature header is malformed: it needs exactly one t=<unix seconds>."},
    {CLICKREF_E_SIG_NO_V1, "CLICKREF_E_SIG_NO_V1", "The Stripe-Signature header carries no v1 signature."},
    {CLICKREF_E_SIG_MISMATCH, "CLICKREF_E_SIG_MISMATCH",
     "No v1 signature matches the payload for any configured secret."},
    {CLICKREF_E_SIG_TOO_OLD, "CLICKREF_E_SIG_TOO_OLD", "The signature's timestamp is older than the tolerance."},
    {CLICKREF_E_SIG_IN_FUTURE, "CLICKREF_E_SIG_IN_FUTURE",
     "The signature's timestamp is further in the future than the tolerance."},
    {CLICKREF_E_EMPTY_PAYLOAD, "CLICKREF_E_EMPTY_PAYLOAD", "The payload is empty."},
    {CLICKREF_E_JSON, "CLICKREF_E_JSON", "The payload is not valid JSON (malformed, truncated or invalid UTF-8)."},
    {CLICKREF_E_NOT_AN_EVENT, "CLICKREF_E_NOT_AN_EVENT", "The JSON is not a Stripe v1 Event."},
    {CLICKREF_E_UNSUPPORTED_EVENT, "CLICKREF_E_UNSUPPORTED_EVENT", "The event type yields no conversion."},
    {CLICKREF_E_JSON_TOO_DEEP, "CLICKREF_E_JSON_TOO_DEEP", "The JSON is nested deeper than the parser allows."},
    {CLICKREF_E_BAD_FIELD, "CLICKREF_E_BAD_FIELD",
     "A field of the event has the wrong JSON type or a number out of range."},
    {CLICKREF_E_INVALID_CLICK_ID, "CLICKREF_E_INVALID_CLICK_ID",
     "The click id is not 1-200 characters of A-Z a-z 0-9 - _ (Stripe would drop it)."},
    {CLICKREF_E_BAD_ENCODING, "CLICKREF_E_BAD_ENCODING",
     "A percent-escape is malformed or decodes to invalid UTF-8."},
    {CLICKREF_E_INVALID_URL, "CLICKREF_E_INVALID_URL", "The URL is malformed."},
};

const status_text* find(clickref_status s) {
  for (const auto& t : kStatusTexts) {
    if (t.code == s) return &t;
  }
  return nullptr;
}

}  // namespace

extern "C" {

const char* clickref_status_name(clickref_status s) {
  const status_text* t = find(s);
  return t ? t->name : "CLICKREF_E_UNKNOWN";
}

const char* clickref_status_message(clickref_status s) {
  const status_text* t = find(s);
  return t ? t->message : "Unknown status code.";
}

}  // extern "C"
