// Parsing the Stripe-Signature header: "t=<unix>,v1=<hex>[,v1=…][,v0=…]".
#pragma once

#include "hmac_sha256.hpp"

#include <clickref/status.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace clickref::detail {

struct signature_header {
  std::string_view timestamp_text;  // the digits of t, exactly as signed
  int64_t timestamp = 0;
  std::string_view items;           // the whole header, for for_each_v1
};

// Validates the header: not empty, exactly one t of 1-19 decimal digits that
// fits int64, at least one v1. On failure `error_offset` is where in the
// header the problem is.
status parse_signature_header(std::string_view header, signature_header& out, size_t& error_offset);

// Calls `visit` with each item of the header as (key, value, offset of the
// item). Items are separated by ','; white space around an item, its key and
// its value is ignored; an item splits on its first '=' only (an item
// without '=' has an empty value).
template <class Visit>
void for_each_item(std::string_view header, Visit&& visit) {
  auto is_ows = [](char c) { return c == ' ' || c == '\t'; };
  auto trim = [&](std::string_view s) {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
  };
  size_t start = 0;
  while (start <= header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(start, end - start);
    size_t eq = item.find('=');
    std::string_view key = trim(item.substr(0, eq));
    std::string_view value = eq == std::string_view::npos ? std::string_view() : trim(item.substr(eq + 1));
    if (!key.empty() || !value.empty()) visit(key, value, start);
    start = end + 1;
  }
}

// Decodes a v1 value: exactly 64 hex digits (either case) into 32 bytes.
bool decode_v1(std::string_view hex, sha256_digest& out) noexcept;

// Calls `visit(digest)` for every v1 item that decodes; other v1 values can
// never match and are skipped.
template <class Visit>
void for_each_v1(const signature_header& header, Visit&& visit) {
  for_each_item(header.items, [&](std::string_view key, std::string_view value, size_t) {
    sha256_digest candidate;
    if (key == "v1" && decode_v1(value, candidate)) visit(candidate);
  });
}

}  // namespace clickref::detail
