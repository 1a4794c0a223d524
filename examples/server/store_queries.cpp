// The dashboard's read queries: filtered pages of conversions and the sums
// above them. One fixed WHERE clause takes every filter as a parameter (NULL
// matches everything), so no SQL is ever assembled from request input.
#include "store.hpp"

namespace server {
namespace {

#define CLICKREF_FILTER                                                                            \
  " WHERE (?1 IS NULL OR c.tenant = ?1) AND (?2 IS NULL OR c.status = ?2)"                         \
  " AND (?3 IS NULL OR c.first_event_at >= ?3) AND (?4 IS NULL OR c.first_event_at < ?4) "

constexpr const char* kListConversions =
    "SELECT c.dedupe_key, c.status, c.click_id, c.click_id_valid, c.click_id_source, c.order_id, c.amount, "
    "c.currency, c.reversed_amount, c.customer_email, c.payment_link, c.livemode, c.first_event_at, "
    "c.last_event_at, c.events, p.state, p.attempts, p.delivered_at, p.last_error, c.tenant "
    "FROM conversions c LEFT JOIN postbacks p ON p.tenant = c.tenant AND p.dedupe_key = c.dedupe_key"
    CLICKREF_FILTER "ORDER BY c.first_event_at DESC, c.tenant, c.dedupe_key LIMIT ?5 OFFSET ?6";

#define CLICKREF_SUMS                                                                              \
  "COUNT(*), COALESCE(SUM(c.amount), 0), "                                                         \
  "COALESCE(SUM(CASE WHEN c.status = 'approved' THEN c.amount END), 0), SUM(c.reversed_amount) "

constexpr const char* kCount = "SELECT COUNT(*) FROM conversions c" CLICKREF_FILTER;

constexpr const char* kByCurrency =
    "SELECT COALESCE(c.currency, ''), c.currency, " CLICKREF_SUMS "FROM conversions c" CLICKREF_FILTER
    "GROUP BY c.currency ORDER BY COUNT(*) DESC, c.currency";

constexpr const char* kByStatus =
    "SELECT c.status, c.currency, " CLICKREF_SUMS "FROM conversions c" CLICKREF_FILTER
    "GROUP BY c.status, c.currency ORDER BY c.status, c.currency";

constexpr const char* kByClick =
    "SELECT c.click_id, c.currency, " CLICKREF_SUMS "FROM conversions c" CLICKREF_FILTER
    "AND c.click_id IS NOT NULL GROUP BY c.click_id, c.currency "
    "ORDER BY 5 DESC, 3 DESC, c.click_id LIMIT ?5";

constexpr const char* kByDay =
    "SELECT c.first_event_at / 86400 AS day, c.currency, COUNT(*), "
    "COALESCE(SUM(CASE WHEN c.status = 'approved' THEN c.amount END), 0) "
    "FROM conversions c" CLICKREF_FILTER
    "AND c.first_event_at / 86400 > (SELECT MAX(first_event_at) / 86400 FROM conversions c" CLICKREF_FILTER
    ") - ?5 GROUP BY day, c.currency ORDER BY day, c.currency";

#undef CLICKREF_SUMS
#undef CLICKREF_FILTER

void bind_filter(sqlite::statement& st, const conversion_filter& f) {
  st.bind(1, f.tenant).bind(2, f.status).bind(3, f.from_s).bind(4, f.until_s);
}

std::vector<conversion_totals> totals(sqlite::connection& db, const char* sql, const conversion_filter& f,
                                      std::optional<int64_t> limit = std::nullopt) {
  auto st = db.prepare(sql);
  bind_filter(st, f);
  if (limit) st.bind(5, *limit);
  std::vector<conversion_totals> out;
  while (st.step()) {
    out.push_back({st.text(0).value_or(""), st.text(1), st.integer(2), st.integer(3), st.integer(4),
                   st.integer(5)});
  }
  return out;
}

}  // namespace

std::vector<listed_conversion> store::conversions(const conversion_filter& filter) {
  auto db = pool_.acquire();
  auto st = db->prepare(kListConversions);
  bind_filter(st, filter);
  st.bind(5, filter.limit).bind(6, filter.offset);
  std::vector<listed_conversion> out;
  while (st.step()) {
    listed_conversion item;
    item.row = read_conversion_row(st);
    if (auto state = st.text(15)) {
      item.postback = postback_state{std::move(*state), st.integer(16), st.nullable_integer(17), st.text(18)};
    }
    item.tenant = st.text(19).value_or("");
    out.push_back(std::move(item));
  }
  return out;
}

conversion_summary store::summary(const conversion_filter& filter) {
  auto db = pool_.acquire();
  conversion_summary s;
  {
    auto st = db->prepare(kCount);
    bind_filter(st, filter);
    if (st.step()) s.matching = st.integer(0);
  }
  s.by_currency = totals(*db, kByCurrency, filter);
  s.by_status = totals(*db, kByStatus, filter);
  s.by_click = totals(*db, kByClick, filter, kMaxClickGroups);
  auto st = db->prepare(kByDay);
  bind_filter(st, filter);
  st.bind(5, kMaxChartDays);
  while (st.step()) s.by_day.push_back({st.integer(0), st.text(1), st.integer(2), st.integer(3)});
  return s;
}

}  // namespace server
