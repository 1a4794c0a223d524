#include "postback_url.hpp"

#include "clickref_calls.hpp"

namespace server {

postback_target::postback_target(std::string base, const std::vector<std::string>& params)
    : base_(std::move(base)) {
  for (const std::string& p : params) {
    if (!extra_query_.empty()) extra_query_ += '&';
    extra_query_ += p;
  }
}

std::optional<std::string> postback_target::url_for(const conversion_row& row) const {
  if (row.status != CLICKREF_CONVERSION_APPROVED || !row.attributed() || row.amount.value_or(0) <= 0 || !row.currency) {
    return std::nullopt;
  }
  auto url = build(row);
  if (!url) return std::nullopt;
  return std::move(*url);
}

clickref_status postback_target::check() const {
  conversion_row sample;
  sample.dedupe_key = "pi_check";
  sample.status = CLICKREF_CONVERSION_APPROVED;
  sample.click_id = "check";
  sample.click_id_valid = true;
  sample.amount = 100;
  sample.currency = "USD";
  return build(sample).error();
}

clickref::result<std::string> postback_target::build(const conversion_row& row) const {
  // clickref builds the URL from a conversion record; the merged row supplies
  // the fields a postback carries.
  const std::string& order = row.order_id ? *row.order_id : row.dedupe_key;
  clickref_conversion c{};
  c.click_id = borrow(row.click_id ? std::string_view(*row.click_id) : std::string_view());
  c.order_id = borrow(order);
  c.dedupe_key = borrow(row.dedupe_key);
  c.currency = borrow(row.currency ? std::string_view(*row.currency) : std::string_view());
  c.amount = row.amount.value_or(0);
  c.status = row.status;
  c.click_id_valid = 1;
  return output_string([&](char* out, size_t cap, size_t* len) {
    return clickref_postback_url(&c, base_.data(), base_.size(), extra_query_.data(), extra_query_.size(),
                                 out, cap, len);
  });
}

}  // namespace server
