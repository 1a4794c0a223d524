// The dashboard's reads, written once for both backends (over sql_session).
#pragma once

#include "sql_session.hpp"
#include "store.hpp"

namespace server {

std::vector<listed_conversion> list_conversions(sql_session& db, const conversion_filter& filter);
conversion_summary summarize(sql_session& db, const conversion_filter& filter);

}  // namespace server
