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

// A complete HTML page with one table row per conversion: time, click id,
// order, amount with currency, status, postback.
std::string dashboard_html(const std::vector<listed_conversion>& items);

}  // namespace server
