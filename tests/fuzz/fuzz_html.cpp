// The HTML rewriter, as a differential target.
// Input: one byte that seeds the chunk sizes, then the document.
// Invariants: the streaming rewriter fed random chunks writes exactly what
// the one-shot call writes, and counts the same links; a document with no
// rewrite counted comes back byte for byte, and one in which no payment link
// or Stripe element can hide has none counted.
#include "fuzz_support.hpp"

#include <algorithm>
#include <cctype>

namespace {

using namespace clickref::fuzz;

constexpr std::string_view kId = "fuzz_Click-42";

clickref_status append_to_string(void* user, const char* data, size_t len) {
  static_cast<std::string*>(user)->append(data, len);
  return CLICKREF_OK;
}

// Small chunk sizes, different for every seed: boundaries land inside tags,
// attribute values, entities and end tags.
class chunk_sizes {
 public:
  explicit chunk_sizes(uint8_t seed) : state_(0x9E3779B97F4A7C15u * (seed + 1u)), max_(1u + seed % 67u) {}
  size_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return 1 + static_cast<size_t>(state_ % max_);
  }

 private:
  uint64_t state_;
  uint64_t max_;
};

// Whether the document could hold a payment link or a Stripe element:
// "stripe" in any case, also once the tabs and newlines a URL parser drops
// are gone, or an entity or %-escape that could spell it.
bool may_hold_a_link(std::string_view html) {
  if (html.find_first_of("&%") != std::string_view::npos) return true;
  std::string folded;
  for (char c : html) {
    if (c != '\t' && c != '\n' && c != '\r')
      folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return folded.find("stripe") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view html = as_view(data + 1, size - 1);

  size_t one_shot_count = 0;
  clickref_link_options options = CLICKREF_LINK_OPTIONS_INIT;
  options.rewritten = &one_shot_count;
  std::string one_shot;
  FUZZ_CHECK(write_both_ways(
                 [&](char* out, size_t cap, size_t* out_len) {
                   one_shot_count = 0;
                   return clickref_rewrite_html(html.data(), html.size(), kId.data(), kId.size(), &options,
                                                out, cap, out_len);
                 },
                 one_shot) == CLICKREF_OK);

  size_t streamed_count = 0;
  options.rewritten = &streamed_count;
  std::string streamed;
  clickref_html_rewriter* rw = nullptr;
  FUZZ_CHECK(clickref_html_rewriter_new(kId.data(), kId.size(), &options, append_to_string, &streamed, &rw) ==
             CLICKREF_OK);
  chunk_sizes sizes(data[0]);
  for (size_t at = 0; at < html.size();) {
    const size_t n = std::min(sizes.next(), html.size() - at);
    FUZZ_CHECK(clickref_html_rewriter_write(rw, html.data() + at, n) == CLICKREF_OK);
    at += n;
  }
  FUZZ_CHECK(clickref_html_rewriter_finish(rw) == CLICKREF_OK);
  FUZZ_CHECK(clickref_html_rewriter_write(rw, "x", 1) == CLICKREF_E_INVALID_ARGUMENT);
  clickref_html_rewriter_free(rw);

  FUZZ_CHECK(streamed == one_shot);
  FUZZ_CHECK(streamed_count == one_shot_count);
  // Only a counted rewrite changes bytes, and only a link can be counted.
  if (one_shot_count == 0) FUZZ_CHECK(one_shot == html);
  if (!may_hold_a_link(html)) FUZZ_CHECK(one_shot_count == 0);
  return 0;
}
