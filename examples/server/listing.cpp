#include "listing.hpp"

#include "clickref_calls.hpp"
#include "json.hpp"

#include <ctime>

namespace server {
namespace {

// "19.99" for 1999 USD, with Stripe's exponent for the currency.
std::optional<std::string> decimal(const std::optional<int64_t>& amount,
                                   const std::optional<std::string>& currency) {
  if (!amount || !currency) return std::nullopt;
  auto text = output_string(
      [&](char* out, size_t cap, size_t* len) {
        return clickref_format_amount(*amount, currency->data(), currency->size(), out, cap, len);
      },
      32);
  if (!text) return std::nullopt;
  return std::move(*text);
}

std::string postback_json(const postback_state& p) {
  json_object o;
  o.str("state", p.state)
      .num("attempts", p.attempts)
      .num("delivered_at", p.delivered_at)
      .str("last_error", p.last_error);
  return o.take();
}

void append_html_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

std::string utc_time(int64_t unix_s) {
  const auto t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return std::to_string(unix_s);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

void cell(std::string& out, std::string_view text) {
  out += "<td>";
  append_html_escaped(out, text);
  out += "</td>";
}

constexpr const char* kDashboardHead = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Affiliate dashboard</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
  table { border-collapse: collapse; }
  th, td { border-bottom: 1px solid #ddd; padding: .3rem .8rem; text-align: left; }
  td.amount { text-align: right; font-variant-numeric: tabular-nums; }
  .approved { color: #0a7d32; } .reversed, .declined { color: #b3261e; } .pending { color: #8a6d00; }
</style>
</head>
<body>
<h1>Affiliate dashboard</h1>
<table>
<thead><tr><th>Time</th><th>Click id</th><th>Order</th><th>Amount</th><th>Status</th><th>Postback</th></tr></thead>
<tbody>
)html";

}  // namespace

std::string conversions_json(const std::vector<listed_conversion>& items) {
  std::string list = "[";
  for (const listed_conversion& item : items) {
    const conversion_row& r = item.row;
    json_object o;
    o.str("dedupe_key", r.dedupe_key)
        .str("status", status_label(r.status))
        .str("click_id", r.click_id)
        .boolean("click_id_valid", r.click_id_valid)
        .str("click_id_source", r.click_id_source)
        .str("order_id", r.order_id)
        .num("amount", r.amount)
        .str("amount_decimal", decimal(r.amount, r.currency))
        .str("currency", r.currency)
        .num("reversed_amount", r.reversed_amount)
        .str("reversed_amount_decimal", decimal(r.reversed_amount, r.currency))
        .str("customer_email", r.customer_email)
        .str("payment_link", r.payment_link)
        .boolean("livemode", r.livemode)
        .num("first_event_at", r.first_event_at)
        .num("last_event_at", r.last_event_at)
        .num("events", r.events);
    if (item.postback) {
      o.raw("postback", postback_json(*item.postback));
    } else {
      o.null("postback");
    }
    if (list.size() > 1) list += ',';
    list += o.take();
  }
  list += ']';
  json_object body;
  body.num("count", static_cast<int64_t>(items.size())).raw("conversions", list);
  return body.take();
}

std::string dashboard_html(const std::vector<listed_conversion>& items) {
  std::string out = kDashboardHead;
  for (const listed_conversion& item : items) {
    const conversion_row& r = item.row;
    out += "<tr>";
    cell(out, utc_time(r.first_event_at));
    cell(out, r.click_id.value_or("(none)"));
    cell(out, r.order_id.value_or(r.dedupe_key));
    // A sale shows its amount; a purchase seen only through its refund shows what was reversed.
    const auto amount = decimal(r.amount ? r.amount : std::optional<int64_t>(r.reversed_amount), r.currency);
    out += "<td class=\"amount\">";
    append_html_escaped(out, amount.value_or("") + " " + r.currency.value_or(""));
    out += "</td><td class=\"";
    append_html_escaped(out, status_label(r.status));
    out += "\">";
    append_html_escaped(out, status_label(r.status));
    out += "</td>";
    cell(out, item.postback ? item.postback->state : "—");
    out += "</tr>\n";
  }
  if (items.empty()) out += "<tr><td colspan=\"6\">No conversions yet.</td></tr>\n";
  out += "</tbody>\n</table>\n</body>\n</html>\n";
  return out;
}

}  // namespace server
