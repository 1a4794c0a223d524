#include "site.hpp"

#include "clickref_calls.hpp"

namespace server {
namespace {

constexpr const char* kHead = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Analytics</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  nav a { margin-right: 1rem; }
  .plans { display: flex; gap: 1rem; flex-wrap: wrap; padding: 0; list-style: none; }
  .plans li { border: 1px solid #ccc; border-radius: 8px; padding: 1rem; flex: 1 1 12rem; }
  a.buy { display: inline-block; background: #635bff; color: #fff; padding: .4rem .9rem; border-radius: 6px; text-decoration: none; }
</style>
)html";

// After the snippet's tag: the rest of <head> and the page's navigation.
constexpr const char* kHeadEnd = R"html(</head>
<body>
<nav><a href="/">Acme Analytics</a><a href="/pricing">Pricing</a><a href="/dashboard">Affiliate dashboard</a></nav>
)html";

constexpr const char* kLandingMain = R"html(<main>
<h1>Dashboards your team will actually read</h1>
<p>Acme Analytics turns your product events into one page a week. Try it for a month, cancel any time.</p>
<p><a class="buy" href="https://buy.stripe.com/test_5kA8wV0Ps3Ke4ck000">Start with Starter, $19</a>
   or <a href="/pricing">compare the plans</a>.</p>
</main>
)html";

constexpr const char* kPricingPlans = R"html(<main>
<h1>Pricing</h1>
<ul class="plans">
<li><h2>Starter</h2><p>$19 a month, one project.</p>
  <a class="buy" href="https://buy.stripe.com/test_5kA8wV0Ps3Ke4ck000">Buy Starter</a></li>
<li><h2>Team</h2><p>$49 a month, ten projects, shared dashboards.</p>
  <a class="buy" href="https://buy.stripe.com/test_9AQ3cB3rE7Yu0Y8001?prefilled_promo_code=LAUNCH&amp;locale=en">Buy Team</a></li>
<li><h2>Yearly</h2><p>$490 a year: two months free.</p>
  <a class="buy" href='https://buy.stripe.com/test_eVa5kJ6DQaKG6gs002#yearly'>Buy Yearly</a></li>
)html";

constexpr const char* kPricingTable = R"html(</ul>
<h2>Or pick from the table</h2>
<!-- Stripe's pricing-table.js draws this element; the demo loads no third-party script. -->
<stripe-pricing-table pricing-table-id="prctbl_1AcmeDemoTable" publishable-key="pk_test_acme_demo"></stripe-pricing-table>
<p>How does paying work? <a href="https://docs.stripe.com/payment-links">Stripe's guide to payment links</a>.</p>
</main>
)html";

constexpr const char* kFoot = "</body>\n</html>\n";

// The browser snippet (/clickref.js) with the same payment-link hosts as
// the server's rewriter, so that both tag the same links (plain names,
// checked by the configuration, need no escaping).
std::string snippet_tag(const std::vector<std::string>& hosts) {
  std::string list;
  for (const std::string& h : hosts) list += (list.empty() ? "" : " ") + h;
  return "<script src=\"/clickref.js\" data-hosts=\"" + list + "\" defer></script>\n";
}

std::string custom_host_plan(const std::string& host) {
  // Hosts were checked by the configuration to be plain names: no escaping is needed.
  return "<li><h2>Starter on " + host +
         "</h2><p>The same plan, through the shop's own payment domain.</p>\n" +
         "  <a class=\"buy\" href=\"https://" + host + "/b/test_5kA8wV0Ps3Ke4ck000\">Buy Starter on " + host +
         "</a></li>\n";
}

clickref_status to_writer(void* user, const char* data, size_t len) {
  const auto& write = *static_cast<const page_writer*>(user);
  write(std::string_view(data, len));
  return CLICKREF_OK;
}

}  // namespace

site::site(std::vector<std::string> custom_hosts) {
  hosts_.push_back("buy.stripe.com");
  hosts_.insert(hosts_.end(), custom_hosts.begin(), custom_hosts.end());
  for (const std::string& h : hosts_) {
    host_data_.push_back(h.data());
    host_lens_.push_back(h.size());
  }
  const std::string head = kHead + snippet_tag(hosts_) + kHeadEnd;
  landing_ = {head, kLandingMain, kFoot};
  pricing_ = {head, kPricingPlans};
  for (const std::string& h : custom_hosts) pricing_.push_back(custom_host_plan(h));
  pricing_.push_back(kPricingTable);
  pricing_.push_back(kFoot);
}

clickref_status site::render(page p, std::string_view click_id, const page_writer& write) const {
  const std::vector<std::string>& pieces = p == page::landing ? landing_ : pricing_;
  if (click_id.empty()) {
    for (const std::string& piece : pieces) write(piece);
    return CLICKREF_OK;
  }
  clickref_link_options options = CLICKREF_LINK_OPTIONS_INIT;
  options.hosts = host_data_.data();
  options.host_lens = host_lens_.data();
  options.n_hosts = host_data_.size();
  clickref_html_rewriter* raw = nullptr;
  clickref_status s = clickref_html_rewriter_new(click_id.data(), click_id.size(), &options, to_writer,
                                                 const_cast<page_writer*>(&write), &raw);
  if (s != CLICKREF_OK) return s;
  const html_rewriter_ptr rewriter(raw);
  for (const std::string& piece : pieces) {
    s = clickref_html_rewriter_write(rewriter.get(), piece.data(), piece.size());
    if (s != CLICKREF_OK) return s;
  }
  return clickref_html_rewriter_finish(rewriter.get());
}

}  // namespace server
