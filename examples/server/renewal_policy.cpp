#include "renewal_policy.hpp"

#include <charconv>

namespace server {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
// Hinnant's civil-date algorithms); months are calendar months, so that
// "months:12" is a year whatever the months' lengths.
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yoe + era * 400 + (m <= 2);
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// `t` plus `months` calendar months, the day clamped to the target month's
// length (31 January + 1 month is 28 or 29 February).
int64_t add_months(int64_t t, int64_t months) {
  const int64_t day = floor_div(t, 86400), second = t - day * 86400;
  int64_t y = 0, m = 0, d = 0;
  civil_from_days(day, y, m, d);
  const int64_t index = y * 12 + (m - 1) + months;
  const int64_t ty = floor_div(index, 12), tm = index - ty * 12 + 1;
  const int64_t month_length = days_from_civil(tm == 12 ? ty + 1 : ty, tm == 12 ? 1 : tm + 1, 1) -
                               days_from_civil(ty, tm, 1);
  return days_from_civil(ty, tm, d < month_length ? d : month_length) * 86400 + second;
}

constexpr std::string_view kMonthsPrefix = "months:";
constexpr int64_t kMaxMonths = 1200;

}  // namespace

std::optional<renewal_policy> renewal_policy::parse(std::string_view text) {
  renewal_policy p;
  if (text == "lifetime") return p;
  if (text == "first") {
    p.kind_ = kind::first;
    return p;
  }
  if (text.substr(0, kMonthsPrefix.size()) != kMonthsPrefix) return std::nullopt;
  const std::string_view digits = text.substr(kMonthsPrefix.size());
  int64_t n = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (error != std::errc() || end != digits.data() + digits.size() || digits.empty() || digits[0] == '+' ||
      n < 1 || n > kMaxMonths) {
    return std::nullopt;
  }
  p.kind_ = kind::months;
  p.months_ = n;
  return p;
}

bool renewal_policy::credits(int64_t bought_at, int64_t paid_at) const {
  switch (kind_) {
    case kind::first:
      return false;
    case kind::months:
      return paid_at < add_months(bought_at, months_);
    default:
      return true;
  }
}

std::string renewal_policy::describe() const {
  switch (kind_) {
    case kind::first:
      return "first";
    case kind::months:
      return std::string(kMonthsPrefix) + std::to_string(months_);
    default:
      return "lifetime";
  }
}

}  // namespace server
