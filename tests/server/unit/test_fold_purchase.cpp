// fold_purchase: a purchase's row from the conversions of all its events,
// the same for every order they arrive in.
#include "conversion_row.hpp"

#include <algorithm>
#include <numeric>
#include <string_view>
#include <vector>

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

using server::conversion_row;
using server::fold_purchase;

namespace {

clickref_str str(std::string_view s) { return clickref_str{s.data(), s.size()}; }

clickref_conversion payment(std::string_view type, int32_t status, int64_t amount, int64_t created) {
  clickref_conversion c{};
  c.event_type = str(type);
  c.status = status;
  c.amount = amount;
  c.created = created;
  c.currency = str("USD");
  c.effect = CLICKREF_EFFECT_PAYMENT;
  return c;
}

clickref_conversion refund(std::string_view refund_id, int64_t amount_refunded, int64_t created) {
  clickref_conversion c{};
  c.event_type = str(refund_id.empty() ? "charge.refunded" : "refund.updated");
  c.status = CLICKREF_CONVERSION_APPROVED;
  c.effect = CLICKREF_EFFECT_REFUND;
  c.refund_id = str(refund_id);
  c.amount_refunded = amount_refunded;
  c.created = created;
  return c;
}

clickref_conversion dispute(int32_t status, int64_t amount, int64_t created) {
  clickref_conversion c{};
  c.event_type = str("charge.dispute.closed");
  c.status = status;
  c.amount = amount;
  c.effect = CLICKREF_EFFECT_DISPUTE;
  c.created = created;
  return c;
}

// The row every order of `events` folds into; fails if two orders differ.
conversion_row fold_in_every_order(const std::vector<clickref_conversion>& events) {
  std::vector<size_t> order(events.size());
  std::iota(order.begin(), order.end(), size_t{0});
  const conversion_row first = fold_purchase("pi_1", events);
  do {
    std::vector<clickref_conversion> permuted;
    for (size_t i : order) permuted.push_back(events[i]);
    const conversion_row row = fold_purchase("pi_1", permuted);
    REQUIRE(row.status == first.status);
    REQUIRE(row.amount == first.amount);
    REQUIRE(row.reversed_amount == first.reversed_amount);
    REQUIRE(row.click_id == first.click_id);
    REQUIRE(row.click_id_source == first.click_id_source);
    REQUIRE(row.first_event_at == first.first_event_at);
    REQUIRE(row.last_event_at == first.last_event_at);
  } while (std::next_permutation(order.begin(), order.end()));
  return first;
}

}  // namespace

TEST_CASE("fold: refunds add up by refund id, each counted once", "[fold]") {
  const auto row = fold_in_every_order({
      payment("checkout.session.completed", CLICKREF_CONVERSION_APPROVED, 4900, 100),
      refund("re_a", 1500, 200),  // refund.created
      refund("re_a", 1500, 201),  // refund.updated (succeeded): the same refund
      refund("", 1500, 202),      // charge.refunded: the charge's running total
      refund("re_b", 2000, 300),
      refund("", 3500, 301),
  });
  CHECK(row.status == CLICKREF_CONVERSION_APPROVED);
  CHECK(row.amount == 4900);
  CHECK(row.reversed_amount == 3500);
  CHECK(row.first_event_at == 100);
  CHECK(row.last_event_at == 301);
}

TEST_CASE("fold: a refund that failed counts nothing; refunds reaching the amount reverse the sale", "[fold]") {
  const auto failed = fold_in_every_order({
      payment("invoice.paid", CLICKREF_CONVERSION_APPROVED, 4900, 100),
      refund("re_a", 4900, 200),
      refund("re_a", 0, 260),  // refund.updated: failed
  });
  CHECK(failed.status == CLICKREF_CONVERSION_APPROVED);
  CHECK(failed.reversed_amount == 0);
  const auto full = fold_in_every_order({
      payment("invoice.paid", CLICKREF_CONVERSION_APPROVED, 4900, 100),
      refund("re_a", 900, 200),
      refund("re_b", 4000, 300),
  });
  CHECK(full.status == CLICKREF_CONVERSION_REVERSED);
  CHECK(full.reversed_amount == 4900);
}

TEST_CASE("fold: the latest dispute event decides; a won dispute restores the sale", "[fold]") {
  const auto won = fold_in_every_order({
      payment("checkout.session.completed", CLICKREF_CONVERSION_APPROVED, 4900, 100),
      dispute(CLICKREF_CONVERSION_REVERSED, 4900, 200),  // charge.dispute.created
      dispute(CLICKREF_CONVERSION_APPROVED, 4900, 900),  // closed: won
  });
  CHECK(won.status == CLICKREF_CONVERSION_APPROVED);
  CHECK(won.reversed_amount == 0);
  const auto lost = fold_in_every_order({
      payment("checkout.session.completed", CLICKREF_CONVERSION_APPROVED, 4900, 100),
      dispute(CLICKREF_CONVERSION_REVERSED, 4900, 200),
      dispute(CLICKREF_CONVERSION_REVERSED, 4900, 900),  // closed: lost
  });
  CHECK(lost.status == CLICKREF_CONVERSION_REVERSED);
  CHECK(lost.reversed_amount == 4900);
}

TEST_CASE("fold: a declined delayed payment paid another way is approved", "[fold]") {
  const auto row = fold_in_every_order({
      payment("checkout.session.completed", CLICKREF_CONVERSION_PENDING, 4900, 100),
      payment("checkout.session.async_payment_failed", CLICKREF_CONVERSION_DECLINED, 4900, 200),
      payment("charge.succeeded", CLICKREF_CONVERSION_APPROVED, 4900, 300),
  });
  CHECK(row.status == CLICKREF_CONVERSION_APPROVED);
  CHECK(row.amount == 4900);
  CHECK(row.sale);
}

TEST_CASE("fold: the click id Stripe keeps, then the more direct source", "[fold]") {
  auto session = payment("checkout.session.completed", CLICKREF_CONVERSION_APPROVED, 4900, 100);
  session.click_id = str("aff_session");
  session.click_id_valid = 1;
  session.click_id_source = CLICKREF_CLICK_ID_CLIENT_REFERENCE_ID;
  auto charge = payment("charge.succeeded", CLICKREF_CONVERSION_APPROVED, 4900, 110);
  charge.click_id = str("aff_meta");
  charge.click_id_valid = 1;
  charge.click_id_source = CLICKREF_CLICK_ID_METADATA;
  auto invalid = payment("charge.succeeded", CLICKREF_CONVERSION_APPROVED, 4900, 120);
  invalid.click_id = str("<b>");
  invalid.click_id_source = CLICKREF_CLICK_ID_CLIENT_REFERENCE_ID;
  const auto row = fold_in_every_order({session, charge, invalid});
  CHECK(row.click_id == std::string("aff_session"));
  CHECK(row.click_id_source == std::string("client_reference_id"));
  CHECK(row.attributed());
  const auto metadata_only = fold_in_every_order({charge, invalid});
  CHECK(metadata_only.click_id == std::string("aff_meta"));
}

TEST_CASE("fold: charges alone with no click id are not a sale", "[fold]") {
  const auto row = fold_in_every_order({payment("charge.succeeded", CLICKREF_CONVERSION_APPROVED, 4900, 100),
                                        refund("", 1000, 200)});
  CHECK_FALSE(row.sale);
  CHECK(row.reversed_amount == 1000);
  const auto none = fold_purchase("pi_1", {refund("re_a", 1000, 200)});
  CHECK(none.status == CLICKREF_CONVERSION_PENDING);
  CHECK_FALSE(none.amount);
  CHECK(none.reversed_amount == 1000);
}
