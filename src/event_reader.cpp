// The Stripe shapes clickref reads: the Event envelope, and Checkout
// Sessions, Charges, Disputes, Invoices, InvoicePayments and Refunds in
// data.object (docs.stripe.com/api), in the shapes of every API version
// from 2020-08-27 on.
#include "event_reader.hpp"

#include "currency.hpp"
#include "json_members.hpp"
#include "purchase_id.hpp"

#include <algorithm>
#include <array>

namespace clickref::detail {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

enum envelope_key : size_t {
  e_id,
  e_object,
  e_type,
  e_created,
  e_livemode,
  e_api_version,
  e_account,
  e_request,
  e_data,
  e_count
};
constexpr key_table<e_count> kEnvelopeKeys("id", "object", "type", "created", "livemode", "api_version",
                                           "account", "request", "data");

// The members of every object kind clickref reads, in one table: data.object's
// type is only known once its "object" member has been found, wherever it is.
enum object_key : size_t {
  o_object,
  o_id,
  o_client_reference_id,
  o_amount_total,
  o_amount_subtotal,
  o_currency,
  o_customer_details,
  o_customer_email,
  o_payment_status,
  o_status,
  o_mode,
  o_payment_intent,
  o_payment_link,
  o_subscription,
  o_invoice,
  o_customer,
  o_metadata,
  o_total_details,
  o_amount,
  o_amount_captured,
  o_amount_refunded,
  o_billing_details,
  o_receipt_email,
  o_paid,
  o_refunded,
  o_charge,
  o_amount_paid,
  o_amount_due,
  o_billing_reason,
  o_discounts,
  o_discount,
  o_parent,
  o_subscription_details,
  o_payment,
  o_count
};
constexpr key_table<o_count> kObjectKeys("object", "id", "client_reference_id", "amount_total",
                                         "amount_subtotal", "currency", "customer_details", "customer_email",
                                         "payment_status", "status", "mode", "payment_intent", "payment_link",
                                         "subscription", "invoice", "customer", "metadata", "total_details",
                                         "amount", "amount_captured", "amount_refunded", "billing_details",
                                         "receipt_email", "paid", "refunded", "charge", "amount_paid",
                                         "amount_due", "billing_reason", "discounts", "discount", "parent",
                                         "subscription_details", "payment");

constexpr key_table<1> kDataKeys("object");
constexpr key_table<1> kIdKey("id");
constexpr key_table<1> kEmailKey("email");
constexpr key_table<2> kRequestKeys("id", "idempotency_key");
enum total_details_key : size_t { t_amount_discount, t_amount_tax, t_count };
constexpr key_table<t_count> kTotalDetailsKeys("amount_discount", "amount_tax");
enum discount_key : size_t { d_promotion_code, d_coupon, d_source, d_count };
constexpr key_table<d_count> kDiscountKeys("promotion_code", "coupon", "source");
constexpr key_table<1> kCouponKey("coupon");
constexpr key_table<1> kSubscriptionDetailsKey("subscription_details");
enum subscription_details_key : size_t { sd_subscription, sd_metadata, sd_count };
constexpr key_table<sd_count> kSubscriptionDetailsKeys("subscription", "metadata");
enum payment_key : size_t { p_payment_intent, p_charge, p_count };
constexpr key_table<p_count> kPaymentKeys("payment_intent", "charge");

object_kind kind_of(std::string_view object_type) {
  if (object_type == "checkout.session") return object_kind::checkout_session;
  if (object_type == "charge") return object_kind::charge;
  if (object_type == "dispute") return object_kind::dispute;
  if (object_type == "invoice") return object_kind::invoice;
  if (object_type == "invoice_payment") return object_kind::invoice_payment;
  if (object_type == "refund") return object_kind::refund;
  return object_kind::other;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The object an event type carries in data.object, when it is one clickref
// reads: Stripe names events after their object.
std::optional<object_kind> kind_for_type(std::string_view type) {
  if (starts_with(type, "checkout.session.")) return object_kind::checkout_session;
  if (starts_with(type, "charge.dispute.")) return object_kind::dispute;
  if (starts_with(type, "charge.refund.")) return object_kind::refund;
  if (starts_with(type, "charge.")) return object_kind::charge;
  if (starts_with(type, "invoice.")) return object_kind::invoice;
  if (starts_with(type, "invoice_payment.")) return object_kind::invoice_payment;
  if (starts_with(type, "refund.")) return object_kind::refund;
  return std::nullopt;
}

// Reads fields into the event state. Each reader leaves its output empty for
// an absent or null member; the first problem met is the one reported, and
// readers called after it change nothing that matters (the parse fails).
class event_reader {
 public:
  explicit event_reader(event_state& st) : st_(st) {}

  status read(element root) {
    object envelope;
    if (root.get_object().get(envelope) != simdjson::SUCCESS) return CLICKREF_E_NOT_AN_EVENT;
    read_envelope(envelope);
    // The metadata vector has stopped growing: its ranges can become views.
    for (size_t i = 0; i < pending_count_; ++i) {
      const pending_metadata& p = pending_[i];
      *p.view = metadata_view(st_.metadata.data() + p.begin, p.size);
    }
    if (error_ == CLICKREF_OK) set_purchase_id(st_);
    return error_;
  }

 private:
  void read_envelope(object envelope) {
    const members<e_count> m(envelope, kEnvelopeKeys);
    // "object": "event" tells an Event from other JSON (a v2 thin event says
    // "v2.core.event" and has no data.object).
    std::string_view object_type;
    if (m[e_object].repeated) return fail(CLICKREF_E_BAD_FIELD);
    if (!m[e_object].present || m[e_object].value.get_string().get(object_type) != simdjson::SUCCESS ||
        object_type != "event") {
      return fail(CLICKREF_E_NOT_AN_EVENT);
    }
    std::optional<std::string_view> id, type;
    std::optional<int64_t> created;
    std::optional<bool> livemode;
    string(m[e_id], id);
    string(m[e_type], type);
    integer(m[e_created], created);
    boolean(m[e_livemode], livemode);
    st_.id = require_non_empty(id, CLICKREF_E_NOT_AN_EVENT);
    st_.type = require_non_empty(type, CLICKREF_E_NOT_AN_EVENT);
    st_.created = require(created, CLICKREF_E_NOT_AN_EVENT);
    st_.livemode = require(livemode, CLICKREF_E_NOT_AN_EVENT);
    string(m[e_api_version], st_.api_version);
    string(m[e_account], st_.account);
    request(m[e_request]);

    object data, data_object;
    if (!required_object(m[e_data], CLICKREF_E_NOT_AN_EVENT, data)) return;
    if (!required_object(members<1>(data, kDataKeys)[0], CLICKREF_E_NOT_AN_EVENT, data_object)) return;
    read_data_object(data_object);
  }

  // `request` is {"id", "idempotency_key"}, or before API version 2017-05-25
  // the request id as a bare string.
  void request(const member& m) {
    if (!m.absent_or_null() && m.value.is_string()) return string(m, st_.request_id);
    object request;
    if (!optional_object(m, request)) return;
    const members<2> r(request, kRequestKeys);
    string(r[0], st_.request_id);
    string(r[1], st_.idempotency_key);
  }

  void read_data_object(object data_object) {
    const members<o_count> m(data_object, kObjectKeys);
    std::optional<std::string_view> object_type;
    string(m[o_object], object_type);
    st_.object_type = object_type.value_or(std::string_view());
    string(m[o_id], st_.object_id);
    st_.kind = kind_of(st_.object_type);
    if (const auto expected = kind_for_type(st_.type); expected && *expected != st_.kind) {
      return fail(CLICKREF_E_BAD_FIELD);
    }
    switch (st_.kind) {
      case object_kind::checkout_session:
        return session(m);
      case object_kind::charge:
        return charge(m);
      case object_kind::dispute:
        return dispute(m);
      case object_kind::invoice:
        return invoice(m);
      case object_kind::invoice_payment:
        return invoice_payment(m);
      case object_kind::refund:
        return refund(m);
      case object_kind::other:
        return;
    }
  }

  void session(const members<o_count>& m) {
    checkout_session_view& s = st_.session;
    s.id = require_non_empty(st_.object_id, CLICKREF_E_BAD_FIELD);
    std::optional<std::string_view> mode, payment_status;
    string(m[o_mode], mode);
    string(m[o_payment_status], payment_status);
    s.mode = require(mode, CLICKREF_E_BAD_FIELD);
    s.payment_status = require(payment_status, CLICKREF_E_BAD_FIELD);
    string(m[o_status], s.status);
    string(m[o_client_reference_id], s.client_reference_id);
    integer(m[o_amount_total], s.amount_total);
    integer(m[o_amount_subtotal], s.amount_subtotal);
    currency(m[o_currency], s.currency);
    nested_string(m[o_customer_details], kEmailKey, s.customer_details_email);
    string(m[o_customer_email], s.customer_email);
    id(m[o_payment_intent], s.payment_intent);
    id(m[o_payment_link], s.payment_link);
    id(m[o_subscription], s.subscription);
    id(m[o_invoice], s.invoice);
    id(m[o_customer], s.customer);
    total_details(m[o_total_details], s);
    discounts(m[o_discounts], s.discount);
    metadata(m[o_metadata], s.metadata);
    // Sessions that take payment always have both; only setup sessions lack them.
    if (s.mode != "setup" && (!s.amount_total || !s.currency)) fail(CLICKREF_E_BAD_FIELD);
  }

  void charge(const members<o_count>& m) {
    charge_view& c = st_.charge;
    c.id = require_non_empty(st_.object_id, CLICKREF_E_BAD_FIELD);
    c.amount = required_integer(m[o_amount]);
    c.amount_refunded = required_integer(m[o_amount_refunded]);
    c.currency = required_currency(m[o_currency]);
    integer(m[o_amount_captured], c.amount_captured);
    id(m[o_payment_intent], c.payment_intent);
    id(m[o_invoice], c.invoice);
    id(m[o_customer], c.customer);
    nested_string(m[o_billing_details], kEmailKey, c.billing_details_email);
    string(m[o_receipt_email], c.receipt_email);
    string(m[o_status], c.status);
    boolean(m[o_paid], c.paid);
    boolean(m[o_refunded], c.refunded);
    metadata(m[o_metadata], c.metadata);
  }

  void dispute(const members<o_count>& m) {
    dispute_view& d = st_.dispute;
    d.id = require_non_empty(st_.object_id, CLICKREF_E_BAD_FIELD);
    d.amount = required_integer(m[o_amount]);
    d.currency = required_currency(m[o_currency]);
    id(m[o_charge], d.charge);
    id(m[o_payment_intent], d.payment_intent);
    string(m[o_status], d.status);
  }

  void invoice(const members<o_count>& m) {
    invoice_view& in = st_.invoice;
    in.id = require_non_empty(st_.object_id, CLICKREF_E_BAD_FIELD);
    in.amount_paid = required_integer(m[o_amount_paid]);
    in.currency = required_currency(m[o_currency]);
    integer(m[o_amount_due], in.amount_due);
    string(m[o_status], in.status);
    string(m[o_billing_reason], in.billing_reason);
    id(m[o_customer], in.customer);
    string(m[o_customer_email], in.customer_email);
    id(m[o_payment_intent], in.payment_intent);
    id(m[o_charge], in.charge);
    metadata(m[o_metadata], in.metadata);
    // Before basil: top-level subscription and subscription_details. From
    // basil on: parent.subscription_details. Stripe sends one or the other;
    // a payload with both is read from the top-level one.
    id(m[o_subscription], in.subscription);
    object parent;
    if (!subscription_details(m[o_subscription_details], in) && optional_object(m[o_parent], parent))
      subscription_details(members<1>(parent, kSubscriptionDetailsKey)[0], in);
    // `discounts` lists every discount; `discount` (before clover) was the
    // one applied to the whole invoice. The first expanded one wins.
    discounts(m[o_discounts], in.discount);
    if (!in.discount.promotion_code && !in.discount.coupon) discount(m[o_discount], in.discount);
  }

  void invoice_payment(const members<o_count>& m) {
    invoice_payment_view& ip = st_.invoice_payment;
    ip.id = require_non_empty(st_.object_id, CLICKREF_E_BAD_FIELD);
    std::optional<std::string_view> invoice_id;
    id(m[o_invoice], invoice_id);
    ip.invoice = require_non_empty(invoice_id, CLICKREF_E_BAD_FIELD);
    ip.currency = required_currency(m[o_currency]);
    integer(m[o_amount_paid], ip.amount_paid);
    string(m[o_status], ip.status);
    object payment;
    if (!optional_object(m[o_payment], payment)) return;
    const members<p_count> p(payment, kPaymentKeys);
    id(p[p_payment_intent], ip.payment_intent);
    id(p[p_charge], ip.charge);
  }

  void refund(const members<o_count>& m) {
    refund_view& r = st_.refund;
    r.id = require_non_empty(st_.object_id, CLICKREF_E_BAD_FIELD);
    r.amount = required_integer(m[o_amount]);
    r.currency = required_currency(m[o_currency]);
    string(m[o_status], r.status);
    id(m[o_charge], r.charge);
    id(m[o_payment_intent], r.payment_intent);
  }

  // ------------------------------------------------------------ field readers

  void string(const member& m, std::optional<std::string_view>& out) {
    if (!usable(m)) return;
    std::string_view s;
    if (m.value.get_string().get(s) != simdjson::SUCCESS) return fail(CLICKREF_E_BAD_FIELD);
    out = st_.keep(s);
  }

  // Integers only: Stripe sends amounts and times as integers, so a
  // fraction, an exponent or a value beyond int64 is not one of its fields.
  void integer(const member& m, std::optional<int64_t>& out) {
    if (!usable(m)) return;
    int64_t value = 0;
    if (m.value.type() != element_type::INT64 || m.value.get_int64().get(value) != simdjson::SUCCESS) {
      return fail(CLICKREF_E_BAD_FIELD);
    }
    out = value;
  }

  void boolean(const member& m, std::optional<bool>& out) {
    if (!usable(m)) return;
    bool value = false;
    if (m.value.get_bool().get(value) != simdjson::SUCCESS) return fail(CLICKREF_E_BAD_FIELD);
    out = value;
  }

  // An expandable field: the id, or the expanded object, whose "id" it takes.
  void id(const member& m, std::optional<std::string_view>& out) {
    if (!m.absent_or_null() && m.value.is_string()) return string(m, out);
    object expanded;
    if (!optional_object(m, expanded)) return;
    string(members<1>(expanded, kIdKey)[0], out);
    if (!out) fail(CLICKREF_E_BAD_FIELD);
  }

  // The one member `key` names inside the object `m` (customer_details.email).
  void nested_string(const member& m, const key_table<1>& key, std::optional<std::string_view>& out) {
    object nested;
    if (optional_object(m, nested)) string(members<1>(nested, key)[0], out);
  }

  void total_details(const member& m, checkout_session_view& s) {
    object totals;
    if (!optional_object(m, totals)) return;
    const members<t_count> t(totals, kTotalDetailsKeys);
    integer(t[t_amount_discount], s.amount_discount);
    integer(t[t_amount_tax], s.amount_tax);
  }

  // subscription_details: {subscription, metadata}; before basil it has only
  // metadata (the subscription is top-level). Returns whether there was one.
  bool subscription_details(const member& m, invoice_view& in) {
    object details;
    if (!optional_object(m, details)) return false;
    const members<sd_count> d(details, kSubscriptionDetailsKeys);
    if (!in.subscription) id(d[sd_subscription], in.subscription);
    metadata(d[sd_metadata], in.subscription_metadata);
    return true;
  }

  // The first entry of `discounts` when it is an object; an unexpanded
  // invoice discount is a bare "di_…" id, which names neither code nor coupon.
  void discounts(const member& m, discount_view& out) {
    if (!usable(m)) return;
    simdjson::dom::array entries;
    if (m.value.get_array().get(entries) != simdjson::SUCCESS) return fail(CLICKREF_E_BAD_FIELD);
    const auto first = entries.begin();
    if (first == entries.end() || (*first).is_string()) return;
    discount(member{true, false, *first}, out);
  }

  // A Checkout Session's {coupon, promotion_code} or an invoice's Discount,
  // whose coupon is `source.coupon` from clover on.
  void discount(const member& m, discount_view& out) {
    object d;
    if (!optional_object(m, d)) return;
    const members<d_count> f(d, kDiscountKeys);
    id(f[d_promotion_code], out.promotion_code);
    id(f[d_coupon], out.coupon);
    object source;
    if (!out.coupon && optional_object(f[d_source], source)) id(members<1>(source, kCouponKey)[0], out.coupon);
  }

  void currency(const member& m, std::optional<std::string_view>& out) {
    string(m, out);
    if (!out) return;
    if (!is_currency_code(*out)) return fail(CLICKREF_E_BAD_FIELD);
    const std::array<char, 3> upper = upper_currency(*out);
    st_.currency_upper = st_.keep(std::string_view(upper.data(), upper.size()));
  }

  // Every value must be a string, as Stripe's always are; a repeated key is
  // a duplicate of a field clickref reads (a click id, possibly).
  void metadata(const member& m, metadata_view& out) {
    object entries;
    if (!optional_object(m, entries)) return;
    std::vector<metadata_entry>& kept = st_.metadata;
    const size_t begin = kept.size();
    for (simdjson::dom::key_value_pair field : entries) {
      std::string_view value;
      if (field.value.get_string().get(value) != simdjson::SUCCESS) return fail(CLICKREF_E_BAD_FIELD);
      kept.push_back({st_.keep(field.key), st_.keep(value)});
    }
    const auto first = kept.begin() + static_cast<std::ptrdiff_t>(begin);
    auto by_key = [](const metadata_entry& a, const metadata_entry& b) { return a.key < b.key; };
    std::sort(first, kept.end(), by_key);
    auto same_key = [](const metadata_entry& a, const metadata_entry& b) { return a.key == b.key; };
    if (std::adjacent_find(first, kept.end(), same_key) != kept.end()) return fail(CLICKREF_E_BAD_FIELD);
    if (pending_count_ == pending_.size()) return fail(CLICKREF_E_INTERNAL);  // a new reader's bug
    pending_[pending_count_++] = {&out, begin, kept.size() - begin};
  }

  // ------------------------------------------------------------ helpers

  // Whether there is a value to read: a repeated key fails the parse, an
  // absent or null member has nothing.
  bool usable(const member& m) {
    if (m.repeated) fail(CLICKREF_E_BAD_FIELD);
    return !m.repeated && !m.absent_or_null();
  }

  // An object member that may be absent or null: true with `out` set when
  // it is an object.
  bool optional_object(const member& m, object& out) {
    if (!usable(m)) return false;
    if (m.value.get_object().get(out) != simdjson::SUCCESS) {
      fail(CLICKREF_E_BAD_FIELD);
      return false;
    }
    return true;
  }

  // The amount or currency of an object that has one: absent or null fails
  // the parse, as a wrong type does.
  int64_t required_integer(const member& m) {
    std::optional<int64_t> value;
    integer(m, value);
    return require(value, CLICKREF_E_BAD_FIELD);
  }

  std::string_view required_currency(const member& m) {
    std::optional<std::string_view> code;
    currency(m, code);
    return require(code, CLICKREF_E_BAD_FIELD);
  }

  bool required_object(const member& m, status if_missing, object& out) {
    if (!m.repeated && m.absent_or_null()) {
      fail(if_missing);
      return false;
    }
    return optional_object(m, out);
  }

  template <class T>
  T require(const std::optional<T>& value, status if_missing) {
    if (!value) fail(if_missing);
    return value.value_or(T{});
  }

  std::string_view require_non_empty(const std::optional<std::string_view>& value, status if_missing) {
    if (!value || value->empty()) fail(if_missing);
    return value.value_or(std::string_view());
  }

  void fail(status s) {
    if (error_ == CLICKREF_OK) error_ = s;
  }

  // A metadata object read into st_.metadata[begin, begin + size), made a
  // view once no further object can move the vector. An invoice has two.
  struct pending_metadata {
    metadata_view* view = nullptr;
    size_t begin = 0;
    size_t size = 0;
  };

  event_state& st_;
  status error_ = CLICKREF_OK;
  std::array<pending_metadata, 2> pending_{};
  size_t pending_count_ = 0;
};

}  // namespace

status read_event(simdjson::dom::element root, event_state& st) { return event_reader(st).read(root); }

}  // namespace clickref::detail
