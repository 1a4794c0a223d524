// Rewriting the href of <a> and the client-reference-id of Stripe's
// elements inside one start tag.
#include "html_link_tag.hpp"

#include "html_attributes.hpp"
#include "html_scan.hpp"

#include <utility>

namespace clickref::detail::html {

namespace {

constexpr std::string_view kReferenceAttribute = "client-reference-id";

// Whether `value` cannot be written as an unquoted attribute value: it would
// be empty or end early (white space, '>'), or hold a quote, '<' or '`',
// which the tokenizer reads as a parse error there (and a quote in front as
// the start of a quoted value). '=' stays unquoted: every query has one.
bool needs_quotes(std::string_view value) noexcept {
  if (value.empty()) return true;
  for (char c : value) {
    if (is_space(c) || c == '>' || c == '"' || c == '\'' || c == '<' || c == '`') return true;
  }
  return false;
}

// Appends `value` as the text of an attribute value quoted with `quote`
// ('"', '\'', or 0 for unquoted), so that the DOM reads back `value`: '&'
// becomes "&amp;" (no reference can form), the quote its reference. An
// unquoted value that cannot stay unquoted gets double quotes.
void append_attribute_value(std::string& out, std::string_view value, char quote) {
  const bool add_quotes = quote == 0 && needs_quotes(value);
  if (add_quotes) {
    quote = '"';
    out.push_back('"');
  }
  const char* p = value.data();
  const char* end = p + value.size();
  for (;;) {
    // '&' twice when unquoted: there is no quote to escape.
    const char* special = quote == '"'    ? find_first<either_byte<'&', '"'>>(p, end)
                          : quote == '\'' ? find_first<either_byte<'&', '\''>>(p, end)
                                          : find_first<either_byte<'&', '&'>>(p, end);
    out.append(p, static_cast<size_t>(special - p));
    if (special == end) break;
    out.append(*special == '&' ? "&amp;" : *special == '"' ? "&quot;" : "&#39;");
    p = special + 1;
  }
  if (add_quotes) out.push_back('"');
}

void append_double_quoted(std::string& out, std::string_view value) {
  out.push_back('"');
  append_attribute_value(out, value, '"');
  out.push_back('"');
}

size_t offset_in(std::string_view tag, std::string_view part) noexcept {
  return static_cast<size_t>(part.data() - tag.data());
}

// Where the tag name ends: the attribute is added right after it, before
// anything an unquoted value could swallow (a "/" before the '>').
size_t name_end_offset(std::string_view tag) noexcept {
  return static_cast<size_t>(find_first<tag_name_end>(tag.data() + 1, tag.data() + tag.size()) - tag.data());
}

}  // namespace

link_tag_rewriter::link_tag_rewriter(std::string click_id, link_options options)
    : click_id_(std::move(click_id)), options_(std::move(options)) {}

bool link_tag_rewriter::rewrite(std::string_view tag, link_element kind, tag_edit& edit) {
  switch (kind) {
    case link_element::anchor:
      return rewrite_anchor(tag, edit);
    case link_element::stripe:
      return rewrite_stripe_element(tag, edit);
    case link_element::none:
      break;
  }
  return false;
}

bool link_tag_rewriter::rewrite_anchor(std::string_view tag, tag_edit& edit) {
  // A payment link has a ':' after its scheme, written as it is or as a
  // reference; a tag with neither ':' nor '&' has none (most links are
  // relative), and is not read further.
  const char* end = tag.data() + tag.size();
  if (find_first<either_byte<':', '&'>>(tag.data(), end) == end) return false;
  const auto href = find_attribute(tag, "href");
  if (!href || !href->has_value) return false;
  const std::string_view url = decoded_value(*href, decoded_);
  if (!is_payment_link(url, options_)) return false;
  rewritten_.clear();
  bool changed = false;
  // A payment link a browser would refuse (CLICKREF_E_INVALID_URL) is left
  // as it is: malformed HTML is never an error.
  if (rewrite_url(url, click_id_, options_, rewritten_, &changed) != CLICKREF_OK || !changed) return false;
  edit.begin = offset_in(tag, href->value);
  edit.end = edit.begin + href->value.size();
  edit.text.clear();
  append_attribute_value(edit.text, rewritten_, href->quote);
  return true;
}

bool link_tag_rewriter::rewrite_stripe_element(std::string_view tag, tag_edit& edit) {
  edit.text.clear();
  const auto reference = find_attribute(tag, kReferenceAttribute);
  if (!reference) {  // add it
    edit.begin = edit.end = name_end_offset(tag);
    edit.text.append(" ").append(kReferenceAttribute).append("=");
    append_double_quoted(edit.text, click_id_);
    return true;
  }
  if (!reference->has_value) {  // "client-reference-id" alone: give it a value
    edit.begin = edit.end = offset_in(tag, reference->name) + reference->name.size();
    edit.text.append("=");
    append_double_quoted(edit.text, click_id_);
    return true;
  }
  if (decoded_value(*reference, decoded_) == click_id_) return false;
  edit.begin = offset_in(tag, reference->value);
  edit.end = edit.begin + reference->value.size();
  append_attribute_value(edit.text, click_id_, reference->quote);
  return true;
}

}  // namespace clickref::detail::html
