// renewal_policy: the operator's recurring-commission setting.
#include "renewal_policy.hpp"

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

using server::renewal_policy;

namespace {
// Unix seconds of a UTC date and time, worked out by hand (date -u -d … +%s).
constexpr int64_t k2025_01_31 = 1738281600;  // 2025-01-31T00:00:00Z
constexpr int64_t k2025_02_28 = 1740700800;  // 2025-02-28T00:00:00Z
constexpr int64_t k2025_03_01 = 1740787200;  // 2025-03-01T00:00:00Z
constexpr int64_t k2024_01_31 = 1706659200;  // 2024-01-31T00:00:00Z
constexpr int64_t k2024_02_29 = 1709164800;  // 2024-02-29T00:00:00Z
constexpr int64_t k2025_11_20_0627 = 1763620062;  // 2025-11-20T06:27:42Z
constexpr int64_t k2026_11_20_0627 = 1795156062;  // 2026-11-20T06:27:42Z
}  // namespace

TEST_CASE("renewal policy: what parses", "[renewals]") {
  for (const char* good : {"first", "lifetime", "months:1", "months:12", "months:1200"}) {
    const auto p = renewal_policy::parse(good);
    REQUIRE(p);
    CHECK(p->describe() == good);
  }
  for (const char* bad : {"", "First", "forever", "months", "months:", "months:0", "months:1201", "months:-1",
                          "months:+3", "months:2x", "months: 2", "months:99999999999999999999"}) {
    CHECK_FALSE(renewal_policy::parse(bad));
  }
  CHECK(renewal_policy().describe() == "lifetime");
}

TEST_CASE("renewal policy: first and lifetime", "[renewals]") {
  const auto first = *renewal_policy::parse("first");
  const auto lifetime = *renewal_policy::parse("lifetime");
  CHECK_FALSE(first.credits(k2025_01_31, k2025_01_31 + 1));
  CHECK_FALSE(first.credits_renewals());
  CHECK(lifetime.credits(k2025_01_31, k2025_01_31 + 100LL * 365 * 86400));
  CHECK(lifetime.credits_renewals());
}

TEST_CASE("renewal policy: months are calendar months, the day clamped to the month's end", "[renewals]") {
  const auto one = *renewal_policy::parse("months:1");
  // 31 January + 1 month is 28 February in 2025 and 29 February in 2024.
  CHECK(one.credits(k2025_01_31, k2025_02_28 - 1));
  CHECK_FALSE(one.credits(k2025_01_31, k2025_02_28));
  CHECK_FALSE(one.credits(k2025_01_31, k2025_03_01));
  CHECK(one.credits(k2024_01_31, k2024_02_29 - 1));
  CHECK_FALSE(one.credits(k2024_01_31, k2024_02_29));
  // Twelve months is a year to the second, whatever the months' lengths.
  const auto year = *renewal_policy::parse("months:12");
  CHECK(year.credits(k2025_11_20_0627, k2026_11_20_0627 - 1));
  CHECK_FALSE(year.credits(k2025_11_20_0627, k2026_11_20_0627));
}
