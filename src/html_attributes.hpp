// Reading one attribute of a complete start tag, as the DOM would hold it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace clickref::detail::html {

// An attribute as written in the document.
struct attribute {
  std::string_view name;   // as written
  bool has_value = false;  // "name=…", even "name=" with nothing after it
  std::string_view value;  // as written, without the quotes; empty without '='
  char quote = 0;          // '"', '\'', or 0 for an unquoted or missing value
};

// The first attribute of `tag` (a complete start tag, from '<' through '>')
// whose name, ASCII lower-cased, is `lower_name`: the DOM keeps the first of
// duplicate attributes. The views point into `tag`.
std::optional<attribute> find_attribute(std::string_view tag, std::string_view lower_name) noexcept;

// The attribute's value as the DOM holds it (character references decoded,
// see append_decoded_attribute_value): `a.value` itself when there is
// nothing to decode, else `scratch`, overwritten.
std::string_view decoded_value(const attribute& a, std::string& scratch);

}  // namespace clickref::detail::html
