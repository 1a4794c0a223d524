// The Stripe event fixtures of tests/data/events, and edits to them.
#pragma once

#include <clickref/event.hpp>

#include "../catch.hpp"
#include "test_data.hpp"

#include <string>
#include <string_view>

namespace clickref::test {

// Ids that the fixtures of tests/data/events carry: purchase A's click id
// and PaymentIntent.
inline const std::string kClickA = "7f3c9a12-4b6e-4d21-9f0a-3c5e8b7d1a24";
inline const std::string kPaymentIntentA = "pi_3QmZ8kLkdIwHu7ix1GxYt5Hq";

inline std::string event_fixture(const std::string& name) {
  return read_test_file("events/" + name + ".json");
}

// `json` with the one occurrence of `from` replaced by `to`; a test whose
// edit no longer matches its fixture fails instead of testing nothing.
inline std::string edited(std::string json, std::string_view from, std::string_view to) {
  const size_t at = json.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(json.find(from, at + 1) == std::string::npos);
  json.replace(at, from.size(), to);
  return json;
}

// The event `json` holds; the test fails when it does not parse.
inline event parsed(const std::string& json) {
  auto ev = parse_event(json);
  INFO(status_name(ev.error()));
  REQUIRE(ev.ok());
  return std::move(*ev);
}

}  // namespace clickref::test
