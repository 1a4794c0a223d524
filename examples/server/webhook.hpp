// POST /stripe/postback: one Stripe webhook delivery, verified, converted
// and recorded — everything but the HTTP plumbing.
#pragma once

#include "postback_url.hpp"
#include "store.hpp"

#include <clickref/signature.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace server {

struct webhook_reply {
  int http_status = 200;
  std::string body;  // JSON
  // For the request's log line.
  std::string event_id;
  std::string outcome;  // recorded, duplicate, ignored, rejected, failed
  std::string detail;   // the status name, or the storage error
};

class webhook_receiver {
 public:
  // `forward`: where approved attributed sales are forwarded (nullopt: not
  // at all). `postback_queued` is called after a postback was queued.
  // `tenant`: whose rows these deliveries are ("" in the single-tenant mode).
  // `promotions`: click ids for purchases that carry none of their own but
  // redeemed one of these promotion codes or coupons (coupon-based affiliates).
  // `renewals`: which renewals of a subscription its click is credited with.
  webhook_receiver(clickref::verifier verifier, store& db, std::optional<postback_target> forward,
                   std::function<void()> postback_queued, std::string tenant = "",
                   promotion_clicks promotions = {}, renewal_policy renewals = {});

  using reply_to = std::function<void(webhook_reply)>;

  // Handles one delivery: the raw body exactly as received and the
  // Stripe-Signature header. `reply` gets, once:
  //   200  recorded, or a repeated event id (nothing changes), or an event
  //        type that yields no conversion (ignored)
  //   400  {"error":"CLICKREF_E_…"}: a signature that does not verify or a
  //        body that is not a Stripe event; nothing is stored
  //   503  the database is unavailable (locked by another process, full,
  //        failing); nothing is stored and Stripe will deliver again
  // A rejection is replied at once; a record once it is durable, perhaps
  // on the database's writer thread. The receiver must outlive the reply;
  // `body` need only live until this returns.
  void receive(std::string_view body, std::string_view signature_header, reply_to reply) const;

 private:
  struct pending;
  void record(std::shared_ptr<pending> p) const;

  clickref::verifier verifier_;
  store& db_;
  std::optional<postback_target> forward_;
  std::function<void()> postback_queued_;
  std::string tenant_;
  promotion_clicks promotions_;
  renewal_policy renewals_;
};

}  // namespace server
