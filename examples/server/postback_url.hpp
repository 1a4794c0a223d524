// Which conversions are forwarded to the affiliate network, and the Tracknow
// server-to-server postback URL for each (clickref_postback_url).
#pragma once

#include "conversion_row.hpp"

#include <clickref/status.hpp>

#include <optional>
#include <string>
#include <vector>

namespace server {

class postback_target {
 public:
  // `base`: e.g. https://acme-tracking.tracknow.info/postback. `params`:
  // "key=value" pairs added to every postback, already URL-encoded.
  postback_target(std::string base, const std::vector<std::string>& params);

  // The postback URL for `row` when it is an approved sale credited to a
  // valid click id, with an amount and a currency; otherwise nullopt.
  std::optional<std::string> url_for(const conversion_row& row) const;

  // CLICKREF_OK when clickref accepts the base and parameters (checked once
  // at start-up, so that no postback is silently dropped later).
  clickref_status check() const;

 private:
  clickref::result<std::string> build(const conversion_row& row) const;

  std::string base_;
  std::string extra_query_;
};

}  // namespace server
