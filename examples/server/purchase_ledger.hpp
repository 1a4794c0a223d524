// Recording one delivery, written once for every backend (over
// sql_session):
//
//  1. Which purchase the event is part of. Events name their purchase
//     differently: a Checkout Session by its payment intent or invoice, a
//     charge by its invoice (before 2025-03-31.basil) or payment intent, an
//     invoice payment (2025-05-28.basil on) by both its invoice and its
//     payment intent, a refund or dispute by the payment intent or charge.
//     Every id an event carries (order_id, payment_intent, invoice, charge;
//     per connected account) is linked to one purchase. When an event links
//     two purchases recorded apart (a basil charge keyed by its payment
//     intent, then the invoice payment that names both), they become one:
//     events, links and postback move to the purchase named best, its
//     invoice, else its payment intent, and the other row is deleted.
//  2. The purchase's row is folded again from the conversions of all its
//     events (fold_purchase), so that no order of arrival changes the result, then
//     credited by promotion code when it carries no click id of its own.
//  3. A subscription's click is the click of its earliest attributed
//     purchase. A purchase of the subscription without a click id of its
//     own is credited to it: the first payment always, renewals as the
//     renewal policy says. When the subscription's click becomes known or
//     changes, its other purchases recorded earlier are credited again, and
//     postbacks are queued for those that now qualify.
//  4. Each row the postback policy forwards gets a postback, once.
//
// PostgreSQL: every id, purchase and subscription touched is locked (an
// advisory lock to COMMIT) before it is read, so that instances recording
// events of one purchase at once take turns. The locks and the writes whose
// counts are not read go with the next statement that is (sql_session::
// execute_later), so that a purchase's first event takes three round trips:
// BEGIN, the locks and the links' read; the event; the links, the row and
// COMMIT.
#pragma once

#include "sql_session.hpp"
#include "store.hpp"

#include <string_view>

namespace server {

record_result record_delivery(sql_session& db, std::string_view tenant, const delivery& d,
                              const crediting_rules& rules);

}  // namespace server
