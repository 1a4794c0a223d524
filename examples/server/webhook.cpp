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

// Nothing was stored: 503 when the database failed (Stripe retries for
// three days), 500 for anything else.
webhook_reply failed(const std::exception_ptr& error, std::string_view event_id) {
  webhook_reply reply;
  reply.event_id = std::string(event_id);
  reply.outcome = "failed";
  bool storage = false;
  try {
    std::rethrow_exception(error);
  } catch (const storage_error& e) {
    reply.detail = e.what();
    storage = true;
  } catch (const std::exception& e) {
    reply.detail = e.what();
  } catch (...) {
    reply.detail = "unknown exception";
  }
  reply.http_status = storage ? 503 : 500;
  reply.body = json_object()
                   .str("error", storage ? "storage" : "internal")
                   .str("message", storage ? "the event was not stored; deliver it again"
                                           : "the event was not stored; see the server log")
                   .take();
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

// A delivery between its parse and its durable record: what the store's
// work reads (the conversion's views point into the event) lives here.
struct webhook_receiver::pending {
  event_ptr event;
  clickref_conversion conversion{};
  delivery d;
  crediting_rules rules;
  reply_to reply;
};

void webhook_receiver::receive(std::string_view body, std::string_view signature_header, reply_to reply) const {
  // The signature covers the raw bytes: verify before anything reads them.
  const auto now = static_cast<int64_t>(std::time(nullptr));
  clickref_error err{};
  if (const clickref_status s = verifier_.verify(body, signature_header, now, &err); s != CLICKREF_OK) {
    reply(rejected(s));
    return;
  }
  clickref_event* raw = nullptr;
  if (const clickref_status s = clickref_event_parse(body.data(), body.size(), &raw, &err); s != CLICKREF_OK) {
    reply(rejected(s, &err));
    return;
  }
  auto p = std::make_shared<pending>();
  p->event.reset(raw);
  const clickref_status s = clickref_event_conversion(p->event.get(), &p->conversion);
  if (s == CLICKREF_E_UNSUPPORTED_EVENT) {
    reply(acknowledged("ignored", ""));
    return;
  }
  if (s != CLICKREF_OK) {
    reply(rejected(s));
    return;
  }
  // One row per purchase needs a key; an event without one cannot be merged safely.
  if (p->conversion.event_id.len == 0 || p->conversion.dedupe_key.len == 0) {
    reply(rejected(CLICKREF_E_NOT_AN_EVENT));
    return;
  }
  p->reply = std::move(reply);
  record(std::move(p));
}

void webhook_receiver::record(std::shared_ptr<pending> p) const {
  p->d.received_at = static_cast<int64_t>(std::time(nullptr));
  p->d.conversion = &p->conversion;
  if (forward_) p->rules.postback = [this](const conversion_row& row) { return forward_->url_for(row); };
  p->rules.promotions = &promotions_;
  p->rules.renewals = renewals_;
  const delivery& d = p->d;
  const crediting_rules& rules = p->rules;
  // `p` rides along with the callback, so the store's work can read it until the reply.
  db_.record(tenant_, d, rules, [this, p](record_result result, std::exception_ptr error) {
    const std::string_view event_id = view(p->conversion.event_id);
    if (error) {
      p->reply(failed(error, event_id));
      return;
    }
    if (result.postback_queued && postback_queued_) postback_queued_();
    webhook_reply reply =
        acknowledged(result.outcome == record_outcome::recorded ? "recorded" : "duplicate", event_id);
    if (result.outcome == record_outcome::recorded) reply.detail = std::string(status_label(result.row.status));
    p->reply(std::move(reply));
  });
}

}  // namespace server
