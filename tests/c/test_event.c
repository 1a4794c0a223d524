/* The events-and-conversions part of the C ABI, compiled as C so clickref.h
 * stays valid C. argv[1] is the tests/data/events directory. */
#include <clickref/clickref.h>

#include "check.h"

#include <stdlib.h>
#include <string.h>

static char payload[65536];
static size_t payload_len;

static int load(const char* dir, const char* name) {
  char path[1024];
  FILE* f;
  snprintf(path, sizeof path, "%s/%s.json", dir, name);
  f = fopen(path, "rb");
  if (f == NULL) return 0;
  payload_len = fread(payload, 1, sizeof payload, f);
  fclose(f);
  return payload_len > 0;
}

static int str_is(clickref_str s, const char* expected) {
  return s.data != NULL && s.len == strlen(expected) && memcmp(s.data, expected, s.len) == 0;
}

static int str_absent(clickref_str s) { return s.data == NULL && s.len == 0; }

static const char kPaymentIntent[] = "pi_3QmZ8kLkdIwHu7ix1GxYt5Hq";
static const char kClick[] = "7f3c9a12-4b6e-4d21-9f0a-3c5e8b7d1a24";

static void test_session(const char* dir) {
  clickref_event* ev = NULL;
  clickref_conversion c;
  char json[2048];
  size_t json_len = 0;
  size_t needed = 0;
  static const char expected_json[] =
      "{\"event_id\":\"evt_1QmZ8mLkdIwHu7ixR2d4FgHj\",\"event_type\":\"checkout.session.completed\","
      "\"livemode\":true,\"created\":1735689660,\"status\":\"approved\","
      "\"click_id\":\"7f3c9a12-4b6e-4d21-9f0a-3c5e8b7d1a24\",\"click_id_source\":\"client_reference_id\","
      "\"click_id_valid\":true,\"order_id\":\"pi_3QmZ8kLkdIwHu7ix1GxYt5Hq\","
      "\"object_id\":\"cs_live_b1Q2w3E4r5T6y7U8i9O0pAsDfGhJkLzXcVbNm1234567890qwertyuiopa\","
      "\"payment_intent\":\"pi_3QmZ8kLkdIwHu7ix1GxYt5Hq\",\"payment_link\":\"plink_1QhWxxLkdIwHu7ixAbCdEfGh\","
      "\"customer_email\":\"jenny.rosen@example.com\",\"amount\":4900,\"amount_decimal\":\"49.00\","
      "\"currency\":\"USD\",\"dedupe_key\":\"pi_3QmZ8kLkdIwHu7ix1GxYt5Hq\",\"effect\":\"payment\","
      "\"recurrence\":\"one_time\",\"customer\":null,\"subscription\":null,\"invoice\":null,\"charge\":null,"
      "\"account\":null,\"billing_reason\":null,\"promotion_code\":null,\"coupon\":null,\"refund_id\":null,"
      "\"amount_refunded\":0,\"amount_refunded_decimal\":\"0.00\"}";

  CHECK(load(dir, "checkout-session-completed"));
  CHECK_STATUS(clickref_event_parse(payload, payload_len, &ev, NULL), CLICKREF_OK);
  CHECK(ev != NULL);
  /* The payload was copied: the caller's buffer may change. */
  memset(payload, 'x', payload_len);
  CHECK_STATUS(clickref_event_conversion(ev, &c), CLICKREF_OK);
  CHECK(str_is(c.event_id, "evt_1QmZ8mLkdIwHu7ixR2d4FgHj"));
  CHECK(str_is(c.event_type, "checkout.session.completed"));
  CHECK(str_is(c.object_id, "cs_live_b1Q2w3E4r5T6y7U8i9O0pAsDfGhJkLzXcVbNm1234567890qwertyuiopa"));
  CHECK(str_is(c.click_id, kClick));
  CHECK(str_is(c.order_id, kPaymentIntent));
  CHECK(str_is(c.payment_intent, kPaymentIntent));
  CHECK(str_is(c.payment_link, "plink_1QhWxxLkdIwHu7ixAbCdEfGh"));
  CHECK(str_is(c.customer_email, "jenny.rosen@example.com"));
  CHECK(str_is(c.currency, "USD"));
  CHECK(str_is(c.dedupe_key, kPaymentIntent));
  CHECK(c.amount == 4900);
  CHECK(c.created == 1735689660);
  CHECK(c.status == CLICKREF_CONVERSION_APPROVED);
  CHECK(c.livemode == 1);
  CHECK(c.click_id_source == CLICKREF_CLICK_ID_CLIENT_REFERENCE_ID);
  CHECK(c.click_id_valid == 1);

  /* JSON: size query, too small, exact. */
  CHECK_STATUS(clickref_conversion_to_json(&c, NULL, 0, &needed), CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK(needed == strlen(expected_json));
  CHECK_STATUS(clickref_conversion_to_json(&c, json, needed - 1, &json_len), CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK(json_len == needed);
  CHECK_STATUS(clickref_conversion_to_json(&c, json, needed, &json_len), CLICKREF_OK);
  CHECK(json_len == strlen(expected_json) && memcmp(json, expected_json, json_len) == 0);
  CHECK_STATUS(clickref_conversion_to_json(&c, json, sizeof json, NULL), CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_conversion_to_json(NULL, json, sizeof json, &json_len), CLICKREF_E_INVALID_ARGUMENT);

  /* Postback URLs. */
  {
    static const char base[] = "https://acme-tracking.tracknow.info/postback";
    static const char extra[] = "campaign_id=7&goal=sale";
    static const char expected[] =
        "https://acme-tracking.tracknow.info/postback?click_id=7f3c9a12-4b6e-4d21-9f0a-3c5e8b7d1a24"
        "&order_id=pi_3QmZ8kLkdIwHu7ix1GxYt5Hq&amount=49.00&currency=USD&campaign_id=7&goal=sale";
    char url[512];
    size_t url_len = 0;
    CHECK_STATUS(clickref_postback_url(&c, base, strlen(base), extra, strlen(extra), url, sizeof url, &url_len),
                 CLICKREF_OK);
    CHECK(url_len == strlen(expected) && memcmp(url, expected, url_len) == 0);
    CHECK_STATUS(clickref_postback_url(&c, base, strlen(base), NULL, 0, url, 10, &url_len),
                 CLICKREF_E_BUFFER_TOO_SMALL);
    CHECK(url_len == strlen(expected) - strlen(extra) - 1);
    CHECK_STATUS(clickref_postback_url(&c, "ftp://x", 7, NULL, 0, url, sizeof url, &url_len), CLICKREF_E_INVALID_URL);
    CHECK_STATUS(clickref_postback_url(&c, NULL, 3, NULL, 0, url, sizeof url, &url_len), CLICKREF_E_INVALID_ARGUMENT);
    c.click_id.data = NULL;
    c.click_id.len = 0;
    CHECK_STATUS(clickref_postback_url(&c, base, strlen(base), NULL, 0, url, sizeof url, &url_len),
                 CLICKREF_E_NOT_FOUND);
  }
  clickref_event_free(ev);
}

static void test_other_events(const char* dir) {
  clickref_event* ev = NULL;
  clickref_conversion c;

  CHECK(load(dir, "charge-dispute-created"));
  CHECK_STATUS(clickref_event_parse(payload, payload_len, &ev, NULL), CLICKREF_OK);
  CHECK_STATUS(clickref_event_conversion(ev, &c), CLICKREF_OK);
  CHECK(c.status == CLICKREF_CONVERSION_REVERSED);
  CHECK(c.amount == 4900);
  CHECK(str_is(c.dedupe_key, kPaymentIntent));
  CHECK(str_absent(c.click_id));
  CHECK(c.click_id_source == CLICKREF_CLICK_ID_NONE);
  CHECK(str_absent(c.payment_link));
  CHECK(str_absent(c.customer_email));
  clickref_event_free(ev);

  /* No conversion: the record is zeroed. */
  CHECK(load(dir, "checkout-session-expired"));
  CHECK_STATUS(clickref_event_parse(payload, payload_len, &ev, NULL), CLICKREF_OK);
  memset(&c, 0x5A, sizeof c);
  CHECK_STATUS(clickref_event_conversion(ev, &c), CLICKREF_E_UNSUPPORTED_EVENT);
  CHECK(str_absent(c.event_id) && str_absent(c.dedupe_key) && c.amount == 0 && c.status == 0);
  clickref_event_free(ev);

  CHECK(load(dir, "v2-thin-event"));
  ev = (clickref_event*)&c; /* must be reset to NULL on failure */
  CHECK_STATUS(clickref_event_parse(payload, payload_len, &ev, NULL), CLICKREF_E_NOT_AN_EVENT);
  CHECK(ev == NULL);
}

/* Each thread's events come from one reused parser: an event must not
 * borrow from it, so a later parse (even a failed one) leaves it whole. */
static void test_events_outlive_the_next_parse(const char* dir) {
  clickref_event* session = NULL;
  clickref_event* dispute = NULL;
  clickref_event* failed = NULL;
  clickref_conversion c;
  static const char truncated[] = "{\"id\":\"evt_overwrite\",\"object\":\"event\"";

  CHECK(load(dir, "checkout-session-completed"));
  CHECK_STATUS(clickref_event_parse(payload, payload_len, &session, NULL), CLICKREF_OK);
  CHECK(load(dir, "charge-dispute-created"));
  CHECK_STATUS(clickref_event_parse(payload, payload_len, &dispute, NULL), CLICKREF_OK);
  CHECK_STATUS(clickref_event_parse(truncated, sizeof truncated - 1, &failed, NULL),
               CLICKREF_E_JSON);
  CHECK(failed == NULL);

  CHECK_STATUS(clickref_event_conversion(session, &c), CLICKREF_OK);
  CHECK(str_is(c.event_id, "evt_1QmZ8mLkdIwHu7ixR2d4FgHj"));
  CHECK(str_is(c.click_id, kClick));
  CHECK(str_is(c.customer_email, "jenny.rosen@example.com"));
  CHECK(c.status == CLICKREF_CONVERSION_APPROVED && c.amount == 4900);
  clickref_event_free(session);

  CHECK_STATUS(clickref_event_conversion(dispute, &c), CLICKREF_OK);
  CHECK(str_is(c.event_type, "charge.dispute.created"));
  CHECK(str_is(c.dedupe_key, kPaymentIntent));
  CHECK(c.status == CLICKREF_CONVERSION_REVERSED);
  clickref_event_free(dispute);
}

static void test_bad_input(void) {
  clickref_event* ev = NULL;
  clickref_error err;
  clickref_conversion c;
  static const char bad_utf8[] = "{\"id\":\"evt_\xFF\"}";
  static const char big_number[] =
      "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"charge.succeeded\",\"created\":123456789012345678901234,"
      "\"livemode\":false,\"data\":{\"object\":{}}}";
  static const char with_nul[] = "{\"id\":\"evt\0\"}";

  memset(&err, 0, sizeof err);
  CHECK_STATUS(clickref_event_parse(bad_utf8, sizeof bad_utf8 - 1, &ev, &err), CLICKREF_E_JSON);
  CHECK(ev == NULL);
  CHECK(err.code == CLICKREF_E_JSON);
  CHECK(err.message != NULL);
  CHECK(err.offset == 11);
  CHECK_STATUS(clickref_event_parse(big_number, sizeof big_number - 1, &ev, &err), CLICKREF_E_BAD_FIELD);
  CHECK(err.offset == (size_t)(strstr(big_number, "1234567890123") - big_number));
  CHECK_STATUS(clickref_event_parse(with_nul, sizeof with_nul - 1, &ev, NULL), CLICKREF_E_JSON);
  CHECK_STATUS(clickref_event_parse("[1]", 3, &ev, NULL), CLICKREF_E_NOT_AN_EVENT);
  CHECK_STATUS(clickref_event_parse(NULL, 0, &ev, &err), CLICKREF_E_JSON); /* empty */
  CHECK_STATUS(clickref_event_parse(NULL, 5, &ev, &err), CLICKREF_E_INVALID_ARGUMENT);
  CHECK(err.code == CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_event_parse("{}", 2, NULL, NULL), CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_event_conversion(NULL, &c), CLICKREF_E_INVALID_ARGUMENT);
  clickref_event_free(NULL);
}

/* A record the host filled in itself (restored from its database, say). */
static void test_hand_made_record(void) {
  clickref_conversion c;
  char out[1024];
  size_t out_len = 0;
  static const char expected[] =
      "{\"event_id\":\"evt_1\",\"event_type\":\"charge.refunded\",\"livemode\":false,\"created\":0,"
      "\"status\":\"reversed\",\"click_id\":null,\"click_id_source\":null,\"click_id_valid\":false,"
      "\"order_id\":\"ch_1\",\"object_id\":\"ch_1\",\"payment_intent\":null,\"payment_link\":null,"
      "\"customer_email\":\"a\\\"b\",\"amount\":-500,\"amount_decimal\":\"-500\",\"currency\":\"JPY\","
      "\"dedupe_key\":\"ch_1\",\"effect\":\"payment\",\"recurrence\":\"unknown\",\"customer\":null,"
      "\"subscription\":null,\"invoice\":null,\"charge\":null,\"account\":null,\"billing_reason\":null,"
      "\"promotion_code\":null,\"coupon\":null,\"refund_id\":null,\"amount_refunded\":0,"
      "\"amount_refunded_decimal\":\"0\"}";
  memset(&c, 0, sizeof c);
  c.event_id.data = "evt_1";
  c.event_id.len = 5;
  c.event_type.data = "charge.refunded";
  c.event_type.len = 15;
  c.object_id.data = c.order_id.data = c.dedupe_key.data = "ch_1";
  c.object_id.len = c.order_id.len = c.dedupe_key.len = 4;
  c.customer_email.data = "a\"b";
  c.customer_email.len = 3;
  c.currency.data = "jpy";
  c.currency.len = 3;
  c.amount = -500;
  c.status = CLICKREF_CONVERSION_REVERSED;
  CHECK_STATUS(clickref_conversion_to_json(&c, out, sizeof out, &out_len), CLICKREF_OK);
  CHECK(out_len == strlen(expected) && memcmp(out, expected, out_len) == 0);
  c.status = 0;
  CHECK_STATUS(clickref_conversion_to_json(&c, out, sizeof out, &out_len), CLICKREF_E_INVALID_ARGUMENT);
  c.status = CLICKREF_CONVERSION_APPROVED;
  c.click_id_source = 7;
  CHECK_STATUS(clickref_conversion_to_json(&c, out, sizeof out, &out_len), CLICKREF_E_INVALID_ARGUMENT);
  c.click_id_source = CLICKREF_CLICK_ID_NONE;
  c.livemode = 2;
  CHECK_STATUS(clickref_conversion_to_json(&c, out, sizeof out, &out_len), CLICKREF_E_INVALID_ARGUMENT);
  c.livemode = 0;
  c.payment_link.len = 4; /* NULL data with a length */
  CHECK_STATUS(clickref_conversion_to_json(&c, out, sizeof out, &out_len), CLICKREF_E_INVALID_ARGUMENT);
}

static void test_format_amount(void) {
  char out[32];
  size_t out_len = 0;
  CHECK_STATUS(clickref_format_amount(1999, "usd", 3, out, sizeof out, &out_len), CLICKREF_OK);
  CHECK(out_len == 5 && memcmp(out, "19.99", 5) == 0);
  CHECK_STATUS(clickref_format_amount(500, "JPY", 3, out, sizeof out, &out_len), CLICKREF_OK);
  CHECK(out_len == 3 && memcmp(out, "500", 3) == 0);
  CHECK_STATUS(clickref_format_amount(1234, "KWD", 3, out, sizeof out, &out_len), CLICKREF_OK);
  CHECK(out_len == 5 && memcmp(out, "1.234", 5) == 0);
  CHECK_STATUS(clickref_format_amount(INT64_MIN, "eur", 3, out, sizeof out, &out_len), CLICKREF_OK);
  CHECK(out_len == 21 && memcmp(out, "-92233720368547758.08", 21) == 0);
  CHECK_STATUS(clickref_format_amount(1, "eur", 3, NULL, 0, &out_len), CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK(out_len == 4);
  CHECK_STATUS(clickref_format_amount(1, "euro", 4, out, sizeof out, &out_len), CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_format_amount(1, NULL, 3, out, sizeof out, &out_len), CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_format_amount(1, "eur", 3, out, sizeof out, NULL), CLICKREF_E_INVALID_ARGUMENT);
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  test_session(argv[1]);
  test_other_events(argv[1]);
  test_events_outlive_the_next_parse(argv[1]);
  test_bad_input();
  test_hand_made_record();
  test_format_amount();
  return check_exit_code();
}
