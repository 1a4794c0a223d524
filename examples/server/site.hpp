// The merchant's pages: a landing page and a pricing page whose payment
// links must carry the visitor's click id to Stripe.
//
// The id gets there twice over, on purpose: the server rewrites the pages'
// payment links with clickref's streaming HTML rewriter, and the pages load
// the browser snippet (/clickref.js), which keeps the id in localStorage
// and tags links that scripts add after load. Either path alone gets the id
// to Stripe; with scripts off, the server's does.
#pragma once

#include <clickref/clickref.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace server {

enum class page { landing, pricing };

// Receives the page's bytes, piece by piece.
using page_writer = std::function<void(std::string_view)>;

class site {
 public:
  // `custom_hosts`: Stripe custom domains for payment links, besides
  // buy.stripe.com; the pricing page shows a link on each.
  explicit site(std::vector<std::string> custom_hosts);

  // Writes page `p`. When `click_id` is not empty, every payment link and
  // the pricing table carry it (the id must be one clickref_click_id_valid
  // accepts). Returns CLICKREF_OK or the rewriter's status.
  clickref_status render(page p, std::string_view click_id, const page_writer& write) const;

 private:
  std::vector<std::string> hosts_;  // buy.stripe.com, then the custom ones
  std::vector<const char*> host_data_;
  std::vector<size_t> host_lens_;
  // Each page as the pieces a template engine would produce one after the
  // other; they reach the rewriter as separate chunks.
  std::vector<std::string> landing_;
  std::vector<std::string> pricing_;
};

}  // namespace server
