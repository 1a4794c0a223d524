// The streaming HTML rewriter: the WHATWG tokenizer's states, resumable at
// any byte, over chunks that are passed to the sink in bulk.
//
// Text is skipped 16 bytes at a time, then with memchr, to the next '<' (or
// the byte that can end a comment, CDATA section or raw text). Every tag is lexed to find its '>'
// (a '>' inside a quoted value does not end it), but only the start tags
// whose attributes matter — <a>, Stripe's elements, and <font> and
// <annotation-xml> inside foreign content — are kept whole and read again
// for their attributes. Nothing is copied except such a tag when a chunk
// ends inside it: everything else goes to the sink straight from the
// caller's chunk, as one span from the last edit to the chunk's end.
#include <clickref/click_id.hpp>
#include <clickref/html.hpp>

#include "html_link_tag.hpp"
#include "html_scan.hpp"
#include "html_tag_lexer.hpp"
#include "html_tree_model.hpp"

#include <utility>

namespace clickref {

using namespace detail::html;

namespace {

// The tokenizer states that matter for where tags are. Comments, DOCTYPEs
// and bogus comments differ only in what ends them; RCDATA reads like
// RAWTEXT here, because character references in text change no tag.
enum class mode : unsigned char {
  data,
  tag_open,      // after '<'
  end_tag_open,  // after "</"
  tag,           // in a tag, after its first name character (tag_lexer)
  markup_open,   // after "<!"
  markup_dash,   // after "<!-"
  markup_cdata,  // after part of "<![CDATA["
  comment_start,
  comment_start_dash,
  comment,
  comment_end_dash,
  comment_end,
  comment_end_bang,
  bogus_comment,  // also DOCTYPE: both end at the next '>'
  cdata,
  cdata_bracket,
  cdata_end,
  raw_text,  // RAWTEXT and RCDATA
  raw_text_lt,
  raw_text_end_open,
  raw_text_end_name,
  script,
  script_lt,
  script_end_open,
  script_end_name,
  script_escape_start,
  script_escape_start_dash,
  script_escaped,
  script_escaped_dash,
  script_escaped_dash_dash,
  script_escaped_lt,
  script_escaped_end_open,
  script_escaped_end_name,
  script_double_escape_start,
  script_double_escaped,
  script_double_escaped_dash,
  script_double_escaped_dash_dash,
  script_double_escaped_lt,
  script_double_escape_end,
  plaintext,
};

constexpr std::string_view kCdataOpen = "[CDATA[";
constexpr std::string_view kScript = "script";

}  // namespace

class html_rewriter::impl {
 public:
  impl(std::string click_id, link_options options, html_sink sink)
      : sink_(std::move(sink)), links_(std::move(click_id), std::move(options)) {}

  status write(const char* data, size_t len);
  status finish();
  size_t rewritten() const noexcept { return rewritten_; }

 private:
  void run(const char* p, const char* end);
  const char* step(const char* p, const char* end);
  const char* scan_data(const char* p, const char* end);
  const char* match_end_tag_name(const char* p, const char* end, mode otherwise);
  const char* match_script_word(const char* p, const char* end, mode if_script, mode otherwise);

  const char* lex_tag(const char* p, const char* end);
  void begin_tag(bool end_tag) noexcept;
  void complete_tag(const char* after);
  bool wants_attributes(const tag_name& name) const noexcept;
  bool holds_tag() const noexcept;
  std::string_view whole_tag(const char* after);
  void keep(const char* begin, const char* end);
  void release_kept_tag() {
    if (keeping_) emit_kept_tag();
  }
  void emit_kept_tag();

  void emit(const char* begin, const char* end) {
    emit(std::string_view(begin, static_cast<size_t>(end - begin)));
  }
  void emit(std::string_view bytes);

  html_sink sink_;
  link_tag_rewriter links_;
  tree_model tree_;
  tag_lexer lexer_;
  tag_edit edit_;

  mode mode_ = mode::data;
  bool end_tag_ = false;    // the tag being lexed is an end tag
  tag_name text_end_name_;  // the element whose end tag ends raw text / script
  size_t matched_ = 0;      // bytes matched of "[CDATA[", text_end_name_ or "script"

  // The bytes of the start tag being lexed: [tag_start_, …) of the current
  // chunk, or kept_ when it began in an earlier one (keeping_).
  const char* tag_start_ = nullptr;
  std::string kept_;
  bool keeping_ = false;
  bool oversized_ = false;  // longer than kMaxTagBytes: copied unchanged

  const char* chunk_begin_ = nullptr;
  const char* pending_ = nullptr;  // first byte of the chunk not yet emitted

  status error_ = CLICKREF_OK;
  bool finished_ = false;
  size_t rewritten_ = 0;
};

status html_rewriter::impl::write(const char* data, size_t len) {
  if (finished_) return CLICKREF_E_INVALID_ARGUMENT;
  if (error_ != CLICKREF_OK || len == 0) return error_;
  const char* end = data + len;
  chunk_begin_ = pending_ = data;
  run(data, end);
  if (error_ != CLICKREF_OK) return error_;
  // The chunk's bytes go out now, except a tag that may still change.
  if (holds_tag()) {
    const char* from = keeping_ ? chunk_begin_ : tag_start_;
    emit(pending_, from);
    pending_ = from;
    keep(from, end);
  } else {
    release_kept_tag();
    emit(pending_, end);
  }
  return error_;
}

status html_rewriter::impl::finish() {
  if (finished_) return CLICKREF_E_INVALID_ARGUMENT;
  if (error_ != CLICKREF_OK) return error_;
  finished_ = true;
  release_kept_tag();  // a tag cut off by the end of the document is text as written
  return error_;
}

void html_rewriter::impl::run(const char* p, const char* end) {
  while (p < end && error_ == CLICKREF_OK) p = step(p, end);
}

// Consumes at least one byte from [p, end) (or all of it) and returns where
// it stopped.
const char* html_rewriter::impl::step(const char* p, const char* end) {
  const char c = *p;
  switch (mode_) {
    case mode::data:
      return scan_data(p, end);
    case mode::tag_open:
      if (is_ascii_alpha(c)) {
        begin_tag(false);
        return p;
      }
      release_kept_tag();  // the '<' was held in case it opened an <a>
      if (c == '!') {
        mode_ = mode::markup_open;
        return p + 1;
      }
      if (c == '/') {
        mode_ = mode::end_tag_open;
        return p + 1;
      }
      mode_ = c == '?' ? mode::bogus_comment : mode::data;
      return p;
    case mode::end_tag_open:
      if (is_ascii_alpha(c)) {
        begin_tag(true);
        return p;
      }
      if (c == '>') {  // "</>" is dropped
        mode_ = mode::data;
        return p + 1;
      }
      mode_ = mode::bogus_comment;  // "</ x>"
      return p;
    case mode::tag:
      return lex_tag(p, end);

    case mode::markup_open:
      if (c == '-') {
        mode_ = mode::markup_dash;
        return p + 1;
      }
      if (c == '[' && tree_.cdata_allowed()) {
        mode_ = mode::markup_cdata;
        matched_ = 1;
        return p + 1;
      }
      mode_ = mode::bogus_comment;  // "<!x", "<!DOCTYPE", "<![CDATA[" in HTML
      return p;
    case mode::markup_dash:
      mode_ = c == '-' ? mode::comment_start : mode::bogus_comment;
      return c == '-' ? p + 1 : p;
    case mode::markup_cdata:
      if (c != kCdataOpen[matched_]) {
        mode_ = mode::bogus_comment;
        return p;
      }
      if (++matched_ == kCdataOpen.size()) mode_ = mode::cdata;
      return p + 1;

    case mode::comment_start:
    case mode::comment_start_dash:
      if (c == '>') {  // "<!-->", "<!--->"
        mode_ = mode::data;
        return p + 1;
      }
      if (c != '-') {
        mode_ = mode::comment;
        return p;
      }
      mode_ = mode_ == mode::comment_start ? mode::comment_start_dash : mode::comment_end;
      return p + 1;
    case mode::comment: {
      // Only "--" can lead to the end; "<!--" inside changes nothing.
      const char* dash = find_byte(p, end, '-');
      if (dash == end) return end;
      if (end - dash > 2 && dash[1] == '-' && dash[2] == '>') {  // "-->", the usual end
        mode_ = mode::data;
        return dash + 3;
      }
      mode_ = mode::comment_end_dash;
      return dash + 1;
    }
    case mode::comment_end_dash:
      if (c == '-') {
        mode_ = mode::comment_end;
        return p + 1;
      }
      mode_ = mode::comment;
      return p;
    case mode::comment_end:
      if (c == '>') {
        mode_ = mode::data;
      } else if (c == '!') {
        mode_ = mode::comment_end_bang;
      } else if (c != '-') {
        mode_ = mode::comment;
        return p;
      }
      return p + 1;
    case mode::comment_end_bang:
      if (c == '-') {
        mode_ = mode::comment_end_dash;
      } else if (c == '>') {
        mode_ = mode::data;
      } else {
        mode_ = mode::comment;
        return p;
      }
      return p + 1;
    case mode::bogus_comment: {
      const char* gt = find_byte(p, end, '>');
      if (gt == end) return end;
      mode_ = mode::data;
      return gt + 1;
    }

    case mode::cdata: {
      const char* bracket = find_byte(p, end, ']');
      if (bracket == end) return end;
      mode_ = mode::cdata_bracket;
      return bracket + 1;
    }
    case mode::cdata_bracket:
      mode_ = c == ']' ? mode::cdata_end : mode::cdata;
      return c == ']' ? p + 1 : p;
    case mode::cdata_end:
      if (c == ']') return p + 1;
      if (c == '>') {
        mode_ = mode::data;
        return p + 1;
      }
      mode_ = mode::cdata;
      return p;

    case mode::raw_text:
    case mode::script: {
      const char* lt = find_byte(p, end, '<');
      if (lt == end) return end;
      mode_ = mode_ == mode::raw_text ? mode::raw_text_lt : mode::script_lt;
      return lt + 1;
    }
    case mode::raw_text_lt:
      if (c == '/') {
        mode_ = mode::raw_text_end_open;
        return p + 1;
      }
      mode_ = mode::raw_text;
      return p;
    case mode::script_lt:
      if (c == '/') {
        mode_ = mode::script_end_open;
      } else if (c == '!') {
        mode_ = mode::script_escape_start;
      } else {
        mode_ = mode::script;
        return p;
      }
      return p + 1;
    case mode::raw_text_end_open:
    case mode::script_end_open:
    case mode::script_escaped_end_open: {
      const mode text = mode_ == mode::raw_text_end_open ? mode::raw_text
                        : mode_ == mode::script_end_open ? mode::script
                                                         : mode::script_escaped;
      if (!is_ascii_alpha(c)) {
        mode_ = text;
        return p;
      }
      matched_ = 0;
      mode_ = text == mode::raw_text ? mode::raw_text_end_name
              : text == mode::script ? mode::script_end_name
                                     : mode::script_escaped_end_name;
      return p;
    }
    case mode::raw_text_end_name:
      return match_end_tag_name(p, end, mode::raw_text);
    case mode::script_end_name:
      return match_end_tag_name(p, end, mode::script);
    case mode::script_escaped_end_name:
      return match_end_tag_name(p, end, mode::script_escaped);

    case mode::script_escape_start:
    case mode::script_escape_start_dash:
      if (c != '-') {
        mode_ = mode::script;
        return p;
      }
      mode_ = mode_ == mode::script_escape_start ? mode::script_escape_start_dash
                                                 : mode::script_escaped_dash_dash;
      return p + 1;
    case mode::script_escaped:
    case mode::script_double_escaped: {
      const bool escaped = mode_ == mode::script_escaped;
      const char* q = find_first<either_byte<'-', '<'>>(p, end);
      if (q == end) return end;
      if (*q == '-') {
        mode_ = escaped ? mode::script_escaped_dash : mode::script_double_escaped_dash;
      } else {
        mode_ = escaped ? mode::script_escaped_lt : mode::script_double_escaped_lt;
      }
      return q + 1;
    }
    case mode::script_escaped_dash:
    case mode::script_escaped_dash_dash:
    case mode::script_double_escaped_dash:
    case mode::script_double_escaped_dash_dash: {
      const bool escaped = mode_ == mode::script_escaped_dash || mode_ == mode::script_escaped_dash_dash;
      const bool dash_dash =
          mode_ == mode::script_escaped_dash_dash || mode_ == mode::script_double_escaped_dash_dash;
      if (c == '-') {
        mode_ = escaped ? mode::script_escaped_dash_dash : mode::script_double_escaped_dash_dash;
      } else if (c == '<') {
        mode_ = escaped ? mode::script_escaped_lt : mode::script_double_escaped_lt;
      } else if (c == '>' && dash_dash) {
        mode_ = mode::script;
      } else {
        mode_ = escaped ? mode::script_escaped : mode::script_double_escaped;
      }
      return p + 1;
    }
    case mode::script_escaped_lt:
      if (c == '/') {
        mode_ = mode::script_escaped_end_open;
        return p + 1;
      }
      if (is_ascii_alpha(c)) {
        matched_ = 0;
        mode_ = mode::script_double_escape_start;
      } else {
        mode_ = mode::script_escaped;
      }
      return p;
    case mode::script_double_escape_start:
      return match_script_word(p, end, mode::script_double_escaped, mode::script_escaped);
    case mode::script_double_escaped_lt:
      if (c == '/') {
        matched_ = 0;
        mode_ = mode::script_double_escape_end;
        return p + 1;
      }
      mode_ = mode::script_double_escaped;
      return p;
    case mode::script_double_escape_end:
      return match_script_word(p, end, mode::script_escaped, mode::script_double_escaped);

    case mode::plaintext:
      return end;
  }
  return end;
}

// The data state, with the tags and comments met in it, in one loop: most
// of a document is this, and a dispatch through step() per tag would cost
// more than the tag.
const char* html_rewriter::impl::scan_data(const char* p, const char* end) {
  while (error_ == CLICKREF_OK) {
    const char* lt = find_byte(p, end, '<');
    if (lt == end) return end;
    tag_start_ = lt;
    const auto ahead = end - lt;
    if (ahead > 2 && is_ascii_alpha(lt[1])) {
      begin_tag(false);
      p = lex_tag(lt + 1, end);
    } else if (ahead > 2 && lt[1] == '/' && is_ascii_alpha(lt[2])) {
      begin_tag(true);
      p = lex_tag(lt + 2, end);
    } else if (ahead > 4 && lt[1] == '!' && lt[2] == '-' && lt[3] == '-' && lt[4] != '-' && lt[4] != '>') {
      mode_ = mode::comment;  // "<!--", not one of the short forms "<!-->", "<!--->"
      p = lt + 4;
    } else {
      mode_ = mode::tag_open;
      return lt + 1;
    }
    if (mode_ != mode::data) return p;
  }
  return p;
}

// After "</" in raw text or script: only the element's own name, followed by
// white space, '/' or '>', makes an end tag; anything else is text.
const char* html_rewriter::impl::match_end_tag_name(const char* p, const char* end, mode otherwise) {
  const std::string_view name = text_end_name_.stored();
  for (; p < end; ++p) {
    const char c = *p;
    if (is_ascii_alpha(c)) {
      if (matched_ < name.size() && ascii_lower(c) == name[matched_]) {
        ++matched_;
        continue;
      }
      break;
    }
    if (matched_ < name.size() || !(is_space(c) || c == '/' || c == '>')) break;
    begin_tag(true);
    lexer_.name() = text_end_name_;
    if (c == '>') {
      complete_tag(p + 1);
    } else {
      lexer_.start_at(c == '/' ? tag_lexer::state::self_closing_start
                               : tag_lexer::state::before_attribute_name);
    }
    return p + 1;
  }
  if (p < end) mode_ = otherwise;
  return p;
}

// The script data double escape start and end states: a "script" word
// followed by white space, '/' or '>' switches to `if_script`.
const char* html_rewriter::impl::match_script_word(const char* p, const char* end, mode if_script,
                                                   mode otherwise) {
  for (; p < end; ++p) {
    const char c = *p;
    if (is_space(c) || c == '/' || c == '>') {
      mode_ = matched_ == kScript.size() ? if_script : otherwise;
      return p + 1;
    }
    if (!is_ascii_alpha(c) || matched_ == kScript.size() || ascii_lower(c) != kScript[matched_]) {
      mode_ = otherwise;
      return p;
    }
    ++matched_;
  }
  return p;
}

// Lexes the current tag on from p; returns where it ends, or `end`.
const char* html_rewriter::impl::lex_tag(const char* p, const char* end) {
  no_attribute_visitor none;
  const char* after = lexer_.lex(p, end, none);
  if (after == nullptr) return end;
  complete_tag(after);
  return after;
}

void html_rewriter::impl::begin_tag(bool end_tag) noexcept {
  end_tag_ = end_tag;
  oversized_ = false;
  lexer_.start();
  mode_ = mode::tag;
}

bool html_rewriter::impl::wants_attributes(const tag_name& name) const noexcept {
  return link_element_of(name) != link_element::none || tree_.needs_attributes(name);
}

// Whether the bytes of the current tag must be held back at the end of a
// chunk: it is a start tag whose name is (or may still become) one whose
// attributes matter.
bool html_rewriter::impl::holds_tag() const noexcept {
  if (mode_ == mode::tag_open) return true;
  if (mode_ != mode::tag || end_tag_ || oversized_) return false;
  if (lexer_.in_name()) return lexer_.name().size() <= kLongestLinkElementName;
  return wants_attributes(lexer_.name());
}

void html_rewriter::impl::complete_tag(const char* after) {
  const tag_name& name = lexer_.name();
  mode_ = mode::data;
  if (end_tag_) {
    release_kept_tag();
    tree_.end_tag(name);
    return;
  }
  std::string_view tag;
  if (wants_attributes(name)) {
    tag = whole_tag(after);
  } else {
    release_kept_tag();
  }
  const link_element link = link_element_of(name);

  const text_kind next = tree_.start_tag(name, lexer_.self_closing(), tag);

  if (link != link_element::none && !tag.empty() && links_.rewrite(tag, link, edit_)) {
    if (keeping_) {
      emit(tag.substr(0, edit_.begin));
    } else {
      emit(pending_, tag_start_ + edit_.begin);
      pending_ = tag_start_ + edit_.end;
    }
    emit(edit_.text);
    if (error_ == CLICKREF_OK) ++rewritten_;
    if (keeping_) emit(tag.substr(edit_.end));
  } else if (keeping_) {
    emit(kept_);
  }
  keeping_ = false;
  kept_.clear();

  switch (next) {
    case text_kind::markup:
      break;
    case text_kind::raw_text:
      text_end_name_ = name;
      mode_ = mode::raw_text;
      break;
    case text_kind::script_data:
      text_end_name_ = name;
      mode_ = mode::script;
      break;
    case text_kind::plaintext:
      mode_ = mode::plaintext;
      break;
  }
}

// The complete text of the start tag that ends just before `after`, or
// empty when it is longer than kMaxTagBytes. Moves the chunk's part into
// kept_ if the tag began in an earlier chunk.
std::string_view html_rewriter::impl::whole_tag(const char* after) {
  if (oversized_) return {};
  if (keeping_) {
    keep(chunk_begin_, after);
    return oversized_ ? std::string_view() : std::string_view(kept_);
  }
  const auto size = static_cast<size_t>(after - tag_start_);
  if (size > kMaxTagBytes) {
    oversized_ = true;
    return {};
  }
  return {tag_start_, size};
}

// Holds [begin, end), the next bytes of the current tag, which starts at
// `begin` or in kept_. A tag that outgrows kMaxTagBytes is let go unchanged.
// The caller has emitted everything before `begin`.
void html_rewriter::impl::keep(const char* begin, const char* end) {
  const auto size = static_cast<size_t>(end - begin);
  pending_ = end;
  if (kept_.size() + size > kMaxTagBytes) {
    release_kept_tag();
    emit(begin, end);
    oversized_ = true;
    return;
  }
  kept_.append(begin, size);
  keeping_ = true;
}

// Emits the held bytes of a tag that turned out not to matter.
void html_rewriter::impl::emit_kept_tag() {
  keeping_ = false;
  emit(kept_);
  kept_.clear();
}

void html_rewriter::impl::emit(std::string_view bytes) {
  if (bytes.empty() || error_ != CLICKREF_OK) return;
  error_ = sink_(bytes);
}

// ---------------------------------------------------------------- public API

result<html_rewriter> html_rewriter::create(std::string_view click_id, const link_options& options,
                                            html_sink sink) {
  if (!click_id_valid(click_id)) return CLICKREF_E_INVALID_CLICK_ID;
  if (!sink) return CLICKREF_E_INVALID_ARGUMENT;
  html_rewriter rewriter;
  rewriter.impl_ = std::make_unique<impl>(std::string(click_id), options, std::move(sink));
  return rewriter;
}

status html_rewriter::write(std::string_view chunk) {
  return impl_ ? impl_->write(chunk.data(), chunk.size()) : CLICKREF_E_INVALID_ARGUMENT;
}

status html_rewriter::finish() { return impl_ ? impl_->finish() : CLICKREF_E_INVALID_ARGUMENT; }

size_t html_rewriter::rewritten() const noexcept { return impl_ ? impl_->rewritten() : 0; }

html_rewriter::html_rewriter() noexcept = default;
html_rewriter::html_rewriter(html_rewriter&&) noexcept = default;
html_rewriter& html_rewriter::operator=(html_rewriter&&) noexcept = default;
html_rewriter::~html_rewriter() = default;

result<rewritten_html> rewrite_html(std::string_view html, std::string_view click_id,
                                    const link_options& options) {
  rewritten_html out;
  auto rewriter = html_rewriter::create(click_id, options, [&out](std::string_view bytes) {
    out.html.append(bytes);
    return CLICKREF_OK;
  });
  if (!rewriter) return rewriter.error();
  // Links grow by their client_reference_id; one reservation covers a few.
  out.html.reserve(html.size() + html.size() / 64 + 256);
  status s = rewriter->write(html);
  if (s == CLICKREF_OK) s = rewriter->finish();
  if (s != CLICKREF_OK) return s;
  out.rewritten = rewriter->rewritten();
  return out;
}

}  // namespace clickref
