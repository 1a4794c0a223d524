#include "purchase_ledger.hpp"

#include "clickref_calls.hpp"
#include "store_rows.hpp"
#include "stored_conversion.hpp"
#include "store_sql.hpp"
#include "unix_time.hpp"

#include <algorithm>
#include <set>

namespace server {
namespace {

using namespace sql;

std::string qualified(std::string_view account, std::string_view id) {
  if (account.empty()) return std::string(id);
  std::string out(account);
  out += '/';
  out += id;
  return out;
}

// Appends `id` unless the list has it already (the lists are a few ids long).
void add_once(std::vector<std::string>& ids, std::string id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
}

// The ids by which the event names its purchase; never none.
std::vector<std::string> purchase_ids(const clickref_conversion& c) {
  std::vector<std::string> ids;
  for (const clickref_str s : {c.order_id, c.payment_intent, c.invoice, c.charge}) {
    if (s.len == 0) continue;
    add_once(ids, qualified(view(c.account), view(s)));
  }
  if (ids.empty()) ids.emplace_back(view(c.dedupe_key));  // the receiver refuses an event without one
  return ids;
}

// A purchase is named by its invoice, else its payment intent, else the
// smallest of its other ids (its session's or charge's own).
int name_rank(std::string_view key) {
  const std::string_view id = unqualified(key);
  if (id.substr(0, 3) == "in_") return 0;
  if (id.substr(0, 3) == "pi_") return 1;
  return 2;
}

bool names_better(std::string_view a, std::string_view b) {
  const int ra = name_rank(a), rb = name_rank(b);
  return ra != rb ? ra < rb : a < b;
}

// FNV-1a over the tenant and the name: collisions only make two unrelated
// deliveries take turns.
uint64_t lock_key(std::string_view tenant, std::string_view name) {
  uint64_t h = 14695981039346656037ull;
  const auto mix = [&h](std::string_view s) {
    for (const char ch : s) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
  };
  mix(tenant);
  mix(std::string_view("\0", 1));
  mix(name);
  return h;
}

class delivery_recorder {
 public:
  delivery_recorder(sql_session& db, std::string_view tenant, const crediting_rules& rules)
      : db_(db), tenant_(tenant), rules_(rules) {}

  record_result record(const delivery& d);

 private:
  struct subscription_click {
    std::string click_id;
    bool click_id_valid = false;
    std::string click_id_source;
    int64_t bought_at = 0;
    std::string purchase;
  };

  bool hold(std::string_view name);
  std::vector<std::string> linked_purchases(const std::vector<std::string>& ids);
  void move_purchase(const std::string& from, const std::string& into);
  void retire_purchase(const std::string& from, const std::string& into);
  conversion_row fold(const std::string& key);
  conversion_row credited(conversion_row row) const;
  void credit_promotion(conversion_row& row) const;
  void apply_subscription(conversion_row& row, const subscription_click* sub) const;
  std::optional<subscription_click> subscription_click_of(const std::string& account, const std::string& sub);
  bool adopt_subscription_click(const conversion_row& row, std::optional<subscription_click>& sub);
  bool recredit_subscription(const conversion_row& buyer, const subscription_click& sub);
  void save(const conversion_row& row);
  bool queue_postback(const conversion_row& row);
  sql_args tenant_and(std::string_view a) const;
  sql_args tenant_and(std::string_view a, std::string_view b) const;

  sql_session& db_;
  std::string_view tenant_;
  const crediting_rules& rules_;
  std::set<uint64_t> held_;
};

// Parameters ?1 the tenant, then ?2 (and ?3).
sql_args delivery_recorder::tenant_and(std::string_view a) const {
  sql_args args;
  args.bytes(tenant_).bytes(a);
  return args;
}

sql_args delivery_recorder::tenant_and(std::string_view a, std::string_view b) const {
  sql_args args = tenant_and(a);
  args.bytes(b);
  return args;
}

// Returns whether a lock was newly taken (never, on a database with one writer).
bool delivery_recorder::hold(std::string_view name) {
  const uint64_t key = lock_key(tenant_, name);
  return held_.insert(key).second && db_.lock(key);
}

std::vector<std::string> delivery_recorder::linked_purchases(const std::vector<std::string>& ids) {
  sql_args args;
  args.bytes(tenant_);
  for (size_t i = 0; i < 4; ++i) args.bytes(ids[std::min(i, ids.size() - 1)]);
  const sql_rows rows = db_.query(kLinkedPurchases, args);
  std::vector<std::string> out;
  for (size_t i = 0; i < rows.size(); ++i) add_once(out, rows.text(i, 0).value_or(""));
  return out;
}

void delivery_recorder::move_purchase(const std::string& from, const std::string& into) {
  for (const char* sql : {kMoveEvents, kMoveLinks, kMoveLegacyRows, kMoveSubscriptionClicks}) {
    db_.execute_later(sql, tenant_and(from, into));
  }
  db_.execute_later(kLink, tenant_and(from, into));  // its row, which named it, goes
}

// After `into`'s row is saved (the postback's row must exist first).
void delivery_recorder::retire_purchase(const std::string& from, const std::string& into) {
  db_.execute_later(kMovePostback, tenant_and(from, into));
  db_.execute_later(kDeletePostback, tenant_and(from));
  db_.execute_later(kDeleteConversion, tenant_and(from));
}

// Rows recorded before events were kept take part as conversions: the sale
// as it stood (when it had an amount), and what had been reversed as a
// cumulative refund. Returns how many were added.
int64_t add_legacy(const conversion_row& r, std::vector<clickref_conversion>& out) {
  clickref_conversion sale{};
  sale.status = r.status == CLICKREF_CONVERSION_REVERSED ? CLICKREF_CONVERSION_APPROVED : r.status;
  sale.amount = r.amount.value_or(0);
  sale.created = r.first_event_at;
  sale.livemode = r.livemode;
  sale.currency = r.currency ? borrow(*r.currency) : clickref_str{};
  sale.customer_email = r.customer_email ? borrow(*r.customer_email) : clickref_str{};
  sale.payment_link = r.payment_link ? borrow(*r.payment_link) : clickref_str{};
  if (r.click_id) {
    sale.click_id = borrow(*r.click_id);
    sale.click_id_valid = r.click_id_valid;
    sale.click_id_source = r.click_id_source == std::string("metadata") ? CLICKREF_CLICK_ID_METADATA
                                                                         : CLICKREF_CLICK_ID_CLIENT_REFERENCE_ID;
  }
  if (r.amount) out.push_back(sale);
  clickref_conversion reversal{};
  reversal.effect = CLICKREF_EFFECT_REFUND;
  reversal.amount_refunded = r.reversed_amount;
  reversal.created = r.last_event_at;
  out.push_back(reversal);
  return r.amount ? 2 : 1;
}

conversion_row delivery_recorder::fold(const std::string& key) {
  std::vector<clickref_conversion> conversions;
  const sql_rows stored = db_.query(kEventConversions, tenant_and(key));  // the conversions point into it
  for (size_t i = 0; i < stored.size(); ++i) {
    clickref_conversion c{};
    if (decode_conversion(*stored.text(i, 0), c)) conversions.push_back(c);
  }
  const sql_rows legacy_rows = db_.query(kLegacyRows, tenant_and(key));
  std::vector<conversion_row> legacy;
  for (size_t i = 0; i < legacy_rows.size(); ++i) legacy.push_back(read_row(legacy_rows, i));
  int64_t legacy_events = 0;  // the events the old rows had merged, in place of the conversions standing for them
  for (const conversion_row& r : legacy) legacy_events += r.events - add_legacy(r, conversions);

  conversion_row row = fold_purchase(key, conversions);
  row.events += legacy_events;
  row.sale = row.sale || !legacy.empty();
  return credited(std::move(row));
}

conversion_row delivery_recorder::credited(conversion_row row) const {
  if (!row.click_id) credit_promotion(row);
  return row;
}

void delivery_recorder::credit_promotion(conversion_row& row) const {
  if (!rules_.promotions) return;
  for (const auto* code : {&row.promotion_code, &row.coupon}) {
    if (!*code) continue;
    const auto mapped = rules_.promotions->find(**code);
    if (mapped == rules_.promotions->end()) continue;
    row.click_id = mapped->second;
    row.click_id_valid = true;  // checked when the configuration was read
    row.click_id_source = "promotion_code";
    return;
  }
}

// A renewal the policy does not credit is recorded without a click id, even
// one its invoice carries: an invoice carries its subscription's metadata,
// which is the subscription's click, not a new one. (With the subscription's
// first payment not yet seen, only "first" can tell.) Any other purchase of
// the subscription without a click id of its own is credited to the
// subscription's.
void delivery_recorder::apply_subscription(conversion_row& row, const subscription_click* sub) const {
  if (row.recurrence == CLICKREF_RECURRENCE_RENEWAL &&
      !(sub ? rules_.renewals.credits(sub->bought_at, row.first_event_at) : rules_.renewals.credits_renewals())) {
    row.click_id.reset();
    row.click_id_valid = false;
    row.click_id_source.reset();
    return;
  }
  if (sub && !row.attributed()) {
    row.click_id = sub->click_id;
    row.click_id_valid = sub->click_id_valid;
    row.click_id_source = "subscription";
  }
}

std::optional<delivery_recorder::subscription_click> delivery_recorder::subscription_click_of(
    const std::string& account, const std::string& sub) {
  sql_args args = tenant_and(account, sub);
  const sql_rows rows = db_.query(kSubscriptionClick, args);
  if (rows.empty()) return std::nullopt;
  return subscription_click{rows.text(0, 0).value_or(""), rows.integer(0, 1) != 0, rows.text(0, 2).value_or(""),
                            rows.integer(0, 3), rows.text(0, 4).value_or("")};
}

// Makes `row`'s click the subscription's when it is the subscription's
// earliest attributed purchase (or already was, and its click changed).
// Returns whether the subscription's click changed.
bool delivery_recorder::adopt_subscription_click(const conversion_row& row, std::optional<subscription_click>& sub) {
  if (!row.attributed()) return false;
  const subscription_click mine{*row.click_id, row.click_id_valid, *row.click_id_source, row.first_event_at,
                                row.dedupe_key};
  if (sub) {
    const bool earlier = std::tie(mine.bought_at, mine.purchase) < std::tie(sub->bought_at, sub->purchase);
    if (sub->purchase != mine.purchase && !earlier) return false;
    if (std::tie(sub->click_id, sub->click_id_valid, sub->click_id_source, sub->bought_at, sub->purchase) ==
        std::tie(mine.click_id, mine.click_id_valid, mine.click_id_source, mine.bought_at, mine.purchase)) {
      return false;
    }
  }
  sub = mine;
  db_.execute_later(kSetSubscriptionClick, tenant_and(row.account.value_or(""), *row.subscription)
                                               .bytes(mine.click_id)
                                               .flag(mine.click_id_valid)
                                               .bytes(mine.click_id_source)
                                               .integer(mine.bought_at)
                                               .bytes(mine.purchase));
  return true;
}

// The subscription's other purchases, folded and credited again under its
// new click. Returns whether a postback was queued.
bool delivery_recorder::recredit_subscription(const conversion_row& buyer, const subscription_click& sub) {
  const sql_rows rows = db_.query(kSubscriptionRows, tenant_and(buyer.account.value_or(""), *buyer.subscription));
  bool queued = false;
  for (size_t i = 0; i < rows.size(); ++i) {
    const conversion_row stored = read_row(rows, i);
    if (stored.dedupe_key == buyer.dedupe_key) continue;
    hold(stored.dedupe_key);
    conversion_row row = fold(stored.dedupe_key);
    apply_subscription(row, &sub);
    if (std::tie(row.click_id, row.click_id_valid, row.click_id_source) ==
        std::tie(stored.click_id, stored.click_id_valid, stored.click_id_source)) {
      continue;
    }
    save(row);
    queued = queue_postback(row) || queued;
  }
  return queued;
}

void delivery_recorder::save(const conversion_row& row) {
  db_.execute_later(kUpsertConversion, row_args(row).bytes(tenant_));
}

bool delivery_recorder::queue_postback(const conversion_row& row) {
  if (!rules_.postback) return false;
  const auto url = rules_.postback(row);
  if (!url) return false;
  sql_args args;
  args.bytes(row.dedupe_key).bytes(*url).integer(unix_ms_now()).bytes(tenant_);
  return db_.execute(kInsertPostback, args) == 1;
}

record_result delivery_recorder::record(const delivery& d) {
  const clickref_conversion& c = *d.conversion;
  record_result result;

  // Which purchases the event's ids already belong to, read under locks on
  // the ids and on those purchases, until no new purchase turns up.
  // The ids' locks are taken in one order everywhere, so that two
  // deliveries sharing ids never wait for each other in a cycle.
  const std::vector<std::string> ids = purchase_ids(c);
  std::vector<std::string> by_lock = ids;
  std::sort(by_lock.begin(), by_lock.end(), [this](const std::string& a, const std::string& b) {
    return lock_key(tenant_, a) < lock_key(tenant_, b);
  });
  for (const auto& id : by_lock) hold(id);
  std::vector<std::string> purchases;
  for (bool waited = true; waited;) {
    purchases = linked_purchases(ids);
    waited = false;
    for (const auto& p : purchases) waited = hold(p) || waited;
  }
  std::string key = ids.front();
  for (const auto& candidate : ids) {
    if (names_better(candidate, key)) key = candidate;
  }
  for (const auto& p : purchases) {
    if (names_better(p, key)) key = p;
  }

  sql_args event;
  event.bytes(view(c.event_id)).bytes(view(c.event_type)).bytes(view(c.dedupe_key)).integer(d.received_at);
  event.bytes(tenant_).bytes(key).bytes(encode_conversion(c));
  if (db_.execute(kInsertEvent, event) == 0) return result;  // seen before
  result.outcome = record_outcome::recorded;

  for (const auto& p : purchases) {
    if (p != key) move_purchase(p, key);
  }
  for (const auto& id : ids) {
    if (id != key) db_.execute_later(kLink, tenant_and(id, key));
  }

  // A purchase none of whose ids was linked before is this event alone: its
  // row needs no reading back (the common case: every purchase's first event).
  conversion_row row = purchases.empty() ? credited(fold_purchase(key, {c})) : fold(key);
  std::optional<subscription_click> sub;
  bool sub_changed = false;
  if (row.subscription) {
    const std::string account = row.account.value_or("");
    hold("subscription:" + qualified(account, *row.subscription));
    sub = subscription_click_of(account, *row.subscription);
    sub_changed = adopt_subscription_click(row, sub);
    apply_subscription(row, sub ? &*sub : nullptr);
  }
  save(row);
  for (const auto& p : purchases) {
    if (p != key) retire_purchase(p, key);
  }
  result.postback_queued = queue_postback(row);
  if (sub_changed) result.postback_queued = recredit_subscription(row, *sub) || result.postback_queued;
  result.row = std::move(row);
  return result;
}

}  // namespace

record_result record_delivery(sql_session& db, std::string_view tenant, const delivery& d,
                              const crediting_rules& rules) {
  return delivery_recorder(db, tenant, rules).record(d);
}

}  // namespace server
