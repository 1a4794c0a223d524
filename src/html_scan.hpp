// Finding the next byte of a small set, 16 bytes at a time.
//
// Tokens in markup are short (a tag name, "class", "t0"), so what costs is
// not the bytes but the mispredicted branch that ends a byte-at-a-time loop.
// A 16-byte compare and a bit scan end the search with a branch taken
// almost always the same way. Without SSE2 the same sets are searched byte
// by byte.
#pragma once

#include <cstddef>
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

// A set of bytes: `contains` says which, and (SSE2) `matches` marks them in
// 16 bytes at once.
#ifdef CLICKREF_HTML_SSE2
// White space as the tokenizer sees it ('\r' too: the input stream turns it
// into '\n').
inline __m128i space_bytes(__m128i v) noexcept {
  const __m128i space =
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
  const __m128i others = _mm_or_si128(
      _mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\f')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
  return _mm_or_si128(space, others);
}
#endif

// White space between attributes ('\r' counts: the input stream turns it
// into '\n' before tokenizing).
constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r';
}

struct tag_name_end {  // white space, '/', '>'
  static bool contains(char c) noexcept { return is_space(c) || c == '/' || c == '>'; }
#ifdef CLICKREF_HTML_SSE2
  static __m128i matches(__m128i v) noexcept {
    return _mm_or_si128(space_bytes(v), _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')),
                                                     _mm_cmpeq_epi8(v, _mm_set1_epi8('>'))));
  }
#endif
};

struct attribute_name_end {  // white space, '/', '=', '>'
  static bool contains(char c) noexcept { return c == '=' || tag_name_end::contains(c); }
#ifdef CLICKREF_HTML_SSE2
  static __m128i matches(__m128i v) noexcept {
    return _mm_or_si128(tag_name_end::matches(v), _mm_cmpeq_epi8(v, _mm_set1_epi8('=')));
  }
#endif
};

struct unquoted_value_end {  // white space, '>'
  static bool contains(char c) noexcept { return is_space(c) || c == '>'; }
#ifdef CLICKREF_HTML_SSE2
  static __m128i matches(__m128i v) noexcept {
    return _mm_or_si128(space_bytes(v), _mm_cmpeq_epi8(v, _mm_set1_epi8('>')));
  }
#endif
};

template <char A, char B>
struct either_byte {
  static bool contains(char c) noexcept { return c == A || c == B; }
#ifdef CLICKREF_HTML_SSE2
  static __m128i matches(__m128i v) noexcept {
    return _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(A)), _mm_cmpeq_epi8(v, _mm_set1_epi8(B)));
  }
#endif
};

// The first byte of [p, end) in Set, or end.
template <class Set>
CLICKREF_HTML_INLINE const char* find_first(const char* p, const char* end) noexcept {
#ifdef CLICKREF_HTML_SSE2
  for (; end - p >= 16; p += 16) {
    const auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(Set::matches(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))));
    if (mask != 0) return p + __builtin_ctz(mask);
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
