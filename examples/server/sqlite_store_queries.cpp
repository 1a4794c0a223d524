// The SQLite backend's dashboard reads (store_sql.hpp).
#include "sqlite_store.hpp"
#include "store_sql.hpp"

namespace server {
namespace {

using namespace sql;

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

std::vector<listed_conversion> sqlite_store::conversions(const conversion_filter& filter) {
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

conversion_summary sqlite_store::summary(const conversion_filter& filter) {
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
