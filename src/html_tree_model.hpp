// Just enough of the WHATWG tree builder to tokenize as a browser does.
//
// The tree builder steers the tokenizer in two ways that decide whether a
// "<a href>" is a tag at all: a start tag of a raw text or RCDATA element
// (script, style, title, textarea, …) switches the tokenizer to read text up
// to the matching end tag, and "<![CDATA[" opens a CDATA section only inside
// SVG or MathML. Neither happens inside foreign content (svg, math) except at
// its integration points (foreignObject, desc, title, mi, …), so the model
// keeps a stack of the open foreign elements and of the HTML elements opened
// inside their integration points, and applies the spec's rules for entering
// and leaving foreign content: self-closing tags, the tags that break out
// (<p>, <div>, <font color>, …), end tags closing the nearest element of
// that name, and the integration points.
//
// What it does not model: HTML elements outside foreign content (it assumes
// an end tag that closes no open foreign element closes an HTML ancestor of
// the <svg>, and leaves foreign content), the "in select", "in frameset" and
// fragment insertion modes, and the scripting flag (it parses <noscript> as
// browsers do with scripting off, whose markup a server wants rewritten).
// Foreign nesting deeper than kMaxDepth is counted, not remembered.
#pragma once

#include "html_tag_lexer.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace clickref::detail::html {

// How the tokenizer reads what follows a start tag.
enum class text_kind : unsigned char {
  markup,       // tags, comments, text
  raw_text,     // RAWTEXT and RCDATA: text up to the matching end tag
  script_data,  // like raw_text, with the "<!--" escapes of script
  plaintext,    // text to the end of the document
};

class tree_model {
 public:
  static constexpr size_t kMaxDepth = 256;

  // Whether "<![CDATA[" opens a CDATA section (the current node is not an
  // HTML element) rather than a bogus comment.
  bool cdata_allowed() const noexcept { return !stack_.empty() && stack_.back().space != ns::html; }

  // Whether start_tag needs the attributes of a start tag named `name`: the
  // presentational attributes of <font> and the encoding of
  // <annotation-xml> matter inside foreign content.
  bool needs_attributes(const tag_name& name) const noexcept;

  // A start tag. `tag` is its text from '<' to '>' when needs_attributes()
  // asked for it and it was not too long to keep, else empty (read as a tag
  // without attributes). Returns how the tokenizer reads what follows.
  text_kind start_tag(const tag_name& name, bool self_closing, std::string_view tag) {
    // Outside foreign content only svg, math and the raw text elements
    // matter; this runs for every tag, so most names leave here.
    if (stack_.empty() && !may_change_mode(name)) return text_kind::markup;
    return process_start_tag(name, self_closing, tag);
  }

  void end_tag(const tag_name& name) {
    if (!stack_.empty()) process_end_tag(name);
  }

 private:
  enum class ns : unsigned char { html, svg, mathml };
  struct element {
    tag_name name;
    ns space = ns::html;
    bool html_integration_point = false;         // foreignObject, desc, title, annotation-xml (HTML)
    bool mathml_text_integration_point = false;  // mi, mo, mn, ms, mtext
  };

  // Whether the name could be svg, math or a raw text element, judged by
  // its length and first letter.
  static bool may_change_mode(const tag_name& name) noexcept {
    if (name.size() < 3 || name.size() > 9) return false;
    const char first = name.stored()[0];
    switch (name.size()) {
      case 3:
        return first == 's' || first == 'x';  // svg, xmp
      case 4:
        return first == 'm';  // math
      case 5:
        return first == 's' || first == 't';  // style, title
      case 6:
        return first == 's' || first == 'i';  // script, iframe
      case 7:
        return first == 'n';  // noembed
      case 8:
        return first == 'n' || first == 't';  // noframes, textarea
      default:
        return first == 'p';  // plaintext
    }
  }

  text_kind process_start_tag(const tag_name& name, bool self_closing, std::string_view tag);
  void process_end_tag(const tag_name& name);
  bool start_tag_is_html(const tag_name& name) const noexcept;
  text_kind html_start_tag(const tag_name& name, bool self_closing);
  void html_end_tag(const tag_name& name);
  void pop_to_html_or_integration_point() noexcept;
  void push(const element& e);

  std::vector<element> stack_;
  size_t overflow_ = 0;  // pushes beyond kMaxDepth not remembered
};

}  // namespace clickref::detail::html
