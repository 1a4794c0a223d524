// Decoding an HTML attribute value as the WHATWG tokenizer does: character
// references (numeric and named, with the attribute-value rules) and the
// input stream's NUL and carriage-return handling.
#pragma once

#include <string>
#include <string_view>

namespace clickref::detail {

// Whether append_decoded_attribute_value would give anything but `raw`
// itself: it holds a '&', a NUL or a carriage return.
bool attribute_value_needs_decoding(std::string_view raw) noexcept;

// Appends to `out` the value a browser's DOM holds for an attribute whose
// value is `raw` in the document (without its quotes):
//  - "\r\n" and a lone '\r' become '\n' (input stream preprocessing);
//  - NUL becomes U+FFFD;
//  - "&#…;" / "&#x…;" become their code point, the ';' optional; 0, a
//    surrogate or anything above U+10FFFF becomes U+FFFD, and 0x80–0x9F map
//    through windows-1252 where it defines a character; "&#" or "&#x" without
//    digits stays literal;
//  - "&name;" becomes the named reference's characters (the longest name of
//    the WHATWG list that the text starts with); one of the legacy names
//    written without ';' ("&amp", "&copy", …) is decoded too, except when the
//    next character is '=' or a letter or digit (so "?a=1&copy=2" keeps
//    "&copy=2" as it is);
//  - any other '&' is literal.
// Bytes are not checked for UTF-8: what is not a reference is copied.
void append_decoded_attribute_value(std::string& out, std::string_view raw);

}  // namespace clickref::detail
