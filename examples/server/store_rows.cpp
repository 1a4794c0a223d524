#include "store_rows.hpp"

namespace server {

sql_args row_args(const conversion_row& row) {
  sql_args a;
  a.bytes(row.dedupe_key)
      .word(status_label(row.status))
      .bytes(row.click_id)
      .flag(row.click_id_valid)
      .bytes(row.click_id_source)
      .bytes(row.order_id)
      .integer(row.amount)
      .bytes(row.currency)
      .integer(row.reversed_amount)
      .bytes(row.customer_email)
      .bytes(row.payment_link)
      .flag(row.livemode)
      .integer(row.first_event_at)
      .integer(row.last_event_at)
      .integer(row.events)
      .word(recurrence_label(row.recurrence))
      .bytes(row.account)
      .bytes(row.customer)
      .bytes(row.subscription)
      .bytes(row.promotion_code)
      .bytes(row.coupon)
      .flag(row.sale);
  return a;
}

conversion_row read_row(const sql_rows& rows, size_t i, size_t first) {
  const auto text = [&](size_t c) { return rows.text(i, first + c); };
  const auto integer = [&](size_t c) { return rows.integer(i, first + c); };
  conversion_row row;
  row.dedupe_key = text(0).value_or("");
  row.status = status_from_label(text(1).value_or("")).value_or(CLICKREF_CONVERSION_PENDING);
  row.click_id = text(2);
  row.click_id_valid = integer(3) != 0;
  row.click_id_source = text(4);
  row.order_id = text(5);
  row.amount = rows.number(i, first + 6);
  row.currency = text(7);
  row.reversed_amount = integer(8);
  row.customer_email = text(9);
  row.payment_link = text(10);
  row.livemode = integer(11) != 0;
  row.first_event_at = integer(12);
  row.last_event_at = integer(13);
  row.events = integer(14);
  row.recurrence = recurrence_from_label(text(15).value_or("")).value_or(CLICKREF_RECURRENCE_UNKNOWN);
  row.account = text(16);
  row.customer = text(17);
  row.subscription = text(18);
  row.promotion_code = text(19);
  row.coupon = text(20);
  row.sale = integer(21) != 0;
  return row;
}

}  // namespace server
