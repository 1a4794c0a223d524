// The shape of well-formed UTF-8 (Unicode Table 3-7), shared by the strict
// decoder (decodeURIComponent) and the repairing one (URLSearchParams).
#pragma once

#include <cstddef>

namespace clickref::detail {

// What the first byte of a multi-byte sequence allows next.
struct utf8_lead {
  size_t continuation = 0;  // continuation bytes that must follow
  // Bounds of the second byte: narrower than 80..BF after E0, ED, F0 and F4,
  // which excludes overlong forms, surrogates and code points above U+10FFFF.
  unsigned char lower = 0x80;
  unsigned char upper = 0xBF;
};

// Fills `lead` for a byte that starts a multi-byte sequence; false for an
// ASCII byte, a continuation byte, or one that never occurs (C0, C1, F5..FF).
constexpr bool utf8_lead_of(unsigned char b, utf8_lead& lead) noexcept {
  lead = utf8_lead{};
  if (b >= 0xC2 && b <= 0xDF) {
    lead.continuation = 1;
  } else if (b >= 0xE0 && b <= 0xEF) {
    lead.continuation = 2;
    if (b == 0xE0) lead.lower = 0xA0;
    if (b == 0xED) lead.upper = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    lead.continuation = 3;
    if (b == 0xF0) lead.lower = 0x90;
    if (b == 0xF4) lead.upper = 0x8F;
  } else {
    return false;
  }
  return true;
}

// The length of the well-formed sequence at s[0, n), or 0 if there is none.
constexpr size_t utf8_sequence_length(const unsigned char* s, size_t n) noexcept {
  if (n == 0) return 0;
  if (s[0] < 0x80) return 1;
  utf8_lead lead;
  if (!utf8_lead_of(s[0], lead) || n < lead.continuation + 1) return 0;
  if (s[1] < lead.lower || s[1] > lead.upper) return 0;
  for (size_t i = 2; i <= lead.continuation; ++i) {
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
  }
  return lead.continuation + 1;
}

}  // namespace clickref::detail
