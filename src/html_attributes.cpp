// Attribute lookup over a complete tag, with the tokenizer's tag states.
#include "html_attributes.hpp"

#include "html_entities.hpp"
#include "html_tag_lexer.hpp"

namespace clickref::detail::html {

namespace {

bool name_is(const char* begin, const char* end, std::string_view lower) noexcept {
  if (static_cast<size_t>(end - begin) != lower.size()) return false;
  for (size_t i = 0; i < lower.size(); ++i) {
    if (ascii_lower(begin[i]) != lower[i]) return false;
  }
  return true;
}

// Keeps the first attribute with the wanted name, ignoring the rest.
class first_attribute_named {
 public:
  explicit first_attribute_named(std::string_view lower_name) noexcept : wanted_(lower_name) {}

  void attribute_start(const char* p) noexcept {
    collecting_ = false;  // the wanted attribute, if it came before, had no value
    if (!found_) name_begin_ = p;
  }
  void attribute_name_end(const char* p) noexcept {
    if (found_ || !name_is(name_begin_, p, wanted_)) return;
    found_ = attribute{};
    found_->name = std::string_view(name_begin_, static_cast<size_t>(p - name_begin_));
    collecting_ = true;
  }
  void value_start(const char* p, char quote) noexcept {
    if (!collecting_) return;
    found_->has_value = true;
    found_->quote = quote;
    value_begin_ = p;
  }
  void value_end(const char* p) noexcept {
    if (!collecting_) return;
    found_->value = std::string_view(value_begin_, static_cast<size_t>(p - value_begin_));
    collecting_ = false;
  }
  const std::optional<attribute>& result() const noexcept { return found_; }

 private:
  std::string_view wanted_;
  const char* name_begin_ = nullptr;
  const char* value_begin_ = nullptr;
  std::optional<attribute> found_;
  bool collecting_ = false;
};

}  // namespace

std::optional<attribute> find_attribute(std::string_view tag, std::string_view lower_name) noexcept {
  if (tag.empty()) return std::nullopt;
  first_attribute_named visitor(lower_name);
  tag_lexer lexer;
  lexer.start();
  lexer.lex(tag.data() + 1, tag.data() + tag.size(), visitor);  // after the '<'
  return visitor.result();
}

std::string_view decoded_value(const attribute& a, std::string& scratch) {
  if (!attribute_value_needs_decoding(a.value)) return a.value;
  scratch.clear();
  append_decoded_attribute_value(scratch, a.value);
  return scratch;
}

}  // namespace clickref::detail::html
