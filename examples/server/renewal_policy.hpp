// Which renewals of a subscription are credited to the click that bought it:
// the operator's choice of recurring commission (--renewals, or a tenant's
// `renewals`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace server {

class renewal_policy {
 public:
  // The default: every renewal, for as long as the subscription lasts.
  renewal_policy() = default;

  // "first" (the first payment only; renewals are recorded unattributed),
  // "lifetime", or "months:N" (renewals paid within N calendar months of
  // the first payment, 1 ≤ N ≤ 1200). nullopt for anything else.
  static std::optional<renewal_policy> parse(std::string_view text);

  // Whether a renewal paid at `paid_at` is credited to the click of a
  // subscription first paid at `bought_at` (unix seconds).
  bool credits(int64_t bought_at, int64_t paid_at) const;
  // Whether any renewal may be credited (not "first").
  bool credits_renewals() const { return kind_ != kind::first; }

  std::string describe() const;  // as parse reads it

 private:
  enum class kind { first, months, lifetime };
  kind kind_ = kind::lifetime;
  int64_t months_ = 0;
};

}  // namespace server
