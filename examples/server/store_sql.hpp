// The statements both backends run, in the SQL that SQLite and PostgreSQL
// both accept, with SQLite's ?N parameters (postgres.cpp rewrites them as
// $N). Where the backends need different statements, both are here, side by
// side. The schemas differ and live with each backend.
#pragma once

namespace server::sql {

// Recording a delivery.

inline constexpr const char* kInsertEvent =
    "INSERT INTO events (event_id, event_type, dedupe_key, received_at, tenant) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (tenant, event_id) DO NOTHING";

#define CLICKREF_SELECT_CONVERSION                                                                 \
  "SELECT dedupe_key, status, click_id, click_id_valid, click_id_source, order_id, amount, currency, " \
  "reversed_amount, customer_email, payment_link, livemode, first_event_at, last_event_at, events "    \
  "FROM conversions WHERE dedupe_key = ?1 AND tenant = ?2"

inline constexpr const char* kSelectConversion = CLICKREF_SELECT_CONVERSION;
// PostgreSQL: waits for, then holds, the row's lock until COMMIT, so that a
// concurrent delivery of the same purchase merges into this one's result.
inline constexpr const char* kLockConversion = CLICKREF_SELECT_CONVERSION " FOR UPDATE";
#undef CLICKREF_SELECT_CONVERSION

// Parameters ?1–?16: the row's fields in kSelectConversion's order, then the tenant.
#define CLICKREF_INSERT_CONVERSION                                                                 \
  "INSERT INTO conversions (dedupe_key, status, click_id, click_id_valid, click_id_source, order_id, " \
  "amount, currency, reversed_amount, customer_email, payment_link, livemode, first_event_at, "       \
  "last_event_at, events, tenant) "                                                                 \
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "

// PostgreSQL inserts a purchase's first row this way: of two instances
// inserting it at once, the second waits for the first's COMMIT, inserts
// nothing, and goes on to lock and merge.
inline constexpr const char* kInsertNewConversion = CLICKREF_INSERT_CONVERSION "ON CONFLICT (tenant, dedupe_key) DO NOTHING";

inline constexpr const char* kUpsertConversion =
    CLICKREF_INSERT_CONVERSION
    "ON CONFLICT (tenant, dedupe_key) DO UPDATE SET status = excluded.status, click_id = excluded.click_id, "
    "click_id_valid = excluded.click_id_valid, click_id_source = excluded.click_id_source, "
    "order_id = excluded.order_id, amount = excluded.amount, currency = excluded.currency, "
    "reversed_amount = excluded.reversed_amount, customer_email = excluded.customer_email, "
    "payment_link = excluded.payment_link, livemode = excluded.livemode, "
    "first_event_at = excluded.first_event_at, last_event_at = excluded.last_event_at, events = "
    "excluded.events";
#undef CLICKREF_INSERT_CONVERSION

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
    "SELECT c.dedupe_key, c.status, c.click_id, c.click_id_valid, c.click_id_source, c.order_id, c.amount, "
    "c.currency, c.reversed_amount, c.customer_email, c.payment_link, c.livemode, c.first_event_at, "
    "c.last_event_at, c.events, p.state, p.attempts, p.delivered_at, p.last_error, c.tenant "
    "FROM conversions c LEFT JOIN postbacks p ON p.tenant = c.tenant AND p.dedupe_key = c.dedupe_key"
    CLICKREF_FILTER "ORDER BY c.first_event_at DESC, c.tenant, c.dedupe_key LIMIT ?5 OFFSET ?6";

// CAST: PostgreSQL sums bigints as numeric.
#define CLICKREF_SUMS                                                                              \
  "COUNT(*), CAST(COALESCE(SUM(c.amount), 0) AS BIGINT), "                                         \
  "CAST(COALESCE(SUM(CASE WHEN c.status = 'approved' THEN c.amount END), 0) AS BIGINT), "          \
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
    "CAST(COALESCE(SUM(CASE WHEN c.status = 'approved' THEN c.amount END), 0) AS BIGINT) "
    "FROM conversions c" CLICKREF_FILTER
    "AND c.first_event_at / 86400 > (SELECT MAX(first_event_at) / 86400 FROM conversions c" CLICKREF_FILTER
    ") - ?5 GROUP BY day, c.currency ORDER BY day, c.currency NULLS FIRST";

#undef CLICKREF_SUMS
#undef CLICKREF_FILTER

}  // namespace server::sql
