// The tree builder's rules for foreign content and raw text elements, over
// the stack of open elements that the model keeps (see the header).
#include "html_tree_model.hpp"

#include "html_attributes.hpp"

#include <algorithm>
#include <iterator>
#include <string>

namespace clickref::detail::html {

namespace {

template <size_t N>
bool is_one_of(const tag_name& name, const std::string_view (&names)[N]) noexcept {
  return std::any_of(std::begin(names), std::end(names), [&](std::string_view n) { return name.is(n); });
}

// Start tags that leave foreign content ("parsing tokens in foreign content").
constexpr std::string_view kBreakOut[] = {
    "b",     "big",   "blockquote", "body",   "br",   "center", "code",  "dd", "div",  "dl",   "dt",
    "em",    "embed", "h1",         "h2",     "h3",   "h4",     "h5",    "h6", "head", "hr",   "i",
    "img",   "li",    "listing",    "menu",   "meta", "nobr",   "ol",    "p",  "pre",  "ruby", "s",
    "small", "span",  "strong",     "strike", "sub",  "sup",    "table", "tt", "u",    "ul",   "var"};

// HTML elements without content: their start tags open nothing.
constexpr std::string_view kVoid[] = {"area",  "base",  "basefont", "bgsound", "br",    "col",    "embed",
                                      "frame", "hr",    "image",    "img",     "input", "keygen", "link",
                                      "meta",  "param", "source",   "track",   "wbr"};

// The "special" HTML elements: an end tag that meets one while looking for
// its element is ignored.
constexpr std::string_view kSpecialHtml[] = {
    "address",    "applet",   "area",   "article", "aside",     "base",     "basefont", "bgsound",
    "blockquote", "body",     "br",     "button",  "caption",   "center",   "col",      "colgroup",
    "dd",         "details",  "dir",    "div",     "dl",        "dt",       "embed",    "fieldset",
    "figcaption", "figure",   "footer", "form",    "frame",     "frameset", "h1",       "h2",
    "h3",         "h4",       "h5",     "h6",      "head",      "header",   "hgroup",   "hr",
    "html",       "iframe",   "img",    "input",   "keygen",    "li",       "link",     "listing",
    "main",       "marquee",  "menu",   "meta",    "nav",       "noembed",  "noframes", "noscript",
    "object",     "ol",       "p",      "param",   "plaintext", "pre",      "script",   "search",
    "section",    "select",   "source", "style",   "summary",   "table",    "tbody",    "td",
    "template",   "textarea", "tfoot",  "th",      "thead",     "title",    "tr",       "track",
    "ul",         "wbr",      "xmp"};

// Start tags that close an open <p> ("in body").
constexpr std::string_view kClosesP[] = {
    "address",   "article",    "aside",  "blockquote", "center",  "details", "dialog", "dir", "div", "dl",
    "fieldset",  "figcaption", "figure", "footer",     "form",    "h1",      "h2",     "h3",  "h4",  "h5",
    "h6",        "header",     "hgroup", "hr",         "listing", "main",    "menu",   "nav", "ol",  "p",
    "plaintext", "pre",        "search", "section",    "summary", "table",   "ul"};

constexpr std::string_view kSvgHtmlIntegrationPoints[] = {"foreignobject", "desc", "title"};
constexpr std::string_view kMathmlTextIntegrationPoints[] = {"mi", "mo", "mn", "ms", "mtext"};

text_kind raw_text_kind(const tag_name& name) noexcept {
  switch (name.size()) {
    case 3:
      return name.is("xmp") ? text_kind::raw_text : text_kind::markup;
    case 5:
      return name.is("style") || name.is("title") ? text_kind::raw_text : text_kind::markup;
    case 6:
      if (name.is("script")) return text_kind::script_data;
      return name.is("iframe") ? text_kind::raw_text : text_kind::markup;
    case 7:
      return name.is("noembed") ? text_kind::raw_text : text_kind::markup;
    case 8:
      return name.is("noframes") || name.is("textarea") ? text_kind::raw_text : text_kind::markup;
    case 9:
      return name.is("plaintext") ? text_kind::plaintext : text_kind::markup;
    default:
      return text_kind::markup;
  }
}

bool equals_ignoring_case(std::string_view a, std::string_view lower) noexcept {
  return a.size() == lower.size() &&
         std::equal(a.begin(), a.end(), lower.begin(), [](char x, char y) { return ascii_lower(x) == y; });
}

// <font> leaves foreign content only with one of these attributes.
bool font_breaks_out(std::string_view tag) noexcept {
  return find_attribute(tag, "color") || find_attribute(tag, "face") || find_attribute(tag, "size");
}

bool annotation_xml_holds_html(std::string_view tag) {
  const auto encoding = find_attribute(tag, "encoding");
  if (!encoding) return false;
  std::string scratch;
  const std::string_view value = decoded_value(*encoding, scratch);
  return equals_ignoring_case(value, "text/html") || equals_ignoring_case(value, "application/xhtml+xml");
}

}  // namespace

bool tree_model::needs_attributes(const tag_name& name) const noexcept {
  return !stack_.empty() && (name.is("font") || name.is("annotation-xml"));
}

text_kind tree_model::process_start_tag(const tag_name& name, bool self_closing, std::string_view tag) {
  if (start_tag_is_html(name)) return html_start_tag(name, self_closing);
  if (is_one_of(name, kBreakOut) || (name.is("font") && font_breaks_out(tag))) {
    pop_to_html_or_integration_point();
    return html_start_tag(name, self_closing);
  }
  if (self_closing) return text_kind::markup;  // acknowledged in foreign content
  element e;
  e.name = name;
  e.space = stack_.back().space;
  if (e.space == ns::svg) {
    e.html_integration_point = is_one_of(name, kSvgHtmlIntegrationPoints);
  } else {
    e.mathml_text_integration_point = is_one_of(name, kMathmlTextIntegrationPoints);
    e.html_integration_point = name.is("annotation-xml") && annotation_xml_holds_html(tag);
  }
  push(e);
  return text_kind::markup;
}

void tree_model::process_end_tag(const tag_name& name) {
  if (overflow_ > 0) {
    --overflow_;
    return;
  }
  if (stack_.back().space == ns::html) {
    html_end_tag(name);
    return;
  }
  if (name.is("br") || name.is("p")) {
    pop_to_html_or_integration_point();
    html_end_tag(name);
    return;
  }
  // "Any other end tag" in foreign content: the nearest foreign element of
  // that name closes, unless an HTML element comes first.
  for (size_t i = stack_.size(); i-- > 0;) {
    if (stack_[i].name == name) {
      stack_.resize(i);
      return;
    }
    if (i == 0 || stack_[i - 1].space == ns::html) {
      html_end_tag(name);
      return;
    }
  }
}

bool tree_model::start_tag_is_html(const tag_name& name) const noexcept {
  if (stack_.empty()) return true;
  const element& top = stack_.back();
  if (top.space == ns::html || top.html_integration_point) return true;
  if (top.mathml_text_integration_point) return !name.is("mglyph") && !name.is("malignmark");
  return top.space == ns::mathml && top.name.is("annotation-xml") && name.is("svg");
}

text_kind tree_model::html_start_tag(const tag_name& name, bool self_closing) {
  if (name.is("svg") || name.is("math")) {
    if (!self_closing) {
      element e;
      e.name = name;
      e.space = name.is("svg") ? ns::svg : ns::mathml;
      push(e);
    }
    return text_kind::markup;
  }
  const text_kind kind = raw_text_kind(name);
  // Outside foreign content nothing else matters; inside an integration
  // point the HTML elements are kept, so that their end tags and the CDATA
  // rule see them.
  if (kind != text_kind::markup || stack_.empty()) return kind;
  if (is_one_of(name, kClosesP)) {
    for (size_t i = stack_.size(); i-- > 0 && stack_[i].space == ns::html;) {
      if (stack_[i].name.is("p")) {
        stack_.resize(i);
        break;
      }
    }
  }
  if (!is_one_of(name, kVoid) && !name.is("html") && !name.is("head") && !name.is("body")) {
    element e;
    e.name = name;
    push(e);
  }
  return text_kind::markup;
}

// "Any other end tag" in body: closes the nearest HTML element of that name,
// unless a special element comes first.
void tree_model::html_end_tag(const tag_name& name) {
  for (size_t i = stack_.size(); i-- > 0;) {
    const element& e = stack_[i];
    if (e.space == ns::html && e.name == name) {
      stack_.resize(i);
      return;
    }
    const bool special = e.space == ns::html ? is_one_of(e.name, kSpecialHtml)
                         : e.space == ns::svg
                             ? e.html_integration_point
                             : e.mathml_text_integration_point || e.name.is("annotation-xml");
    if (special) return;
  }
  // Nothing the model holds stops it: it closes an HTML element around the
  // foreign content (</body> and </html> close nothing, </br> is a <br>).
  if (!name.is("br") && !name.is("body") && !name.is("html")) stack_.clear();
}

void tree_model::pop_to_html_or_integration_point() noexcept {
  overflow_ = 0;
  while (!stack_.empty()) {
    const element& top = stack_.back();
    if (top.space == ns::html || top.html_integration_point || top.mathml_text_integration_point) return;
    stack_.pop_back();
  }
}

void tree_model::push(const element& e) {
  if (stack_.size() >= kMaxDepth) {
    ++overflow_;
    return;
  }
  stack_.push_back(e);
}

}  // namespace clickref::detail::html
