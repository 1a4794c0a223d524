// ISO 4217 currency codes as Stripe sends them, and the exponents it uses.
#pragma once

#include <array>
#include <cstring>
#include <string_view>

namespace clickref::detail {

// Three ASCII letters, any case: the shape of every code Stripe sends.
constexpr bool is_currency_code(std::string_view currency) noexcept {
  if (currency.size() != 3) return false;
  for (char c : currency) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

// The code in upper case. Precondition: is_currency_code(currency).
constexpr std::array<char, 3> upper_currency(std::string_view currency) noexcept {
  std::array<char, 3> upper{};
  for (size_t i = 0; i < upper.size(); ++i) {
    const char c = currency[i];
    upper[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return upper;
}

// Decimal places of the currency's minor unit in Stripe's amounts
// (docs.stripe.com/currencies). ISK is not zero-decimal here: Stripe sends
// ISK amounts ×100 like a two-decimal currency. Precondition:
// is_currency_code(currency).
inline int currency_exponent(std::string_view currency) noexcept {
  static constexpr char kZeroDecimal[][4] = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
                                             "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"};
  static constexpr char kThreeDecimal[][4] = {"BHD", "JOD", "KWD", "OMR", "TND"};
  const std::array<char, 3> code = upper_currency(currency);
  for (const char* c : kZeroDecimal) {
    if (std::memcmp(c, code.data(), 3) == 0) return 0;
  }
  for (const char* c : kThreeDecimal) {
    if (std::memcmp(c, code.data(), 3) == 0) return 3;
  }
  return 2;
}

}  // namespace clickref::detail
