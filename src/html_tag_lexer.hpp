// The tag states of the WHATWG HTML tokenizer (tag name to the closing '>'),
// resumable at any byte so that a tag may arrive in pieces.
//
// It finds where a tag ends, its lower-cased name and its self-closing flag.
// Given a visitor it also reports where each attribute's name and value lie,
// which is meaningful only when the whole tag is lexed in one call (the
// positions point into the bytes passed in). Character references inside
// values cannot contain '"', '\'' or '>', so they never move a boundary and
// are left to the caller to decode.
#pragma once

#include "html_scan.hpp"

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace clickref::detail::html {

constexpr bool is_ascii_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// A tag name as the tokenizer sees it (ASCII lower-cased), of which the first
// kStored bytes are kept: no element that matters to the rewriter has a
// longer name, and longer ones compare by length and those bytes.
class tag_name {
 public:
  static constexpr size_t kStored = 32;

  void clear() noexcept { size_ = 0; }
  // Appends the bytes [begin, end) of the name as written.
  void append(const char* begin, const char* end) noexcept {
    const auto n = static_cast<size_t>(end - begin);
    const size_t keep = size_ < kStored ? std::min(n, kStored - size_) : 0;
    for (size_t i = 0; i < keep; ++i) bytes_[size_ + i] = ascii_lower(begin[i]);
    size_ += n;
  }
  size_t size() const noexcept { return size_; }
  std::string_view stored() const noexcept { return {bytes_, size_ < kStored ? size_ : kStored}; }
  // `lower` is a lower-case name of at most kStored bytes.
  bool is(std::string_view lower) const noexcept { return size_ == lower.size() && stored() == lower; }
  bool operator==(const tag_name& other) const noexcept {
    return size_ == other.size_ && stored() == other.stored();
  }

 private:
  char bytes_[kStored] = {};
  size_t size_ = 0;
};

// Receives nothing: lexing only finds the tag's end.
struct no_attribute_visitor {
  void attribute_start(const char*) noexcept {}
  void attribute_name_end(const char*) noexcept {}
  void value_start(const char*, char /*quote*/) noexcept {}
  void value_end(const char*) noexcept {}
};

class tag_lexer {
 public:
  enum class state : unsigned char {
    name,
    before_attribute_name,
    attribute_name,
    after_attribute_name,
    before_attribute_value,
    value_double_quoted,
    value_single_quoted,
    value_unquoted,
    after_value_quoted,
    self_closing_start,
  };

  // Starts a tag whose name begins at the next byte.
  void start() noexcept { start_at(state::name); }
  // Starts a tag whose name is already known, in `s` (an end tag of a raw
  // text element, recognised after its name).
  void start_at(state s) noexcept {
    state_ = s;
    self_closing_ = false;
    if (s == state::name) name_.clear();
  }

  tag_name& name() noexcept { return name_; }
  const tag_name& name() const noexcept { return name_; }
  bool in_name() const noexcept { return state_ == state::name; }
  bool self_closing() const noexcept { return self_closing_; }

  // Lexes [p, end). Returns the position just after the tag's '>', or nullptr
  // when the tag goes on past `end` (call again with the next bytes).
  // Visitor callbacks (see no_attribute_visitor) mark, for each attribute,
  // where its name starts and ends and where its value starts (after any
  // quote, with the quote character or 0 for an unquoted or missing value)
  // and ends.
  //
  // Every state is a label and every transition a direct jump: this runs
  // over every tag of every document, and a dispatch per transition would
  // cost more than the bytes.
  template <class Visitor>
  const char* lex(const char* p, const char* end, Visitor& v) noexcept {
    char c = 0;
    switch (state_) {
      case state::name:
        goto name;
      case state::before_attribute_name:
        goto before_attribute_name;
      case state::attribute_name:
        goto attribute_name;
      case state::after_attribute_name:
        goto after_attribute_name;
      case state::before_attribute_value:
        goto before_attribute_value;
      case state::value_double_quoted:
        goto value_double_quoted;
      case state::value_single_quoted:
        goto value_single_quoted;
      case state::value_unquoted:
        goto value_unquoted;
      case state::after_value_quoted:
        goto after_value_quoted;
      case state::self_closing_start:
        goto self_closing_start;
    }

  name : {
    const char* name_end = find_first<tag_name_end>(p, end);
    name_.append(p, name_end);
    p = name_end;
    if (p == end) return suspend(state::name);
    c = *p++;
  }
    if (c == '>') return p;
    if (c == '/') goto self_closing_start;
    // fall through: white space

  before_attribute_name:
    for (;; ++p) {
      if (p == end) return suspend(state::before_attribute_name);
      c = *p;
      if (!is_space(c)) break;
    }
    if (c == '/' || c == '>') goto after_attribute_name;
    v.attribute_start(p);
    if (c == '=') ++p;  // a name may start with '=' (a parse error)

  attribute_name:
    p = find_first<attribute_name_end>(p, end);
    if (p == end) return suspend(state::attribute_name);
    c = *p;
    v.attribute_name_end(p);
    if (c != '=') goto after_attribute_name;
    ++p;

  before_attribute_value:
    for (;; ++p) {
      if (p == end) return suspend(state::before_attribute_value);
      c = *p;
      if (!is_space(c)) break;
    }
    if (c == '"') {
      v.value_start(++p, '"');
      goto value_double_quoted;
    }
    if (c == '\'') {
      v.value_start(++p, '\'');
      goto value_single_quoted;
    }
    v.value_start(p, 0);
    if (c == '>') {  // "name=>": an empty value
      v.value_end(p);
      return p + 1;
    }

  value_unquoted:
    p = find_first<unquoted_value_end>(p, end);
    if (p == end) return suspend(state::value_unquoted);
    c = *p;
    v.value_end(p);
    ++p;
    if (c == '>') return p;
    goto before_attribute_name;

  value_double_quoted:
    p = find_byte(p, end, '"');
    if (p == end) return suspend(state::value_double_quoted);
    goto after_value;
  value_single_quoted:
    p = find_byte(p, end, '\'');
    if (p == end) return suspend(state::value_single_quoted);
  after_value:
    v.value_end(p);
    ++p;

  after_value_quoted:
    if (p == end) return suspend(state::after_value_quoted);
    c = *p;
    if (c == '>') return p + 1;
    if (c == '/') {
      ++p;
      goto self_closing_start;
    }
    // White space is consumed; anything else is a missing-white-space parse
    // error, reconsumed as the start of the next attribute.
    if (is_space(c)) ++p;
    goto before_attribute_name;

  after_attribute_name:
    for (;; ++p) {
      if (p == end) return suspend(state::after_attribute_name);
      c = *p;
      if (!is_space(c)) break;
    }
    if (c == '>') return p + 1;
    if (c == '=') {
      ++p;
      goto before_attribute_value;
    }
    if (c == '/') {
      ++p;
      goto self_closing_start;
    }
    v.attribute_start(p);
    goto attribute_name;

  self_closing_start:
    if (p == end) return suspend(state::self_closing_start);
    if (*p == '>') {
      self_closing_ = true;
      return p + 1;
    }
    goto before_attribute_name;  // "<a/b>": the '/' is ignored
  }

 private:
  const char* suspend(state s) noexcept {
    state_ = s;
    return nullptr;
  }

  state state_ = state::name;
  bool self_closing_ = false;
  tag_name name_;
};

}  // namespace clickref::detail::html
