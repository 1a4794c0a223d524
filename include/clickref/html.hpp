// clickref/html.hpp — setting client_reference_id on the payment links of an
// HTML document, one-shot or streaming, C++ API. The C equivalents are
// clickref_rewrite_html and clickref_html_rewriter_*.
//
// What changes, and nothing else:
//  - the href of every <a> start tag that a browser's tokenizer sees as a
//    tag — in ordinary content, <svg>, <math>, <template> and <noscript>
//    alike. The value is decoded as the DOM holds it (character references,
//    "&copy=" left alone as in attribute values) and given to rewrite_url;
//    when that changes it, the new value is written back with '&' and the
//    quote character escaped, in the original quote style (double quotes for
//    an unquoted value that could no longer stand unquoted);
//  - the client-reference-id attribute of <stripe-buy-button> and
//    <stripe-pricing-table> start tags: its value is replaced by the click id,
//    or the attribute is added right after the tag name.
// Names are ASCII case-insensitive and the first of duplicate attributes
// counts, as in the DOM. Nothing changes inside comments (also "<!-->",
// "<!--->", "<!x>", "<?x>", "</ x>"), DOCTYPEs, CDATA sections of SVG and
// MathML, and the text of script, style, xmp, iframe, noembed, noframes,
// textarea, title and plaintext, which ends only at the matching end tag
// as the tokenizer reads it (script's "<!--<script>" escapes included).
// Every other byte is copied as it is: a document without payment links
// comes back byte for byte. Malformed HTML is never an error.
//
// A start tag longer than kMaxTagBytes (from '<' to '>') is copied
// unchanged, one-shot and streaming alike, so that a streaming rewriter
// holds at most that much whatever it is fed. Documents are taken to be
// UTF-8 (or ASCII-compatible): a rewritten href whose old value held
// references to non-ASCII characters has them written as UTF-8.
#pragma once

#include <clickref/status.hpp>
#include <clickref/url.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace clickref {

// The longest start tag that is still rewritten.
inline constexpr size_t kMaxTagBytes = size_t{64} * 1024;

struct rewritten_html {
  std::string html;
  size_t rewritten = 0;  // elements whose href or client-reference-id changed
};

// Rewrites a whole document. CLICKREF_E_INVALID_CLICK_ID for an id that
// fails click_id_valid; there is no other error.
CLICKREF_API result<rewritten_html> rewrite_html(std::string_view html, std::string_view click_id,
                                                 const link_options& options = {});

// Receives the rewritten document piece by piece. Returning anything but
// CLICKREF_OK stops the rewriter, which returns that status from the write()
// or finish() that was feeding it, and from every call after.
using html_sink = std::function<status(std::string_view)>;

// A streaming rewriter: feed the document in chunks split anywhere; the
// output, concatenated, is exactly what rewrite_html gives for the whole.
// Bytes reach the sink as soon as nothing after them can change them: a
// start tag that may be rewritten is held until its '>' (at most
// kMaxTagBytes), everything else is passed on by the write() that brought
// it: one sink call for a chunk without edits, straight from the chunk, a
// few more around each edit and held tag. One thread at a time.
class CLICKREF_API html_rewriter {
 public:
  // CLICKREF_E_INVALID_CLICK_ID for an id that fails click_id_valid,
  // CLICKREF_E_INVALID_ARGUMENT for an empty sink. The options are copied.
  static result<html_rewriter> create(std::string_view click_id, const link_options& options, html_sink sink);

  // Rewrites the next chunk. Returns the sink's failure, or
  // CLICKREF_E_INVALID_ARGUMENT after finish().
  status write(std::string_view chunk);

  // Passes on what is still held (an unfinished tag at the end of the
  // document is copied as it is). Call once, after the last write().
  status finish();

  // Elements rewritten so far, counted once their new value reached the sink.
  size_t rewritten() const noexcept;

  html_rewriter() noexcept;  // empty: only assignable and destructible
  html_rewriter(html_rewriter&&) noexcept;
  html_rewriter& operator=(html_rewriter&&) noexcept;
  ~html_rewriter();

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace clickref
