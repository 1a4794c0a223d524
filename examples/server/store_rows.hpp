// A conversion row to and from the database, in CLICKREF_ROW_COLUMNS order
// (store_sql.hpp), the same for both backends.
#pragma once

#include "conversion_row.hpp"
#include "sql_session.hpp"

namespace server {

// Parameters ?1–?22: the row's fields; the caller appends what follows.
sql_args row_args(const conversion_row& row);

// The row in columns `first` … `first` + 21 of row `i`.
conversion_row read_row(const sql_rows& rows, size_t i, size_t first = 0);

constexpr size_t kRowColumns = 22;

}  // namespace server
