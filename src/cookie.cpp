// The Set-Cookie header for the click id, with its Expires date computed
// here rather than by gmtime: no locale, no shared state, any thread.
#include <clickref/cookie.hpp>

namespace clickref {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
// 9999-12-31T23:59:59Z: IMF-fixdate has a four-digit year.
constexpr int64_t kLastExpiry = 253402300799;

struct civil_time {
  int64_t year;
  int month;    // 1..12
  int day;      // 1..31
  int weekday;  // 0 = Sunday
  int hour, minute, second;
};

constexpr bool is_leap(int64_t year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// Leap years in 1..year.
constexpr int64_t leap_years_through(int64_t year) noexcept { return year / 4 - year / 100 + year / 400; }

// Days from 1970-01-01 to January 1st of `year` (>= 1970).
constexpr int64_t days_before_year(int64_t year) noexcept {
  return 365 * (year - 1970) + leap_years_through(year - 1) - leap_years_through(1969);
}

// Proleptic Gregorian calendar, for 0 <= t <= kLastExpiry.
civil_time civil_from_unix(int64_t t) noexcept {
  civil_time c{};
  const int64_t days = t / kSecondsPerDay;
  const int64_t seconds = t % kSecondsPerDay;
  c.hour = static_cast<int>(seconds / 3600);
  c.minute = static_cast<int>(seconds / 60 % 60);
  c.second = static_cast<int>(seconds % 60);
  c.weekday = static_cast<int>((days + 4) % 7);  // 1970-01-01 was a Thursday

  // No year has more than 366 days, so this starts at or before the right
  // year and is at most a few steps short of it.
  c.year = 1970 + days / 366;
  while (days_before_year(c.year + 1) <= days) ++c.year;
  int day_of_year = static_cast<int>(days - days_before_year(c.year));

  static constexpr int kMonthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  c.month = 1;
  for (int m = 0; m < 12; ++m) {
    const int length = kMonthDays[m] + (m == 1 && is_leap(c.year) ? 1 : 0);
    if (day_of_year < length) break;
    day_of_year -= length;
    ++c.month;
  }
  c.day = day_of_year + 1;
  return c;
}

// Appends `value` (>= 0) in decimal, zero-padded to `width` digits.
void append_padded(std::string& out, int64_t value, int width) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (int i = n; i < width; ++i) out.push_back('0');
  while (n > 0) out.push_back(digits[--n]);
}

// RFC 9110 §5.6.7: "Sun, 06 Nov 1994 08:49:37 GMT".
void append_imf_fixdate(std::string& out, int64_t t) {
  static constexpr const char* kDays[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const civil_time c = civil_from_unix(t);
  out.append(kDays[c.weekday]).append(", ");
  append_padded(out, c.day, 2);
  out.append(" ").append(kMonths[c.month - 1]).append(" ");
  append_padded(out, c.year, 4);
  out.append(" ");
  append_padded(out, c.hour, 2);
  out.append(":");
  append_padded(out, c.minute, 2);
  out.append(":");
  append_padded(out, c.second, 2);
  out.append(" GMT");
}

// RFC 9110 token characters (RFC 6265 cookie-name).
bool is_token(std::string_view s) noexcept {
  constexpr std::string_view kSeparators = "()<>@,;:\\\"/[]?={}";
  if (s.empty()) return false;
  for (char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7F || kSeparators.find(c) != std::string_view::npos) return false;
  }
  return true;
}

bool is_domain_text(std::string_view s) noexcept {
  for (char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// Browsers refuse a "__Host-" cookie that has a Domain attribute (the
// prefix is matched case-insensitively).
bool is_host_prefixed(std::string_view name) noexcept {
  constexpr std::string_view kPrefix = "__host-";
  if (name.size() < kPrefix.size()) return false;
  for (size_t i = 0; i < kPrefix.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != kPrefix[i]) return false;
  }
  return true;
}

status check_options(const cookie_options& options, int64_t now_unix) noexcept {
  if (!is_token(options.name) || !is_domain_text(options.domain)) return CLICKREF_E_INVALID_ARGUMENT;
  if (!options.domain.empty() && is_host_prefixed(options.name)) return CLICKREF_E_INVALID_ARGUMENT;
  if (options.max_age_s <= 0 || options.max_age_s > kLastExpiry) return CLICKREF_E_INVALID_ARGUMENT;
  // Written so that no sum can overflow: max_age_s <= kLastExpiry.
  if (now_unix < -options.max_age_s || now_unix > kLastExpiry - options.max_age_s) {
    return CLICKREF_E_INVALID_ARGUMENT;
  }
  return CLICKREF_OK;
}

}  // namespace

result<std::string> click_cookie(std::string_view id, int64_t now_unix, const cookie_options& options) {
  if (!click_id_valid(id)) return CLICKREF_E_INVALID_CLICK_ID;
  if (status s = check_options(options, now_unix); s != CLICKREF_OK) return s;
  std::string header;
  header.reserve(options.name.size() + id.size() + options.domain.size() + 110);
  header.append(options.name).append("=").append(id);
  header.append("; Expires=");
  append_imf_fixdate(header, now_unix + options.max_age_s);
  header.append("; Max-Age=");
  append_padded(header, options.max_age_s, 1);
  if (!options.domain.empty()) header.append("; Domain=").append(options.domain);
  header.append("; Path=/; Secure; SameSite=Lax");
  if (options.http_only) header.append("; HttpOnly");
  return header;
}

}  // namespace clickref
