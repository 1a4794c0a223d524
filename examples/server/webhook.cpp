#include "webhook.hpp"

#include "clickref_calls.hpp"
#include "json.hpp"

#include <ctime>

namespace server {
namespace {

webhook_reply rejected(clickref_status s, const clickref_error* err = nullptr) {
  webhook_reply reply;
  reply.http_status = 400;
  reply.outcome = "rejected";
  reply.detail = std::string(clickref::status_name(s));
  json_object body;
  body.str("error", reply.detail).str("message", clickref::status_message(s));
  if (err && err->offset > 0) body.num("offset", static_cast<int64_t>(err->offset));
  reply.body = body.take();
  return reply;
}

webhook_reply acknowledged(std::string_view outcome, std::string_view event_id) {
  webhook_reply reply;
  reply.outcome = std::string(outcome);
  reply.event_id = std::string(event_id);
  json_object body;
  body.boolean("received", true).str("outcome", outcome);
  if (!event_id.empty()) body.str("event_id", event_id);
  reply.body = body.take();
  return reply;
}

}  // namespace

webhook_receiver::webhook_receiver(clickref::verifier verifier, store& db,
                                   std::optional<postback_target> forward,
                                   std::function<void()> postback_queued, std::string tenant,
                                   promotion_clicks promotions, renewal_policy renewals)
    : verifier_(std::move(verifier)),
      db_(db),
      forward_(std::move(forward)),
      postback_queued_(std::move(postback_queued)),
      tenant_(std::move(tenant)),
      promotions_(std::move(promotions)),
      renewals_(renewals) {}

webhook_reply webhook_receiver::receive(std::string_view body, std::string_view signature_header) const {
  // The signature covers the raw bytes: verify before anything reads them.
  const auto now = static_cast<int64_t>(std::time(nullptr));
  clickref_error err{};
  if (const clickref_status s = verifier_.verify(body, signature_header, now, &err); s != CLICKREF_OK) {
    return rejected(s);
  }
  clickref_event* raw = nullptr;
  if (const clickref_status s = clickref_event_parse(body.data(), body.size(), &raw, &err);
      s != CLICKREF_OK) {
    return rejected(s, &err);
  }
  const event_ptr event(raw);
  clickref_conversion c{};
  const clickref_status s = clickref_event_conversion(event.get(), &c);
  if (s == CLICKREF_E_UNSUPPORTED_EVENT) return acknowledged("ignored", "");
  if (s != CLICKREF_OK) return rejected(s);
  // One row per purchase needs a key; an event without one cannot be merged safely.
  if (c.event_id.len == 0 || c.dedupe_key.len == 0) return rejected(CLICKREF_E_NOT_AN_EVENT);
  return record(c);
}

webhook_reply webhook_receiver::record(const clickref_conversion& c) const {
  const std::string_view event_id = view(c.event_id);
  delivery d;
  d.received_at = static_cast<int64_t>(std::time(nullptr));
  d.conversion = &c;
  crediting_rules rules;
  if (forward_) rules.postback = [this](const conversion_row& row) { return forward_->url_for(row); };
  rules.promotions = &promotions_;
  rules.renewals = renewals_;
  try {
    const record_result result = db_.record(tenant_, d, rules);
    if (result.postback_queued && postback_queued_) postback_queued_();
    webhook_reply reply =
        acknowledged(result.outcome == record_outcome::recorded ? "recorded" : "duplicate", event_id);
    if (result.outcome == record_outcome::recorded)
      reply.detail = std::string(status_label(result.row.status));
    return reply;
  } catch (const storage_error& e) {
    webhook_reply reply;
    reply.http_status = 503;  // Stripe retries for three days
    reply.event_id = std::string(event_id);
    reply.outcome = "failed";
    reply.detail = e.what();
    reply.body = json_object()
                     .str("error", "storage")
                     .str("message", "the event was not stored; deliver it again")
                     .take();
    return reply;
  }
}

}  // namespace server
