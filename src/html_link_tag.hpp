// What a start tag of <a>, <stripe-buy-button> or <stripe-pricing-table>
// becomes: the one attribute edit the rewriter makes.
#pragma once

#include "html_tag_lexer.hpp"

#include <clickref/url.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace clickref::detail::html {

enum class link_element : unsigned char {
  none,
  anchor,  // <a>: its href
  stripe,  // <stripe-buy-button>, <stripe-pricing-table>: client-reference-id
};

// Which of the elements above a start tag of that name opens.
inline link_element link_element_of(const tag_name& name) noexcept {
  if (name.is("a")) return link_element::anchor;
  if (name.is("stripe-buy-button") || name.is("stripe-pricing-table")) return link_element::stripe;
  return link_element::none;
}

// The longest name link_element_of recognises ("stripe-pricing-table").
inline constexpr size_t kLongestLinkElementName = 20;

// A change to a tag: its bytes [begin, end) are replaced by `text`.
struct tag_edit {
  size_t begin = 0;
  size_t end = 0;
  std::string text;
};

class link_tag_rewriter {
 public:
  // `click_id` must satisfy click_id_valid.
  link_tag_rewriter(std::string click_id, link_options options);

  // Whether the start tag `tag` (complete, from '<' through '>') of an
  // element of that kind changes; if so, `edit` says how.
  bool rewrite(std::string_view tag, link_element kind, tag_edit& edit);

 private:
  bool rewrite_anchor(std::string_view tag, tag_edit& edit);
  bool rewrite_stripe_element(std::string_view tag, tag_edit& edit);

  std::string click_id_;
  link_options options_;
  std::string decoded_;    // an href with references decoded
  std::string rewritten_;  // what rewrite_url made of it
};

}  // namespace clickref::detail::html
