/* Click ids, cookies and payment links through the C ABI, compiled as C:
 * NULL handling, the output-buffer convention, options versions. */
#include <clickref/clickref.h>

#include "check.h"

#include <string.h>

#define LEN(literal) (sizeof(literal) - 1)

/* Whether out[0, out_len) is exactly the string `expected`. */
static int equals(const char* out, size_t out_len, const char* expected) {
  return out_len == strlen(expected) && memcmp(out, expected, out_len) == 0;
}

static void test_valid(void) {
  char id[202];
  memset(id, 'a', sizeof id);
  CHECK(clickref_click_id_valid("abc_DEF-123", 11) == 1);
  CHECK(clickref_click_id_valid(id, 200) == 1);
  CHECK(clickref_click_id_valid(id, 201) == 0);
  CHECK(clickref_click_id_valid("", 0) == 0);
  CHECK(clickref_click_id_valid(NULL, 0) == 0);
  CHECK(clickref_click_id_valid(NULL, 3) == 0);
  CHECK(clickref_click_id_valid("a\0b", 3) == 0);
  CHECK(clickref_click_id_valid("a.b", 3) == 0);
}

static void test_from_url(void) {
  static const char url[] = "https://shop.example/landing?utm=x&click_id=abc%5F1+2#frag";
  char out[64];
  size_t out_len = 99;

  CHECK_STATUS(clickref_click_id_from_url(url, LEN(url), NULL, 0, out, sizeof out, &out_len), CLICKREF_OK);
  CHECK(equals(out, out_len, "abc_1 2"));
  CHECK_STATUS(clickref_click_id_from_url(url, LEN(url), "utm", 3, out, sizeof out, &out_len), CLICKREF_OK);
  CHECK(equals(out, out_len, "x"));
  CHECK_STATUS(clickref_click_id_from_url(url, LEN(url), "frag", 4, out, sizeof out, &out_len),
               CLICKREF_E_NOT_FOUND);
  CHECK(out_len == 0);
  CHECK_STATUS(clickref_click_id_from_url("?click_id=", 10, NULL, 0, out, sizeof out, &out_len),
               CLICKREF_E_NOT_FOUND);
  CHECK_STATUS(clickref_click_id_from_url(NULL, 0, NULL, 0, out, sizeof out, &out_len), CLICKREF_E_NOT_FOUND);

  /* The output convention: a size query, then an exact-size buffer. Decoding
   * can lengthen the value (one bad byte becomes three of U+FFFD). */
  CHECK_STATUS(clickref_click_id_from_url("click_id=%FFa", 13, NULL, 0, NULL, 0, &out_len),
               CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK(out_len == 4);
  CHECK_STATUS(clickref_click_id_from_url("click_id=%FFa", 13, NULL, 0, out, 3, &out_len),
               CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK(out_len == 4);
  CHECK_STATUS(clickref_click_id_from_url("click_id=%FFa", 13, NULL, 0, out, 4, &out_len), CLICKREF_OK);
  CHECK(equals(out, out_len,
               "\xEF\xBF\xBD"
               "a"));

  /* Bad arguments. */
  CHECK_STATUS(clickref_click_id_from_url(NULL, 5, NULL, 0, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_click_id_from_url(url, LEN(url), NULL, 4, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_click_id_from_url(url, LEN(url), NULL, 0, out, sizeof out, NULL),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_click_id_from_url(url, LEN(url), NULL, 0, NULL, 8, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
}

static void test_from_cookies(void) {
  static const char header[] = "a=1; tn_click_id=\"caf%C3%A9\"; tn_click_id=later; b=x=y";
  char out[64];
  size_t out_len = 0;

  CHECK_STATUS(clickref_click_id_from_cookies(header, LEN(header), NULL, 0, out, sizeof out, &out_len),
               CLICKREF_OK);
  CHECK(equals(out, out_len, "caf\xC3\xA9"));
  CHECK_STATUS(clickref_click_id_from_cookies(header, LEN(header), "b", 1, out, sizeof out, &out_len),
               CLICKREF_OK);
  CHECK(equals(out, out_len, "x=y"));
  CHECK_STATUS(clickref_click_id_from_cookies(header, LEN(header), "c", 1, out, sizeof out, &out_len),
               CLICKREF_E_NOT_FOUND);
  CHECK_STATUS(
      clickref_click_id_from_cookies("tn_click_id=%E0%80%80", 21, NULL, 0, out, sizeof out, &out_len),
      CLICKREF_E_BAD_ENCODING);
  CHECK_STATUS(clickref_click_id_from_cookies("tn_click_id=%", 13, NULL, 0, out, sizeof out, &out_len),
               CLICKREF_E_BAD_ENCODING);

  /* Decoding shortens "%C3%A9" to two bytes: the exact size is reported for
   * buffers smaller than the raw value, and a malformed value is reported
   * as such whatever the buffer. */
  CHECK_STATUS(clickref_click_id_from_cookies(header, LEN(header), NULL, 0, NULL, 0, &out_len),
               CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK(out_len == 5);
  CHECK_STATUS(clickref_click_id_from_cookies(header, LEN(header), NULL, 0, out, 5, &out_len), CLICKREF_OK);
  CHECK(equals(out, out_len, "caf\xC3\xA9"));
  CHECK_STATUS(clickref_click_id_from_cookies("tn_click_id=%FFabc", 18, NULL, 0, out, 1, &out_len),
               CLICKREF_E_BAD_ENCODING);

  CHECK_STATUS(clickref_click_id_from_cookies(header, LEN(header), "", 0, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_click_id_from_cookies(NULL, 1, NULL, 0, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_click_id_from_cookies(NULL, 0, NULL, 0, out, sizeof out, &out_len),
               CLICKREF_E_NOT_FOUND);
}

static void test_click_cookie(void) {
  char out[256];
  size_t out_len = 0;
  clickref_cookie_options opts = CLICKREF_COOKIE_OPTIONS_INIT;
  static const char expected_default[] =
      "tn_click_id=abc; Expires=Wed, 13 Nov 2024 22:13:20 GMT; Max-Age=31536000; Path=/; Secure; "
      "SameSite=Lax";

  CHECK_STATUS(clickref_click_cookie("abc", 3, NULL, 1700000000, out, sizeof out, &out_len), CLICKREF_OK);
  CHECK(equals(out, out_len, expected_default));
  CHECK_STATUS(clickref_click_cookie("abc", 3, &opts, 1700000000, out, sizeof out, &out_len), CLICKREF_OK);
  CHECK(equals(out, out_len, expected_default));

  opts.name = "ref";
  opts.name_len = 3;
  opts.domain = "example.com";
  opts.domain_len = 11;
  opts.max_age_s = 60;
  opts.http_only = 1;
  CHECK_STATUS(clickref_click_cookie("abc", 3, &opts, 0, out, sizeof out, &out_len), CLICKREF_OK);
  CHECK(equals(
      out, out_len,
      "ref=abc; Expires=Thu, 01 Jan 1970 00:01:00 GMT; Max-Age=60; Domain=example.com; Path=/; Secure; "
      "SameSite=Lax; HttpOnly"));

  CHECK_STATUS(clickref_click_cookie("abc", 3, NULL, 1700000000, NULL, 0, &out_len),
               CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK(out_len == LEN(expected_default));
  CHECK_STATUS(clickref_click_cookie("a b", 3, NULL, 0, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_CLICK_ID);

  /* Options that cannot be honoured. */
  opts.http_only = 2;
  CHECK_STATUS(clickref_click_cookie("abc", 3, &opts, 0, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  opts.http_only = 0;
  opts.max_age_s = 0;
  CHECK_STATUS(clickref_click_cookie("abc", 3, &opts, 0, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  opts.max_age_s = 60;
  opts.name_len = 0;
  CHECK_STATUS(clickref_click_cookie("abc", 3, &opts, 0, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  opts.name = NULL;
  opts.name_len = 2;
  CHECK_STATUS(clickref_click_cookie("abc", 3, &opts, 0, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  opts.name_len = 0;
  opts.domain = "a;b";
  opts.domain_len = 3;
  CHECK_STATUS(clickref_click_cookie("abc", 3, &opts, 0, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  opts.domain = NULL;
  opts.domain_len = 0;
  CHECK_STATUS(clickref_click_cookie("abc", 3, &opts, 0, out, sizeof out, &out_len), CLICKREF_OK);
  CHECK(equals(
      out, out_len,
      "tn_click_id=abc; Expires=Thu, 01 Jan 1970 00:01:00 GMT; Max-Age=60; Path=/; Secure; SameSite=Lax"));

  /* Version 0 (never initialised) and versions from the future are refused. */
  opts.version = 0;
  CHECK_STATUS(clickref_click_cookie("abc", 3, &opts, 0, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  opts.version = CLICKREF_COOKIE_OPTIONS_VERSION + 1;
  CHECK_STATUS(clickref_click_cookie("abc", 3, &opts, 0, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
}

static void test_rewrite_url(void) {
  static const char link[] = "https://buy.stripe.com/test_x?a=1&client_reference_id=old#f";
  static const char expected[] = "https://buy.stripe.com/test_x?a=1&client_reference_id=cid_1#f";
  static const char* const custom_hosts[] = {"pay.example.com"};
  static const size_t custom_lens[] = {15};
  char out[128];
  size_t out_len = 0;
  size_t rewritten = 77;
  clickref_link_options opts = CLICKREF_LINK_OPTIONS_INIT;

  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "cid_1", 5, NULL, out, sizeof out, &out_len),
               CLICKREF_OK);
  CHECK(equals(out, out_len, expected));
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "cid_1", 5, &opts, out, sizeof out, &out_len),
               CLICKREF_OK);
  CHECK(equals(out, out_len, expected));

  /* Size query, too small, exact. */
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "cid_1", 5, NULL, NULL, 0, &out_len),
               CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK(out_len == LEN(expected));
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "cid_1", 5, NULL, out, LEN(expected) - 1, &out_len),
               CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK(out_len == LEN(expected));
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "cid_1", 5, NULL, out, LEN(expected), &out_len),
               CLICKREF_OK);
  CHECK(equals(out, out_len, expected));

  /* Not a payment link: copied. */
  CHECK_STATUS(clickref_rewrite_url("/x", 2, "cid_1", 5, NULL, out, sizeof out, &out_len), CLICKREF_OK);
  CHECK(equals(out, out_len, "/x"));
  CHECK_STATUS(clickref_rewrite_url(NULL, 0, "cid_1", 5, NULL, out, sizeof out, &out_len), CLICKREF_OK);
  CHECK(out_len == 0);
  CHECK_STATUS(
      clickref_rewrite_url("https://pay.example.com/x", 25, "cid_1", 5, NULL, out, sizeof out, &out_len),
      CLICKREF_OK);
  CHECK(equals(out, out_len, "https://pay.example.com/x"));

  /* A custom host list replaces the default; `rewritten` is left alone. */
  opts.hosts = custom_hosts;
  opts.host_lens = custom_lens;
  opts.n_hosts = 1;
  opts.rewritten = &rewritten;
  CHECK_STATUS(
      clickref_rewrite_url("https://pay.example.com/x", 25, "cid_1", 5, &opts, out, sizeof out, &out_len),
      CLICKREF_OK);
  CHECK(equals(out, out_len, "https://pay.example.com/x?client_reference_id=cid_1"));
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "cid_1", 5, &opts, out, sizeof out, &out_len),
               CLICKREF_OK);
  CHECK(equals(out, out_len, link));
  CHECK(rewritten == 77);

  /* Errors. */
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "bad id", 6, NULL, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_CLICK_ID);
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), NULL, 0, NULL, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_CLICK_ID);
  CHECK_STATUS(clickref_rewrite_url("https://buy.stripe.com:x/", 25, "c", 1, NULL, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_URL);
  CHECK_STATUS(clickref_rewrite_url("https://buy.stripe.com/\0", 24, "c", 1, NULL, out, sizeof out, &out_len),
               CLICKREF_OK); /* a trailing NUL is trimmed like other C0 controls */
  CHECK_STATUS(
      clickref_rewrite_url("https://buy.stripe.com/\0x", 25, "c", 1, NULL, out, sizeof out, &out_len),
      CLICKREF_E_INVALID_URL);
  CHECK_STATUS(clickref_rewrite_url(NULL, 3, "c", 1, NULL, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "c", 1, NULL, NULL, 10, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "c", 1, NULL, out, sizeof out, NULL),
               CLICKREF_E_INVALID_ARGUMENT);
  opts.host_lens = NULL;
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "c", 1, &opts, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  opts.hosts = NULL;
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "c", 1, &opts, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT); /* n_hosts without hosts */
  opts.n_hosts = 0;
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "c", 1, &opts, out, sizeof out, &out_len), CLICKREF_OK);
  opts.version = 0;
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "c", 1, &opts, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  opts.version = CLICKREF_LINK_OPTIONS_VERSION + 1;
  CHECK_STATUS(clickref_rewrite_url(link, LEN(link), "c", 1, &opts, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
}

int main(void) {
  test_valid();
  test_from_url();
  test_from_cookies();
  test_click_cookie();
  test_rewrite_url();
  CHECK(strcmp(clickref_status_name(CLICKREF_E_INVALID_URL), "CLICKREF_E_INVALID_URL") == 0);
  CHECK(strcmp(clickref_status_name(CLICKREF_E_BAD_ENCODING), "CLICKREF_E_BAD_ENCODING") == 0);
  CHECK(strcmp(clickref_status_name(CLICKREF_E_INVALID_CLICK_ID), "CLICKREF_E_INVALID_CLICK_ID") == 0);
  return check_exit_code();
}
