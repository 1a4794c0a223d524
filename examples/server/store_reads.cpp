#include "store_reads.hpp"

#include "store_rows.hpp"
#include "store_sql.hpp"

namespace server {
namespace {

using namespace sql;

sql_args filter_args(const conversion_filter& f) {
  sql_args a;
  a.bytes(f.tenant).word(f.status).integer(f.from_s).integer(f.until_s);
  return a;
}

std::vector<conversion_totals> totals(sql_session& db, const char* query, sql_args args) {
  const sql_rows rows = db.query(query, args);
  std::vector<conversion_totals> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    out.push_back({rows.text(i, 0).value_or(""), rows.text(i, 1), rows.integer(i, 2), rows.integer(i, 3),
                   rows.integer(i, 4), rows.integer(i, 5)});
  }
  return out;
}

}  // namespace

std::vector<listed_conversion> list_conversions(sql_session& db, const conversion_filter& filter) {
  const sql_rows rows = db.query(kListConversions, filter_args(filter).integer(filter.limit).integer(filter.offset));
  std::vector<listed_conversion> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    listed_conversion item;
    item.row = read_row(rows, i);
    constexpr size_t p = kRowColumns;
    if (const auto& state = rows.text(i, p)) {
      item.postback = postback_state{*state, rows.integer(i, p + 1), rows.number(i, p + 2), rows.text(i, p + 3)};
    }
    item.tenant = rows.text(i, p + 4).value_or("");
    out.push_back(std::move(item));
  }
  return out;
}

conversion_summary summarize(sql_session& db, const conversion_filter& filter) {
  conversion_summary s;
  const sql_rows count = db.query(kCount, filter_args(filter));
  if (!count.empty()) s.matching = count.integer(0, 0);
  s.by_currency = totals(db, kByCurrency, filter_args(filter));
  s.by_status = totals(db, kByStatus, filter_args(filter));
  s.by_click = totals(db, kByClick, filter_args(filter).integer(kMaxClickGroups));
  const sql_rows days = db.query(kByDay, filter_args(filter).integer(kMaxChartDays));
  for (size_t i = 0; i < days.size(); ++i) {
    s.by_day.push_back({days.integer(i, 0), days.text(i, 1), days.integer(i, 2), days.integer(i, 3)});
  }
  return s;
}

}  // namespace server
