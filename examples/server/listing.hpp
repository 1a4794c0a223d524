// The stand-in for the affiliate dashboard: the recorded conversions as JSON
// (GET /conversions) and as an HTML table (GET /dashboard).
#pragma once

#include "store.hpp"

#include <string>
#include <vector>

namespace server {

// {"count":N,"conversions":[{…}, …]}: every column of the row, the amounts
// also as decimal strings, and the postback's delivery state.
std::string conversions_json(const std::vector<listed_conversion>& items);

// RFC 4180 CSV with a header line, CRLF line ends. A cell that starts with
// = + - @ (or a tab or CR) gets a leading ' so that a spreadsheet shows it
// as text instead of running it as a formula.
std::string conversions_csv(const std::vector<listed_conversion>& items);

// One CSV cell, quoted when it must be, formula-safe.
std::string csv_cell(std::string_view text);

// A complete HTML page: totals per currency, per commission state and per
// click id, a chart of conversions and approved revenue per day (inline
// SVG), and one table row per conversion of the page. `query` is the
// request's filter and page size as a query string, without the offset
// (for the CSV link and the links to the previous and next pages).
std::string dashboard_html(const conversion_summary& summary, const std::vector<listed_conversion>& items,
                           const conversion_filter& filter, const std::string& query);

}  // namespace server
