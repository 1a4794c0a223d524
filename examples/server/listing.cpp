#include "listing.hpp"

#include "clickref_calls.hpp"
#include "json.hpp"

#include <algorithm>
#include <cstdio>
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
<form method="get">status <input name="status" size="8"> from <input name="from" size="10" placeholder="YYYY-MM-DD">
until <input name="until" size="10" placeholder="YYYY-MM-DD"> tenant <input name="tenant" size="8">
<button>Filter</button></form>
)html";

constexpr const char* kTableHead = R"html(<h2>Conversions</h2>
<table>
<thead><tr><th>Tenant</th><th>Time</th><th>Click id</th><th>Order</th><th>Amount</th><th>Status</th><th>Postback</th></tr></thead>
<tbody>
)html";

}  // namespace

std::string conversions_json(const std::vector<listed_conversion>& items) {
  std::string list = "[";
  for (const listed_conversion& item : items) {
    const conversion_row& r = item.row;
    json_object o;
    if (!item.tenant.empty()) o.str("tenant", item.tenant);  // single-tenant output stays as it was
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
        .num("events", r.events)
        .boolean("sale", r.sale)
        .str("recurrence", recurrence_label(r.recurrence))
        .str("account", r.account)
        .str("customer", r.customer)
        .str("subscription", r.subscription)
        .str("promotion_code", r.promotion_code)
        .str("coupon", r.coupon);
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

std::string csv_cell(std::string_view text) {
  std::string cell(text);
  if (!cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos) {
    cell.insert(0, "'");
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos && cell.find('\'') != 0) return cell;
  std::string quoted = "\"";
  for (const char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string conversions_csv(const std::vector<listed_conversion>& items) {
  std::string out =
      "tenant,dedupe_key,status,click_id,order_id,amount,currency,reversed_amount,customer_email,"
      "payment_link,first_event_at,last_event_at,events,postback\r\n";
  for (const listed_conversion& item : items) {
    const conversion_row& r = item.row;
    const std::string cells[] = {item.tenant,
                                 r.dedupe_key,
                                 std::string(status_label(r.status)),
                                 r.click_id.value_or(""),
                                 r.order_id.value_or(""),
                                 decimal(r.amount, r.currency).value_or(""),
                                 r.currency.value_or(""),
                                 decimal(r.reversed_amount, r.currency).value_or(""),
                                 r.customer_email.value_or(""),
                                 r.payment_link.value_or(""),
                                 utc_time(r.first_event_at),
                                 utc_time(r.last_event_at),
                                 std::to_string(r.events),
                                 item.postback ? item.postback->state : ""};
    bool first = true;
    for (const std::string& c : cells) {
      if (!first) out += ',';
      first = false;
      out += csv_cell(c);
    }
    out += "\r\n";
  }
  return out;
}

namespace {

std::string escaped(std::string_view text) {
  std::string out;
  append_html_escaped(out, text);
  return out;
}

std::string money(int64_t amount, const std::optional<std::string>& currency) {
  return decimal(amount, currency).value_or(std::to_string(amount)) + " " + currency.value_or("");
}

// `key_header` nullptr: the groups are the currencies themselves, so no key column.
void totals_table(std::string& out, const char* title, const char* key_header,
                  const std::vector<conversion_totals>& rows) {
  out += "<h2>" + std::string(title) + "</h2>\n<table class=\"totals\"><thead><tr>";
  if (key_header) out += "<th>" + std::string(key_header) + "</th>";
  out += "<th>Currency</th><th>Count</th><th>Sales</th><th>Approved</th><th>Reversed</th></tr></thead><tbody>\n";
  for (const conversion_totals& t : rows) {
    out += "<tr>";
    if (key_header) cell(out, t.key.empty() ? "(none)" : t.key);
    cell(out, t.currency.value_or("—"));
    cell(out, std::to_string(t.count));
    cell(out, money(t.amount, t.currency));
    cell(out, money(t.approved, t.currency));
    cell(out, money(t.reversed, t.currency));
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
}

// Bars: conversions per day (every currency). Points joined by a line:
// approved revenue per day in the currency with the most conversions.
void chart_svg(std::string& out, const conversion_summary& s) {
  if (s.by_day.empty()) return;
  const std::optional<std::string> currency =
      s.by_currency.empty() ? std::nullopt : s.by_currency.front().currency;
  // At least two weeks wide, so that a new shop's one or two days of sales
  // are bars, not a block across the whole chart.
  constexpr int64_t kMinChartDays = 14;
  const int64_t last = s.by_day.back().day;
  const int64_t first = std::min(s.by_day.front().day, last - (kMinChartDays - 1));
  const auto days = static_cast<size_t>(last - first + 1);
  std::vector<int64_t> counts(days, 0), revenue(days, 0);
  for (const day_totals& d : s.by_day) {
    counts[static_cast<size_t>(d.day - first)] += d.count;
    if (d.currency == currency) revenue[static_cast<size_t>(d.day - first)] += d.approved;
  }
  const int64_t max_count = std::max<int64_t>(1, *std::max_element(counts.begin(), counts.end()));
  const int64_t max_revenue = std::max<int64_t>(1, *std::max_element(revenue.begin(), revenue.end()));
  constexpr int kWidth = 720, kHeight = 200, kPad = 20;
  const double slot = static_cast<double>(kWidth - 2 * kPad) / static_cast<double>(days);
  char buf[256];
  out += "<h2>Per day</h2>\n<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         std::to_string(kWidth) + "\" height=\"" + std::to_string(kHeight + 2 * kPad) +
         "\" role=\"img\" aria-label=\"conversions and approved revenue per day\">\n";
  std::string points;
  for (size_t i = 0; i < days; ++i) {
    const double x = kPad + slot * static_cast<double>(i);
    const double h = static_cast<double>(kHeight) * static_cast<double>(counts[i]) / static_cast<double>(max_count);
    const std::string day = utc_time((first + static_cast<int64_t>(i)) * 86400).substr(0, 10);
    std::snprintf(buf, sizeof buf,
                  "<rect class=\"bar\" data-day=\"%s\" data-count=\"%lld\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                  "height=\"%.1f\" fill=\"#9fa8da\"><title>",
                  day.c_str(), static_cast<long long>(counts[i]), x + 1, kPad + kHeight - h,
                  std::max(1.0, slot - 2), h);
    out += buf;
    out += day + ": " + std::to_string(counts[i]) + " conversions, " + escaped(money(revenue[i], currency)) +
           " approved</title></rect>\n";
    const double cx = x + slot / 2;
    const double cy = kPad + kHeight - static_cast<double>(kHeight) * static_cast<double>(revenue[i]) /
                                           static_cast<double>(max_revenue);
    std::snprintf(buf, sizeof buf,
                  "<circle class=\"point\" data-day=\"%s\" data-revenue=\"%lld\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                  "fill=\"#0a7d32\"/>\n",
                  day.c_str(), static_cast<long long>(revenue[i]), cx, cy);
    out += buf;
    std::snprintf(buf, sizeof buf, "%s%.1f,%.1f", points.empty() ? "" : " ", cx, cy);
    points += buf;
  }
  out += "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"#0a7d32\"/>\n</svg>\n";
  out += "<p class=\"legend\">Bars: conversions per day (max " + std::to_string(max_count) +
         "). Line: approved revenue per day in " + escaped(currency.value_or("—")) + ".</p>\n";
}

// "Rows 501–1000 of 1234", with links to the previous and next pages of the
// same filter. `query` reproduces the filter without its offset.
void pagination(std::string& out, const conversion_filter& filter, int64_t shown, int64_t matching,
                const std::string& query) {
  if (shown == 0) return;
  const std::string base = "/dashboard?" + (query.empty() ? std::string() : query + "&") + "offset=";
  out += "<p id=\"pages\">Rows " + std::to_string(filter.offset + 1) + "–" + std::to_string(filter.offset + shown) +
         " of " + std::to_string(matching) + ".";
  if (filter.offset > 0) {
    const int64_t previous = std::max<int64_t>(0, filter.offset - filter.limit);
    out += " <a id=\"previous\" href=\"" + escaped(base + std::to_string(previous)) + "\">Previous</a>";
  }
  if (filter.offset + shown < matching) {
    out += " <a id=\"next\" href=\"" + escaped(base + std::to_string(filter.offset + shown)) + "\">Next</a>";
  }
  out += "</p>\n";
}

}  // namespace

std::string dashboard_html(const conversion_summary& summary, const std::vector<listed_conversion>& items,
                           const conversion_filter& filter, const std::string& query) {
  std::string out = kDashboardHead;
  out += "<p>" + std::to_string(summary.matching) + " conversions match. <a id=\"csv\" href=\"/conversions.csv?" +
         escaped(query) + "\">CSV</a></p>\n";
  totals_table(out, "Totals per currency", nullptr, summary.by_currency);
  totals_table(out, "Commission state", "Status", summary.by_status);
  totals_table(out, "Per click id", "Click id", summary.by_click);
  chart_svg(out, summary);
  out += kTableHead;
  for (const listed_conversion& item : items) {
    const conversion_row& r = item.row;
    out += "<tr class=\"conversion\">";
    cell(out, item.tenant);
    cell(out, utc_time(r.first_event_at));
    cell(out, r.click_id.value_or(r.sale ? "(none)" : "(unlinked payment)"));
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
  if (items.empty()) out += "<tr><td colspan=\"7\">No conversions.</td></tr>\n";
  out += "</tbody>\n</table>\n";
  pagination(out, filter, static_cast<int64_t>(items.size()), summary.matching, query);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace server
