// Minor units to decimal strings, with the exponents Stripe uses.
#include <clickref/event.hpp>

#include "currency.hpp"

namespace clickref {

status append_amount(int64_t amount, std::string_view currency, std::string& out) {
  if (!detail::is_currency_code(currency)) return CLICKREF_E_INVALID_ARGUMENT;
  const int exponent = detail::currency_exponent(currency);
  // The magnitude in uint64, where INT64_MIN's has room.
  uint64_t magnitude = amount < 0 ? 0 - static_cast<uint64_t>(amount) : static_cast<uint64_t>(amount);
  // Digits from the right, zero-padded to exponent + 1 so that there is
  // always a digit before the point ("0.05").
  char digits[24];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  while (n < static_cast<size_t>(exponent) + 1) digits[n++] = '0';

  if (amount < 0) out.push_back('-');
  for (size_t i = n; i > 0; --i) {
    if (i == static_cast<size_t>(exponent) && exponent > 0) out.push_back('.');
    out.push_back(digits[i - 1]);
  }
  return CLICKREF_OK;
}

result<std::string> format_amount(int64_t amount, std::string_view currency) {
  std::string out;
  if (status s = append_amount(amount, currency, out); s != CLICKREF_OK) return s;
  return out;
}

}  // namespace clickref
