/*
 * clickref for nginx: the landing-page half of affiliate attribution, done
 * where the merchant's pages are served.
 *
 * On a text/html response of a location with `clickref on;`:
 *   - a valid ?click_id= in the request sets the first-party cookie
 *     (clickref_click_cookie), on any status;
 *   - when the request has a click id (the query's, else the cookie's) and
 *     the body is not compressed, the payment links of the body are tagged by
 *     libclickref's streaming rewriter, buffer by buffer as nginx produces
 *     them (static files and proxy_pass alike); Content-Length, ranges and
 *     the strong ETag are dropped because the length changes.
 * Everything else passes untouched. The filter holds at most
 * CLICKREF_MAX_BUSY output buffers per request: while the client is slower
 * than the upstream (the next filter answers NGX_AGAIN), it stops taking
 * input, so the upstream's own buffers fill and nginx stops reading from it.
 * Output is passed on once postpone_output bytes are there (or at a flush
 * and at the end), so an upstream that sends a few bytes per read neither
 * costs a buffer per read nor fills the limit with bytes nginx is holding.
 *
 * If the rewriter fails (memory exhaustion), the error is logged and the
 * rest of the body goes out as received; the unfinished tag the rewriter was
 * holding at that moment is lost with it.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <clickref/clickref.h>

#define CLICKREF_OUTPUT_BUFFER_SIZE 16384
#define CLICKREF_MAX_BUSY 8
/* "This filter holds input", in r->buffered (4 bits: 0x01 ssi, 0x02 sub,
 * 0x04 copy). 0x08 is the image filter's, which never acts on text/html. */
#define CLICKREF_BUFFERED 0x08
/* Stripe keeps at most 200 characters; a longer value is no id. */
#define CLICKREF_MAX_ID 200
#define CLICKREF_MAX_COOKIE 512

typedef struct {
    ngx_flag_t  enable;
    ngx_str_t   param;        /* empty: the library's "click_id" */
    ngx_str_t   cookie_name;  /* empty: the library's "tn_click_id" */
    ngx_str_t   cookie_domain;
    time_t      cookie_max_age;
    ngx_array_t *hosts;       /* of ngx_str_t; NULL: the library's buy.stripe.com */
    /* The hosts as clickref_link_options wants them, built once per location. */
    const char **host_ptrs;
    size_t      *host_lens;
} ngx_http_clickref_loc_conf_t;

typedef struct {
    ngx_http_request_t      *request;
    clickref_html_rewriter  *rewriter;     /* NULL once finished or failed */
    ngx_flag_t               passthrough;  /* after a failure: the rest as it is */
    ngx_chain_t             *in;           /* input not yet fed (back-pressure) */
    ngx_chain_t             *out;          /* output ready for the next filter */
    ngx_chain_t            **last_out;
    /* What the sink wrote and is not yet in `out`: the last write call's
     * output, after a tail shorter than min_out kept from earlier calls. */
    ngx_chain_t             *pending;
    ngx_chain_t             *pending_tail;
    ngx_chain_t             *kept;         /* where `pending` ended before the current call */
    u_char                  *kept_last;
    size_t                   min_out;      /* postpone_output */
    ngx_flag_t               blocked;      /* the next filter's last answer was NGX_AGAIN */
    ngx_chain_t             *free;
    ngx_chain_t             *busy;
} ngx_http_clickref_ctx_t;

static ngx_int_t ngx_http_clickref_init(ngx_conf_t *cf);
static void *ngx_http_clickref_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_clickref_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child);

static ngx_command_t ngx_http_clickref_commands[] = {
    { ngx_string("clickref"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_HTTP_LIF_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_clickref_loc_conf_t, enable), NULL },
    { ngx_string("clickref_param"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot, NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_clickref_loc_conf_t, param), NULL },
    { ngx_string("clickref_cookie"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot, NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_clickref_loc_conf_t, cookie_name), NULL },
    { ngx_string("clickref_cookie_domain"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot, NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_clickref_loc_conf_t, cookie_domain), NULL },
    { ngx_string("clickref_cookie_max_age"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot, NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_clickref_loc_conf_t, cookie_max_age), NULL },
    { ngx_string("clickref_hosts"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_conf_set_str_array_slot, NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_clickref_loc_conf_t, hosts), NULL },
    ngx_null_command
};

static ngx_http_module_t ngx_http_clickref_module_ctx = {
    NULL, ngx_http_clickref_init,                 /* pre/postconfiguration */
    NULL, NULL,                                   /* main conf */
    NULL, NULL,                                   /* server conf */
    ngx_http_clickref_create_loc_conf, ngx_http_clickref_merge_loc_conf
};

ngx_module_t ngx_http_clickref_filter_module = {
    NGX_MODULE_V1,
    &ngx_http_clickref_module_ctx, ngx_http_clickref_commands, NGX_HTTP_MODULE,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NGX_MODULE_V1_PADDING
};

static ngx_http_output_header_filter_pt ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt ngx_http_next_body_filter;

/* ---- configuration ---------------------------------------------------- */

static void *
ngx_http_clickref_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_clickref_loc_conf_t *conf = ngx_pcalloc(cf->pool, sizeof(*conf));
    if (conf == NULL) {
        return NULL;
    }
    conf->enable = NGX_CONF_UNSET;
    conf->cookie_max_age = NGX_CONF_UNSET;
    conf->hosts = NGX_CONF_UNSET_PTR;
    return conf;
}

static char *
ngx_http_clickref_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_clickref_loc_conf_t *prev = parent, *conf = child;
    ngx_str_t *host;
    ngx_uint_t i;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_str_value(conf->param, prev->param, "");
    ngx_conf_merge_str_value(conf->cookie_name, prev->cookie_name, "");
    ngx_conf_merge_str_value(conf->cookie_domain, prev->cookie_domain, "");
    ngx_conf_merge_sec_value(conf->cookie_max_age, prev->cookie_max_age, CLICKREF_DEFAULT_COOKIE_MAX_AGE);
    ngx_conf_merge_ptr_value(conf->hosts, prev->hosts, NULL);

    if (conf->cookie_max_age <= 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "clickref_cookie_max_age must be positive");
        return NGX_CONF_ERROR;
    }
    if (conf->hosts != NULL) {
        conf->host_ptrs = ngx_palloc(cf->pool, conf->hosts->nelts * sizeof(char *));
        conf->host_lens = ngx_palloc(cf->pool, conf->hosts->nelts * sizeof(size_t));
        if (conf->host_ptrs == NULL || conf->host_lens == NULL) {
            return NGX_CONF_ERROR;
        }
        host = conf->hosts->elts;
        for (i = 0; i < conf->hosts->nelts; i++) {
            conf->host_ptrs[i] = (const char *) host[i].data;
            conf->host_lens[i] = host[i].len;
        }
    }
    return NGX_CONF_OK;
}

/* ---- the click id of a request ---------------------------------------- */

static const char *
ngx_http_clickref_opt(ngx_str_t *s)
{
    return s->len ? (const char *) s->data : NULL;
}

/* The id Stripe would keep, read by `read` from `src`; 0 when there is none
 * (absent, malformed, too long or invalid: never an error page). */
static size_t
ngx_http_clickref_usable_id(clickref_status (*read)(const char *, size_t, const char *, size_t, char *, size_t,
                                                    size_t *),
                            u_char *src, size_t len, ngx_str_t *name, char *id)
{
    size_t id_len = 0;

    if (len == 0 || read((const char *) src, len, ngx_http_clickref_opt(name), name->len, id, CLICKREF_MAX_ID,
                         &id_len) != CLICKREF_OK) {
        return 0;
    }
    return clickref_click_id_valid(id, id_len) ? id_len : 0;
}

static size_t
ngx_http_clickref_cookie_id(ngx_http_request_t *r, ngx_http_clickref_loc_conf_t *conf, char *id)
{
    size_t id_len = 0;
#if defined(nginx_version) && nginx_version >= 1023000
    ngx_table_elt_t *h;

    for (h = r->headers_in.cookie; h != NULL && id_len == 0; h = h->next) {
        id_len = ngx_http_clickref_usable_id(clickref_click_id_from_cookies, h->value.data, h->value.len,
                                             &conf->cookie_name, id);
    }
#else
    ngx_table_elt_t **h = r->headers_in.cookies.elts;
    ngx_uint_t i;

    for (i = 0; i < r->headers_in.cookies.nelts && id_len == 0; i++) {
        id_len = ngx_http_clickref_usable_id(clickref_click_id_from_cookies, h[i]->value.data, h[i]->value.len,
                                             &conf->cookie_name, id);
    }
#endif
    return id_len;
}

/* ---- headers ---------------------------------------------------------- */

static ngx_int_t
ngx_http_clickref_is_html(ngx_http_request_t *r)
{
    static const u_char type[] = "text/html";
    size_t len = r->headers_out.content_type_len;

    return len == sizeof(type) - 1 && ngx_strncasecmp(r->headers_out.content_type.data, (u_char *) type, len) == 0;
}

static ngx_int_t
ngx_http_clickref_is_encoded(ngx_http_request_t *r)
{
    ngx_table_elt_t *h = r->headers_out.content_encoding;

    return h != NULL && h->hash != 0 && h->value.len != 0
           && !(h->value.len == 8 && ngx_strncasecmp(h->value.data, (u_char *) "identity", 8) == 0);
}

static ngx_int_t
ngx_http_clickref_set_cookie(ngx_http_request_t *r, ngx_http_clickref_loc_conf_t *conf, const char *id,
                             size_t id_len)
{
    clickref_cookie_options opts = CLICKREF_COOKIE_OPTIONS_INIT;
    u_char buf[CLICKREF_MAX_COOKIE];
    size_t len = 0;
    ngx_table_elt_t *h;
    clickref_status status;

    opts.name = ngx_http_clickref_opt(&conf->cookie_name);
    opts.name_len = conf->cookie_name.len;
    opts.domain = ngx_http_clickref_opt(&conf->cookie_domain);
    opts.domain_len = conf->cookie_domain.len;
    opts.max_age_s = conf->cookie_max_age;
    status = clickref_click_cookie(id, id_len, &opts, ngx_time(), (char *) buf, sizeof(buf), &len);
    if (status != CLICKREF_OK) {  /* a bad clickref_cookie or domain: the page still goes out */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "clickref: no Set-Cookie: %s",
                      clickref_status_message(status));
        return NGX_OK;
    }
    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }
    h->hash = 1;
#if defined(nginx_version) && nginx_version >= 1023000
    h->next = NULL;
#endif
    ngx_str_set(&h->key, "Set-Cookie");
    h->value.data = ngx_pnalloc(r->pool, len);
    if (h->value.data == NULL) {
        return NGX_ERROR;
    }
    h->value.len = len;
    ngx_memcpy(h->value.data, buf, len);
    return NGX_OK;
}

/* ---- the streaming rewrite -------------------------------------------- */

static void
ngx_http_clickref_cleanup(void *data)
{
    ngx_http_clickref_ctx_t *ctx = data;

    clickref_html_rewriter_free(ctx->rewriter);
    ctx->rewriter = NULL;
}

/* A buffer of this filter from the free list, reset for `flags`' use. */
static ngx_chain_t *
ngx_http_clickref_get_buf(ngx_http_clickref_ctx_t *ctx, ngx_uint_t with_memory)
{
    ngx_chain_t *cl = ngx_chain_get_free_buf(ctx->request->pool, &ctx->free);
    ngx_buf_t *b;

    if (cl == NULL) {
        return NULL;
    }
    b = cl->buf;
    if (with_memory && b->start == NULL) {
        b->start = ngx_palloc(ctx->request->pool, CLICKREF_OUTPUT_BUFFER_SIZE);
        if (b->start == NULL) {
            return NULL;
        }
        b->end = b->start + CLICKREF_OUTPUT_BUFFER_SIZE;
    }
    b->pos = b->last = b->start;
    /* Without memory it is a "special" buffer: only flags, no data. */
    b->temporary = with_memory ? 1 : 0;
    b->tag = (ngx_buf_tag_t) &ngx_http_clickref_filter_module;
    b->flush = b->sync = b->last_buf = b->last_in_chain = 0;
    cl->next = NULL;
    return cl;
}

/* The rewriter's sink: copies its output into this filter's buffers. */
static clickref_status
ngx_http_clickref_sink(void *user, const char *data, size_t len)
{
    ngx_http_clickref_ctx_t *ctx = user;
    ngx_chain_t *cl;
    ngx_buf_t *b;
    size_t n;

    while (len > 0) {
        cl = ctx->pending_tail;
        if (cl == NULL || cl->buf->last == cl->buf->end) {
            cl = ngx_http_clickref_get_buf(ctx, 1);
            if (cl == NULL) {
                return CLICKREF_E_NO_MEMORY;
            }
            if (ctx->pending_tail == NULL) {
                ctx->pending = cl;
            } else {
                ctx->pending_tail->next = cl;
            }
            ctx->pending_tail = cl;
        }
        b = cl->buf;
        n = ngx_min(len, (size_t) (b->end - b->last));
        b->last = ngx_cpymem(b->last, data, n);
        data += n;
        len -= n;
    }
    return CLICKREF_OK;
}

/* Moves the pending output to `out`; unless `all`, a tail shorter than
 * min_out stays, for the next calls' output to join it. */
static void
ngx_http_clickref_queue(ngx_http_clickref_ctx_t *ctx, ngx_uint_t all)
{
    ngx_chain_t *cl, *tail = ctx->pending_tail;

    if (tail == NULL) {
        return;
    }
    if (!all && (size_t) (tail->buf->last - tail->buf->pos) < ctx->min_out) {
        if (ctx->pending == tail) {
            return;
        }
        for (cl = ctx->pending; cl->next != tail; cl = cl->next) { /* find the one before */ }
        cl->next = NULL;
        *ctx->last_out = ctx->pending;
        ctx->last_out = &cl->next;
        ctx->pending = tail;
        return;
    }
    *ctx->last_out = ctx->pending;
    ctx->last_out = &tail->next;
    ctx->pending = ctx->pending_tail = NULL;
}

/* Remembers where the pending output ends, before a call that may fail. */
static void
ngx_http_clickref_mark(ngx_http_clickref_ctx_t *ctx)
{
    ctx->kept = ctx->pending_tail;
    ctx->kept_last = ctx->kept != NULL ? ctx->kept->buf->last : NULL;
}

/* Output of a failed call is dropped (the input goes out as it is); what
 * earlier calls wrote stays. */
static void
ngx_http_clickref_undo(ngx_http_clickref_ctx_t *ctx)
{
    ngx_chain_t *dropped = ctx->kept != NULL ? ctx->kept->next : ctx->pending;

    if (dropped != NULL) {
        ctx->pending_tail->next = ctx->free;
        ctx->free = dropped;
    }
    if (ctx->kept != NULL) {
        ctx->kept->next = NULL;
        ctx->kept->buf->last = ctx->kept_last;
    } else {
        ctx->pending = NULL;
    }
    ctx->pending_tail = ctx->kept;
}

static ngx_int_t
ngx_http_clickref_append(ngx_http_clickref_ctx_t *ctx, ngx_buf_t *b)
{
    ngx_chain_t *cl = ngx_alloc_chain_link(ctx->request->pool);

    if (cl == NULL) {
        return NGX_ERROR;
    }
    cl->buf = b;
    cl->next = NULL;
    *ctx->last_out = cl;
    ctx->last_out = &cl->next;
    return NGX_OK;
}

/* An empty buffer of this filter that carries the input's flush/last flags. */
static ngx_int_t
ngx_http_clickref_append_flags(ngx_http_clickref_ctx_t *ctx, ngx_buf_t *in)
{
    ngx_chain_t *cl = ngx_http_clickref_get_buf(ctx, 0);

    if (cl == NULL) {
        return NGX_ERROR;
    }
    cl->buf->flush = in->flush;
    cl->buf->sync = in->sync;
    cl->buf->last_buf = in->last_buf;
    cl->buf->last_in_chain = in->last_in_chain;
    *ctx->last_out = cl;
    ctx->last_out = &cl->next;
    return NGX_OK;
}

static void
ngx_http_clickref_fail(ngx_http_clickref_ctx_t *ctx, const char *step, clickref_status status)
{
    ngx_log_error(NGX_LOG_ERR, ctx->request->connection->log, 0,
                  "clickref: %s failed (%s); the rest of the body is sent unchanged", step,
                  clickref_status_name(status));
    ngx_http_clickref_undo(ctx);
    ngx_http_clickref_queue(ctx, 1);  /* what came before goes out first */
    clickref_html_rewriter_free(ctx->rewriter);
    ctx->rewriter = NULL;
    ctx->passthrough = 1;
}

/* Feeds one input buffer and queues what it becomes. */
static ngx_int_t
ngx_http_clickref_feed(ngx_http_clickref_ctx_t *ctx, ngx_buf_t *b)
{
    clickref_status status;
    size_t len = ngx_buf_in_memory(b) ? (size_t) (b->last - b->pos) : 0;
    ngx_uint_t flags = b->flush || b->sync || b->last_buf || b->last_in_chain;

    ngx_http_clickref_mark(ctx);
    if (!ctx->passthrough && !ngx_buf_in_memory(b) && ngx_buf_size(b) > 0) {
        /* filter_need_in_memory was not honoured: never drop bytes we cannot read */
        ngx_http_clickref_fail(ctx, "reading a file buffer", CLICKREF_E_INTERNAL);
    }
    if (!ctx->passthrough && ctx->rewriter != NULL && len > 0) {
        status = clickref_html_rewriter_write(ctx->rewriter, (const char *) b->pos, len);
        if (status == CLICKREF_OK) {
            b->pos = b->last;
        } else {
            ngx_http_clickref_fail(ctx, "rewriting", status);
        }
    }
    if (ctx->passthrough) {
        return ngx_http_clickref_append(ctx, b);  /* the next filter consumes it */
    }
    if (b->last_buf && ctx->rewriter != NULL) {
        ngx_http_clickref_mark(ctx);
        status = clickref_html_rewriter_finish(ctx->rewriter);
        if (status != CLICKREF_OK) {
            ngx_http_clickref_fail(ctx, "finishing", status);
        }
        clickref_html_rewriter_free(ctx->rewriter);
        ctx->rewriter = NULL;
    }
    ngx_http_clickref_queue(ctx, flags);
    return flags ? ngx_http_clickref_append_flags(ctx, b) : NGX_OK;
}

static ngx_uint_t
ngx_http_clickref_count(ngx_chain_t *cl)
{
    ngx_uint_t n = 0;

    for (; cl != NULL; cl = cl->next) {
        n++;
    }
    return n;
}

static ngx_int_t
ngx_http_clickref_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_http_clickref_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_clickref_filter_module);
    ngx_int_t rc;

    if (ctx == NULL) {
        return ngx_http_next_body_filter(r, in);
    }
    if (in != NULL && ngx_chain_add_copy(r->pool, &ctx->in, in) != NGX_OK) {
        return NGX_ERROR;
    }
    for (;;) {
        /* Buffers held by a blocked client count against the limit: it stops
         * the intake, and with it the upstream's or the file's reads. Only a
         * client that blocked (NGX_AGAIN) makes nginx call again by itself. */
        while (ctx->in != NULL
               && (!ctx->blocked
                   || ngx_http_clickref_count(ctx->busy) + ngx_http_clickref_count(ctx->out) < CLICKREF_MAX_BUSY)) {
            if (ngx_http_clickref_feed(ctx, ctx->in->buf) != NGX_OK) {
                return NGX_ERROR;
            }
            ctx->in = ctx->in->next;
        }
        rc = ngx_http_next_body_filter(r, ctx->out);
        ngx_chain_update_chains(r->pool, &ctx->free, &ctx->busy, &ctx->out,
                                (ngx_buf_tag_t) &ngx_http_clickref_filter_module);
        ctx->last_out = &ctx->out;
        if (rc == NGX_ERROR) {
            return rc;
        }
        ctx->blocked = rc == NGX_AGAIN;
        if (ctx->in == NULL) {
            r->buffered &= ~CLICKREF_BUFFERED;
            return rc;
        }
        if (ctx->blocked && ngx_http_clickref_count(ctx->busy) >= CLICKREF_MAX_BUSY) {
            r->buffered |= CLICKREF_BUFFERED;  /* nginx calls again when the client has read */
            return NGX_AGAIN;
        }
    }
}

static ngx_int_t
ngx_http_clickref_header_filter(ngx_http_request_t *r)
{
    ngx_http_clickref_loc_conf_t *conf = ngx_http_get_module_loc_conf(r, ngx_http_clickref_filter_module);
    clickref_link_options opts = CLICKREF_LINK_OPTIONS_INIT;
    ngx_http_clickref_ctx_t *ctx;
    ngx_pool_cleanup_t *cleanup;
    char id[CLICKREF_MAX_ID];
    size_t id_len;
    clickref_status status;

    if (!conf->enable || r != r->main || !ngx_http_clickref_is_html(r)) {
        return ngx_http_next_header_filter(r);
    }
    id_len = ngx_http_clickref_usable_id(clickref_click_id_from_url, r->args.data, r->args.len, &conf->param, id);
    if (id_len > 0) {
        if (ngx_http_clickref_set_cookie(r, conf, id, id_len) != NGX_OK) {
            return NGX_ERROR;
        }
    } else {
        id_len = ngx_http_clickref_cookie_id(r, conf, id);
    }
    if (id_len == 0 || r->header_only || ngx_http_clickref_is_encoded(r)
        || r->headers_out.status == NGX_HTTP_NO_CONTENT || r->headers_out.status == NGX_HTTP_NOT_MODIFIED) {
        return ngx_http_next_header_filter(r);
    }

    ctx = ngx_pcalloc(r->pool, sizeof(*ctx));
    cleanup = ngx_pool_cleanup_add(r->pool, 0);
    if (ctx == NULL || cleanup == NULL) {
        return NGX_ERROR;
    }
    ctx->request = r;
    ctx->last_out = &ctx->out;
    ctx->min_out = ((ngx_http_core_loc_conf_t *) ngx_http_get_module_loc_conf(r, ngx_http_core_module))
                       ->postpone_output;
    if (conf->hosts != NULL) {
        opts.hosts = conf->host_ptrs;
        opts.host_lens = conf->host_lens;
        opts.n_hosts = conf->hosts->nelts;
    }
    status = clickref_html_rewriter_new(id, id_len, &opts, ngx_http_clickref_sink, ctx, &ctx->rewriter);
    if (status != CLICKREF_OK) {  /* the page goes out untouched */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "clickref: no rewriter: %s",
                      clickref_status_message(status));
        return ngx_http_next_header_filter(r);
    }
    cleanup->handler = ngx_http_clickref_cleanup;
    cleanup->data = ctx;
    ngx_http_set_ctx(r, ctx, ngx_http_clickref_filter_module);

    r->filter_need_in_memory = 1;
    ngx_http_clear_content_length(r);
    ngx_http_clear_accept_ranges(r);
    ngx_http_weak_etag(r);
    return ngx_http_next_header_filter(r);
}

static ngx_int_t
ngx_http_clickref_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_clickref_header_filter;
    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_clickref_body_filter;
    return NGX_OK;
}
