// What a clickref::event holds: the payload copy, the strings its views point
// to, and the fields read from it.
#pragma once

#include <clickref/event.hpp>

#include <memory>
#include <string>
#include <vector>

namespace clickref::detail {

// Which typed view data.object has.
enum class object_kind { other, checkout_session, charge, dispute, invoice, invoice_payment, refund };

struct event_state {
  // The payload copy with the zeroed padding simdjson reads past the end, then
  // the scratch area for the strings the views point to. A string read from
  // JSON is never longer than its token, and the views point to distinct
  // tokens, so a scratch area of payload size (plus slack) always suffices.
  std::unique_ptr<char[]> buffer;
  size_t capacity = 0;
  size_t payload_size = 0;
  size_t scratch_used = 0;
  bool scratch_overflow = false;  // a broken invariant: reported as CLICKREF_E_INTERNAL

  // The metadata objects of data.object, one after the other, each sorted
  // by key: a view is a range of this vector.
  std::vector<metadata_entry> metadata;

  bool parsed = false;
  std::string_view id;
  std::string_view type;
  int64_t created = 0;
  bool livemode = false;
  std::optional<std::string_view> api_version;
  std::optional<std::string_view> account;
  std::optional<std::string_view> request_id;
  std::optional<std::string_view> idempotency_key;
  std::string_view object_type;
  std::optional<std::string_view> object_id;

  object_kind kind = object_kind::other;
  checkout_session_view session;
  charge_view charge;
  dispute_view dispute;
  invoice_view invoice;
  invoice_payment_view invoice_payment;
  refund_view refund;
  std::string_view currency_upper;  // of the typed view; empty for other objects

  // The purchase the object belongs to (purchase_id.hpp), and the key that
  // also names the connected account: "<account>/<purchase_id>".
  std::string_view purchase_id;
  std::string_view dedupe_key;
  std::string connect_key;  // dedupe_key's storage for Connect events

  static constexpr size_t kPadding = 64;  // simdjson's SIMDJSON_PADDING, checked in event.cpp

  const char* payload() const noexcept { return buffer.get(); }
  char* scratch() noexcept { return buffer.get() + payload_size + kPadding; }
  size_t scratch_capacity() const noexcept { return capacity - payload_size - kPadding; }

  // Copies `payload` in, forgets the previous event, and makes room for the
  // scratch area. Memory is reused unless it is far larger than needed.
  void reset(std::string_view payload);

  // A copy of `s` in the scratch area, valid as long as the event.
  std::string_view keep(std::string_view s) noexcept;
};

// An event's state, for the translation units of the event module.
struct event_access {
  static const event_state* of(const event& ev) noexcept { return ev.state_.get(); }
};

}  // namespace clickref::detail
