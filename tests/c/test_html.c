/* The HTML part of the C ABI, compiled as C so clickref.h stays valid C.
 * Expected documents are written out by hand. */
#include <clickref/clickref.h>

#include "check.h"

#include <string.h>

static const char kId[] = "cid_7Q-x";

static const char kPage[] =
    "<p>Plans</p><!-- <a href=\"https://buy.stripe.com/old\"> -->\n"
    "<a class=b href=\"https://buy.stripe.com/x?a=1&amp;b=2\">Buy</a>\n"
    "<stripe-buy-button buy-button-id='buy_1'></stripe-buy-button>";
static const char kRewritten[] =
    "<p>Plans</p><!-- <a href=\"https://buy.stripe.com/old\"> -->\n"
    "<a class=b href=\"https://buy.stripe.com/x?a=1&amp;b=2&amp;client_reference_id=cid_7Q-x\">Buy</a>\n"
    "<stripe-buy-button client-reference-id=\"cid_7Q-x\" buy-button-id='buy_1'></stripe-buy-button>";

/* A sink that appends to a fixed buffer, and can be told to fail. */
struct collector {
  char data[1024];
  size_t len;
  int calls;
  int fail_on_call; /* 0: never */
};

static clickref_status collect(void* user, const char* data, size_t len) {
  struct collector* c = (struct collector*)user;
  ++c->calls;
  if (c->calls == c->fail_on_call) return CLICKREF_E_BUFFER_TOO_SMALL;
  if (c->len + len > sizeof c->data) return CLICKREF_E_INTERNAL;
  memcpy(c->data + c->len, data, len);
  c->len += len;
  return CLICKREF_OK;
}

static void test_one_shot(void) {
  char out[512];
  size_t out_len = 0;
  size_t rewritten = 99;
  clickref_link_options opts = CLICKREF_LINK_OPTIONS_INIT;
  opts.rewritten = &rewritten;

  CHECK_STATUS(
      clickref_rewrite_html(kPage, strlen(kPage), kId, strlen(kId), &opts, out, sizeof out, &out_len),
      CLICKREF_OK);
  CHECK(out_len == strlen(kRewritten));
  CHECK(memcmp(out, kRewritten, out_len) == 0);
  CHECK(rewritten == 2);

  /* Options are optional. */
  CHECK_STATUS(clickref_rewrite_html(kPage, strlen(kPage), kId, strlen(kId), NULL, out, sizeof out, &out_len),
               CLICKREF_OK);
  CHECK(out_len == strlen(kRewritten));

  /* A size query, then a buffer one byte short: the size needed, and the
   * count, both times. */
  rewritten = 99;
  out_len = 0;
  CHECK_STATUS(clickref_rewrite_html(kPage, strlen(kPage), kId, strlen(kId), &opts, NULL, 0, &out_len),
               CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK(out_len == strlen(kRewritten));
  CHECK(rewritten == 2);
  CHECK_STATUS(clickref_rewrite_html(kPage, strlen(kPage), kId, strlen(kId), &opts, out,
                                     strlen(kRewritten) - 1, &out_len),
               CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK(out_len == strlen(kRewritten));

  /* Nothing to change: the input back, NUL bytes included. */
  CHECK_STATUS(clickref_rewrite_html("a\0<b>\0", 6, kId, strlen(kId), &opts, out, sizeof out, &out_len),
               CLICKREF_OK);
  CHECK(out_len == 6 && memcmp(out, "a\0<b>\0", 6) == 0);
  CHECK(rewritten == 0);
  CHECK_STATUS(clickref_rewrite_html(NULL, 0, kId, strlen(kId), &opts, NULL, 0, &out_len), CLICKREF_OK);
  CHECK(out_len == 0);

  /* Custom hosts. */
  {
    const char* hosts[1] = {"pay.example.com"};
    size_t host_lens[1] = {15};
    const char doc[] = "<a href='https://pay.example.com/p'><a href='https://buy.stripe.com/p'>";
    const char expected[] =
        "<a href='https://pay.example.com/p?client_reference_id=cid_7Q-x'><a "
        "href='https://buy.stripe.com/p'>";
    clickref_link_options custom = CLICKREF_LINK_OPTIONS_INIT;
    custom.hosts = hosts;
    custom.host_lens = host_lens;
    custom.n_hosts = 1;
    custom.rewritten = &rewritten;
    CHECK_STATUS(
        clickref_rewrite_html(doc, strlen(doc), kId, strlen(kId), &custom, out, sizeof out, &out_len),
        CLICKREF_OK);
    CHECK(out_len == strlen(expected) && memcmp(out, expected, out_len) == 0);
    CHECK(rewritten == 1);
  }

  /* Bad input: the status, and the counter left alone. */
  rewritten = 99;
  CHECK_STATUS(clickref_rewrite_html(kPage, strlen(kPage), "bad id", 6, &opts, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_CLICK_ID);
  CHECK_STATUS(clickref_rewrite_html(kPage, strlen(kPage), "", 0, &opts, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_CLICK_ID);
  CHECK(rewritten == 99);
  CHECK_STATUS(clickref_rewrite_html(NULL, 5, kId, strlen(kId), &opts, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_rewrite_html(kPage, strlen(kPage), NULL, 3, &opts, out, sizeof out, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_rewrite_html(kPage, strlen(kPage), kId, strlen(kId), &opts, out, sizeof out, NULL),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_rewrite_html(kPage, strlen(kPage), kId, strlen(kId), &opts, NULL, 10, &out_len),
               CLICKREF_E_INVALID_ARGUMENT);
  {
    clickref_link_options bad = CLICKREF_LINK_OPTIONS_INIT;
    bad.version = 0;
    CHECK_STATUS(
        clickref_rewrite_html(kPage, strlen(kPage), kId, strlen(kId), &bad, out, sizeof out, &out_len),
        CLICKREF_E_INVALID_ARGUMENT);
    bad.version = CLICKREF_LINK_OPTIONS_VERSION + 1;
    CHECK_STATUS(
        clickref_rewrite_html(kPage, strlen(kPage), kId, strlen(kId), &bad, out, sizeof out, &out_len),
        CLICKREF_E_INVALID_ARGUMENT);
    bad.version = CLICKREF_LINK_OPTIONS_VERSION;
    bad.n_hosts = 1; /* hosts NULL */
    CHECK_STATUS(
        clickref_rewrite_html(kPage, strlen(kPage), kId, strlen(kId), &bad, out, sizeof out, &out_len),
        CLICKREF_E_INVALID_ARGUMENT);
  }
  CHECK(rewritten == 99);
}

static void test_streaming(void) {
  struct collector c;
  clickref_html_rewriter* rw = NULL;
  size_t rewritten = 99;
  size_t i;
  clickref_link_options opts = CLICKREF_LINK_OPTIONS_INIT;
  opts.rewritten = &rewritten;

  /* One byte at a time gives the one-shot output. */
  memset(&c, 0, sizeof c);
  CHECK_STATUS(clickref_html_rewriter_new(kId, strlen(kId), &opts, collect, &c, &rw), CLICKREF_OK);
  CHECK(rw != NULL);
  CHECK(rewritten == 0);
  for (i = 0; i < strlen(kPage); ++i)
    CHECK_STATUS(clickref_html_rewriter_write(rw, kPage + i, 1), CLICKREF_OK);
  CHECK_STATUS(clickref_html_rewriter_write(rw, NULL, 0), CLICKREF_OK);
  CHECK(rewritten == 2);
  CHECK_STATUS(clickref_html_rewriter_finish(rw), CLICKREF_OK);
  CHECK(rewritten == 2);
  CHECK(c.len == strlen(kRewritten) && memcmp(c.data, kRewritten, c.len) == 0);
  CHECK_STATUS(clickref_html_rewriter_write(rw, "x", 1), CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_html_rewriter_finish(rw), CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_html_rewriter_write(NULL, "x", 1), CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_html_rewriter_write(rw, NULL, 1), CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_html_rewriter_finish(NULL), CLICKREF_E_INVALID_ARGUMENT);
  clickref_html_rewriter_free(rw);
  clickref_html_rewriter_free(NULL);

  /* A failing sink stops the rewriter; its status comes back, every time. */
  memset(&c, 0, sizeof c);
  c.fail_on_call = 2;
  CHECK_STATUS(clickref_html_rewriter_new(kId, strlen(kId), NULL, collect, &c, &rw), CLICKREF_OK);
  CHECK_STATUS(clickref_html_rewriter_write(rw, "<p>one</p>", 10), CLICKREF_OK);
  CHECK_STATUS(clickref_html_rewriter_write(rw, "<p>two</p>", 10), CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(clickref_html_rewriter_write(rw, "<p>three</p>", 12), CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(clickref_html_rewriter_finish(rw), CLICKREF_E_BUFFER_TOO_SMALL);
  CHECK(c.calls == 2);
  CHECK(c.len == 10);
  clickref_html_rewriter_free(rw);

  /* Creation errors: no handle, no output. */
  memset(&c, 0, sizeof c);
  rw = (clickref_html_rewriter*)&c; /* must be overwritten with NULL */
  CHECK_STATUS(clickref_html_rewriter_new("no spaces", 9, NULL, collect, &c, &rw),
               CLICKREF_E_INVALID_CLICK_ID);
  CHECK(rw == NULL);
  CHECK_STATUS(clickref_html_rewriter_new(kId, strlen(kId), NULL, NULL, &c, &rw),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_html_rewriter_new(kId, strlen(kId), NULL, collect, &c, NULL),
               CLICKREF_E_INVALID_ARGUMENT);
  CHECK_STATUS(clickref_html_rewriter_new(NULL, 4, NULL, collect, &c, &rw), CLICKREF_E_INVALID_ARGUMENT);
  {
    clickref_link_options bad = CLICKREF_LINK_OPTIONS_INIT;
    bad.version = 0;
    CHECK_STATUS(clickref_html_rewriter_new(kId, strlen(kId), &bad, collect, &c, &rw),
                 CLICKREF_E_INVALID_ARGUMENT);
  }
  CHECK(c.calls == 0);
}

int main(void) {
  test_one_shot();
  test_streaming();
  return check_exit_code();
}
