// The statements both backends run, in the SQL that SQLite and PostgreSQL
// both accept, with SQLite's ?N parameters (postgres.cpp rewrites them as
// $N). Where the backends need different statements, both are here, side by
// side. The schemas differ and live with each backend.
#pragma once

namespace server::sql {

// The columns of a conversion row, in the order read_row (store_rows.cpp)
// reads them, each prefixed with `table`.
#define CLICKREF_ROW_COLUMNS(t)                                                                    \
  t "dedupe_key, " t "status, " t "click_id, " t "click_id_valid, " t "click_id_source, " t "order_id, " \
  t "amount, " t "currency, " t "reversed_amount, " t "customer_email, " t "payment_link, " t "livemode, "  \
  t "first_event_at, " t "last_event_at, " t "events, " t "recurrence, " t "account, " t "customer, "     \
  t "subscription, " t "promotion_code, " t "coupon, " t "sale"

// Recording a delivery (purchase_ledger.cpp).

// ?6: the purchase the event is folded into; ?7 its conversion (stored_conversion.hpp).
inline constexpr const char* kInsertEvent =
    "INSERT INTO events (event_id, event_type, dedupe_key, received_at, tenant, purchase, conversion) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (tenant, event_id) DO NOTHING";

// Which purchases any of up to four ids (?2–?5, repeated to fill) belong to:
// the purchase an id names, or the one it is linked to. Only ids that are
// not their purchase's own name are linked, so that the usual purchase (a
// one-time payment, named by the payment intent every event of it carries)
// writes no links at all. A purchase may come back more than once: UNION
// ALL, because removing repeats in SQL builds a temporary table per query
// (the caller removes them).
inline constexpr const char* kLinkedPurchases =
    "SELECT dedupe_key FROM conversions WHERE tenant = ?1 AND dedupe_key IN (?2, ?3, ?4, ?5) "
    "UNION ALL SELECT purchase FROM purchase_links WHERE tenant = ?1 AND id IN (?2, ?3, ?4, ?5)";
inline constexpr const char* kLink =
    "INSERT INTO purchase_links (tenant, id, purchase) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (tenant, id) DO UPDATE SET purchase = excluded.purchase";

// Purchase ?2 turned out to be part of purchase ?3: everything of it moves.
inline constexpr const char* kMoveEvents = "UPDATE events SET purchase = ?3 WHERE tenant = ?1 AND purchase = ?2";
inline constexpr const char* kMoveLinks = "UPDATE purchase_links SET purchase = ?3 WHERE tenant = ?1 AND purchase = ?2";
inline constexpr const char* kMoveLegacyRows =
    "UPDATE legacy_rows SET purchase = ?3 WHERE tenant = ?1 AND purchase = ?2";
inline constexpr const char* kMoveSubscriptionClicks =
    "UPDATE subscription_clicks SET purchase = ?3 WHERE tenant = ?1 AND purchase = ?2";
// Its postback, unless ?3 has one already: one purchase, one postback.
inline constexpr const char* kMovePostback =
    "UPDATE postbacks SET dedupe_key = ?3 WHERE tenant = ?1 AND dedupe_key = ?2 "
    "AND NOT EXISTS (SELECT 1 FROM postbacks p WHERE p.tenant = ?1 AND p.dedupe_key = ?3)";
inline constexpr const char* kDeletePostback = "DELETE FROM postbacks WHERE tenant = ?1 AND dedupe_key = ?2";
inline constexpr const char* kDeleteConversion = "DELETE FROM conversions WHERE tenant = ?1 AND dedupe_key = ?2";

inline constexpr const char* kEventConversions =
    "SELECT conversion FROM events WHERE tenant = ?1 AND purchase = ?2 AND conversion IS NOT NULL";
// Rows recorded before events were kept (schema versions before purchase
// links), as conversion rows.
inline constexpr const char* kLegacyRows =
    "SELECT purchase, status, click_id, click_id_valid, click_id_source, order_id, amount, currency, "
    "reversed_amount, customer_email, payment_link, livemode, first_event_at, last_event_at, events, "
    "'unknown', NULL, NULL, NULL, NULL, NULL, 1 FROM legacy_rows WHERE tenant = ?1 AND purchase = ?2";

// ?2 account ('' outside Connect), ?3 subscription.
inline constexpr const char* kSubscriptionClick =
    "SELECT click_id, click_id_valid, click_id_source, bought_at, purchase FROM subscription_clicks "
    "WHERE tenant = ?1 AND account = ?2 AND subscription = ?3";
inline constexpr const char* kSetSubscriptionClick =
    "INSERT INTO subscription_clicks (tenant, account, subscription, click_id, click_id_valid, "
    "click_id_source, bought_at, purchase) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT (tenant, account, subscription) DO UPDATE SET click_id = excluded.click_id, "
    "click_id_valid = excluded.click_id_valid, click_id_source = excluded.click_id_source, "
    "bought_at = excluded.bought_at, purchase = excluded.purchase";
inline constexpr const char* kSubscriptionRows =
    "SELECT " CLICKREF_ROW_COLUMNS("") " FROM conversions "
    "WHERE tenant = ?1 AND subscription = ?3 AND COALESCE(account, '') = ?2";

// Parameters ?1–?22: the row's fields in CLICKREF_ROW_COLUMNS order, then ?23 the tenant.
inline constexpr const char* kUpsertConversion =
    "INSERT INTO conversions (" CLICKREF_ROW_COLUMNS("") ", tenant) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
    "?21, ?22, ?23) "
    "ON CONFLICT (tenant, dedupe_key) DO UPDATE SET status = excluded.status, click_id = excluded.click_id, "
    "click_id_valid = excluded.click_id_valid, click_id_source = excluded.click_id_source, "
    "order_id = excluded.order_id, amount = excluded.amount, currency = excluded.currency, "
    "reversed_amount = excluded.reversed_amount, customer_email = excluded.customer_email, "
    "payment_link = excluded.payment_link, livemode = excluded.livemode, "
    "first_event_at = excluded.first_event_at, last_event_at = excluded.last_event_at, "
    "events = excluded.events, recurrence = excluded.recurrence, account = excluded.account, "
    "customer = excluded.customer, subscription = excluded.subscription, "
    "promotion_code = excluded.promotion_code, coupon = excluded.coupon, sale = excluded.sale";

// PostgreSQL: an advisory lock, held to COMMIT (sql_session::lock).
inline constexpr const char* kAdvisoryLock = "SELECT pg_advisory_xact_lock(?1)";

inline constexpr const char* kInsertPostback =
    "INSERT INTO postbacks (dedupe_key, url, state, attempts, next_attempt_ms, tenant) VALUES (?1, ?2, "
    "'pending', 0, ?3, ?4) "
    "ON CONFLICT (tenant, dedupe_key) DO NOTHING";

// Claims the postback due earliest by moving its due time to ?2.
#define CLICKREF_CLAIM_POSTBACK(lock)                                                              \
  "UPDATE postbacks SET next_attempt_ms = ?2 WHERE (tenant, dedupe_key) = "                         \
  "(SELECT tenant, dedupe_key FROM postbacks WHERE state = 'pending' AND next_attempt_ms <= ?1 "   \
  "ORDER BY next_attempt_ms LIMIT 1" lock ") RETURNING dedupe_key, url, attempts, tenant"

// SQLite has one writer at a time, so the subquery's row cannot be taken
// from under it.
inline constexpr const char* kClaimPostback = CLICKREF_CLAIM_POSTBACK("");
// PostgreSQL: an instance skips the rows another is claiming right now
// rather than waiting for them, and then (READ COMMITTED re-checks the
// WHERE on the newest row) no longer sees them as due.
inline constexpr const char* kClaimPostbackSkipLocked = CLICKREF_CLAIM_POSTBACK(" FOR UPDATE SKIP LOCKED");
#undef CLICKREF_CLAIM_POSTBACK

inline constexpr const char* kNextPostbackDue = "SELECT min(next_attempt_ms) FROM postbacks WHERE state = 'pending'";

inline constexpr const char* kPostbackDelivered =
    "UPDATE postbacks SET state = 'delivered', attempts = ?2, delivered_at = ?3, last_error = NULL "
    "WHERE dedupe_key = ?1 AND tenant = ?4";

inline constexpr const char* kPostbackFailed =
    "UPDATE postbacks SET state = ?2, attempts = ?3, last_error = ?4, next_attempt_ms = ?5 WHERE dedupe_key "
    "= ?1 AND tenant = ?6";

inline constexpr const char* kPing = "SELECT 1";

// The dashboard's reads: filtered pages of conversions and the sums above
// them. One fixed WHERE clause takes every filter as a parameter (NULL
// matches everything), so no SQL is ever assembled from request input.
// Parameters: ?1 tenant, ?2 status label, ?3 from_s, ?4 until_s (each NULL
// for no filter), then ?5 and ?6 as each query says. NULLS FIRST is
// SQLite's default order, spelled out for PostgreSQL.

#define CLICKREF_FILTER                                                                            \
  " WHERE (?1 IS NULL OR c.tenant = ?1) AND (?2 IS NULL OR c.status = ?2)"                         \
  " AND (?3 IS NULL OR c.first_event_at >= ?3) AND (?4 IS NULL OR c.first_event_at < ?4) "

inline constexpr const char* kListConversions =
    "SELECT " CLICKREF_ROW_COLUMNS("c.") ", p.state, p.attempts, p.delivered_at, p.last_error, c.tenant "
    "FROM conversions c LEFT JOIN postbacks p ON p.tenant = c.tenant AND p.dedupe_key = c.dedupe_key"
    CLICKREF_FILTER "ORDER BY c.first_event_at DESC, c.tenant, c.dedupe_key LIMIT ?5 OFFSET ?6";

// CAST: PostgreSQL sums bigints as numeric. A payment the server could not
// link to its purchase (not a sale) adds nothing to the sales' amounts: its
// money is its purchase's, which is counted where that purchase is.
#define CLICKREF_SUMS                                                                              \
  "COUNT(*), CAST(COALESCE(SUM(CASE WHEN c.sale THEN c.amount END), 0) AS BIGINT), "              \
  "CAST(COALESCE(SUM(CASE WHEN c.status = 'approved' AND c.sale THEN c.amount END), 0) AS BIGINT), " \
  "CAST(SUM(c.reversed_amount) AS BIGINT) "

inline constexpr const char* kCount = "SELECT COUNT(*) FROM conversions c" CLICKREF_FILTER;

inline constexpr const char* kByCurrency =
    "SELECT COALESCE(c.currency, ''), c.currency, " CLICKREF_SUMS "FROM conversions c" CLICKREF_FILTER
    "GROUP BY c.currency ORDER BY COUNT(*) DESC, c.currency NULLS FIRST";

inline constexpr const char* kByStatus =
    "SELECT c.status, c.currency, " CLICKREF_SUMS "FROM conversions c" CLICKREF_FILTER
    "GROUP BY c.status, c.currency ORDER BY c.status, c.currency NULLS FIRST";

inline constexpr const char* kByClick =
    "SELECT c.click_id, c.currency, " CLICKREF_SUMS "FROM conversions c" CLICKREF_FILTER
    "AND c.click_id IS NOT NULL GROUP BY c.click_id, c.currency "
    "ORDER BY 5 DESC, 3 DESC, c.click_id LIMIT ?5";

inline constexpr const char* kByDay =
    "SELECT c.first_event_at / 86400 AS day, c.currency, COUNT(*), "
    "CAST(COALESCE(SUM(CASE WHEN c.status = 'approved' AND c.sale THEN c.amount END), 0) AS BIGINT) "
    "FROM conversions c" CLICKREF_FILTER
    "AND c.first_event_at / 86400 > (SELECT MAX(first_event_at) / 86400 FROM conversions c" CLICKREF_FILTER
    ") - ?5 GROUP BY day, c.currency ORDER BY day, c.currency NULLS FIRST";

#undef CLICKREF_SUMS
#undef CLICKREF_FILTER
#undef CLICKREF_ROW_COLUMNS

}  // namespace server::sql
