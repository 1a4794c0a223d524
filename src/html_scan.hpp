// Finding the next byte of a small set, 16 bytes at a time.
//
// Tokens in markup are short (a tag name, "class", "t0"), so what costs is
// not the bytes but the mispredicted branch that ends a byte-at-a-time loop.
// A 16-byte compare and a bit scan end the search with a branch taken
// almost always the same way. Without SSE2 the same sets are searched byte
// by byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>
#define CLICKREF_HTML_SSE2 1
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CLICKREF_HTML_INLINE inline __attribute__((always_inline))
#else
#define CLICKREF_HTML_INLINE inline
#endif

namespace clickref::detail::html {

// White space as the tokenizer sees it ('\r' too: the input stream turns it
// into '\n'), for a byte known to be <= 0x20.
constexpr bool is_space_control(unsigned char c) noexcept {
  return ((uint64_t{1} << ' ') | (uint64_t{1} << '\n') | (uint64_t{1} << '\t') | (uint64_t{1} << '\f') |
          (uint64_t{1} << '\r')) >>
             c &
         1;
}

// A set of bytes: `contains` says exactly which; `candidates` (SSE2) marks a
// superset of them in 16 bytes, each candidate then checked with contains.
struct tag_name_end {  // white space, '/', '>'
  static bool contains(char c) noexcept {
    const auto b = static_cast<unsigned char>(c);
    return b <= 0x20 ? is_space_control(b) : c == '/' || c == '>';
  }
#ifdef CLICKREF_HTML_SSE2
  static __m128i candidates(__m128i v) noexcept {
    const __m128i controls = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x20)), v);  // <= 0x20
    return _mm_or_si128(controls, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')),
                                               _mm_cmpeq_epi8(v, _mm_set1_epi8('>'))));
  }
#endif
};

struct attribute_name_end {  // white space, '/', '=', '>'
  static bool contains(char c) noexcept { return c == '=' || tag_name_end::contains(c); }
#ifdef CLICKREF_HTML_SSE2
  static __m128i candidates(__m128i v) noexcept {
    return _mm_or_si128(tag_name_end::candidates(v), _mm_cmpeq_epi8(v, _mm_set1_epi8('=')));
  }
#endif
};

struct unquoted_value_end {  // white space, '>'
  static bool contains(char c) noexcept {
    const auto b = static_cast<unsigned char>(c);
    return b <= 0x20 ? is_space_control(b) : c == '>';
  }
#ifdef CLICKREF_HTML_SSE2
  static __m128i candidates(__m128i v) noexcept {
    const __m128i controls = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x20)), v);
    return _mm_or_si128(controls, _mm_cmpeq_epi8(v, _mm_set1_epi8('>')));
  }
#endif
};

template <char A, char B>
struct either_byte {
  static bool contains(char c) noexcept { return c == A || c == B; }
#ifdef CLICKREF_HTML_SSE2
  static __m128i candidates(__m128i v) noexcept {
    return _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(A)), _mm_cmpeq_epi8(v, _mm_set1_epi8(B)));
  }
#endif
};

// The first byte of [p, end) in Set, or end.
template <class Set>
CLICKREF_HTML_INLINE const char* find_first(const char* p, const char* end) noexcept {
#ifdef CLICKREF_HTML_SSE2
  while (end - p >= 16) {
    auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(Set::candidates(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))));
    while (mask != 0) {
      const int i = __builtin_ctz(mask);
      if (Set::contains(p[i])) return p + i;
      mask &= mask - 1;
    }
    p += 16;
  }
#endif
  for (; p < end; ++p) {
    if (Set::contains(*p)) return p;
  }
  return end;
}

// The first `c` in [p, end), or end: the next 32 bytes inline, where short
// distances are the rule, then memchr.
CLICKREF_HTML_INLINE const char* find_byte(const char* p, const char* end, char c) noexcept {
#ifdef CLICKREF_HTML_SSE2
  const char* near_end = end - p > 32 ? p + 32 : end;
  const __m128i needle = _mm_set1_epi8(c);
  for (; near_end - p >= 16; p += 16) {
    const auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), needle)));
    if (mask != 0) return p + __builtin_ctz(mask);
  }
#endif
  if (p == end) return end;
  const auto* hit = static_cast<const char*>(std::memchr(p, c, static_cast<size_t>(end - p)));
  return hit != nullptr ? hit : end;
}

}  // namespace clickref::detail::html
