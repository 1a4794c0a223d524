// Parsing Stripe events: the event's storage, the simdjson DOM parse, and
// the mapping of simdjson's errors to clickref statuses.
//
// simdjson's DOM parser rather than On-Demand: it validates the whole
// document (On-Demand checks only what is read, so a malformed value in an
// ignored field would pass) and enforces the nesting limit itself, and it
// costs no more than On-Demand made to visit and validate every value
// (tests/bench/bench_event.cpp times both). Its strings are unescaped into
// the parser's buffer, so the event keeps copies of the few it reads.
#include <clickref/event.hpp>

#include "error_detail.hpp"
#include "event_reader.hpp"
#include "event_state.hpp"
#include "json_diagnosis.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace clickref {

using detail::report;

namespace {

static_assert(detail::event_state::kPadding == simdjson::SIMDJSON_PADDING,
              "the event's padding is simdjson's");

// Stripe objects nest a handful of levels (an expanded object adds a few);
// anything far deeper is not an event, and the limit bounds the parser's
// per-level memory.
constexpr size_t kMaxDepth = 64;

// Buffers grown beyond this for one large payload are released afterwards,
// so that a long-lived parser or event does not keep them.
constexpr size_t kRetainedBytes = size_t{1} << 20;

}  // namespace

// ---------------------------------------------------------------- event_state

namespace detail {

void event_state::reset(std::string_view json) {
  // [payload | padding | scratch of payload size + padding]
  const size_t needed = 2 * (json.size() + kPadding);
  const bool too_small = capacity < needed;
  const bool wasteful = capacity > kRetainedBytes && needed <= kRetainedBytes;
  if (too_small || wasteful) {
    buffer.reset();  // release first: the old and new buffers need not coexist
    capacity = 0;
    buffer.reset(new char[needed]);
    capacity = needed;
  }
  if (!json.empty()) std::memcpy(buffer.get(), json.data(), json.size());
  std::memset(buffer.get() + json.size(), 0, kPadding);
  payload_size = json.size();
  scratch_used = 0;
  scratch_overflow = false;
  if (wasteful) std::vector<metadata_entry>().swap(metadata);
  metadata.clear();

  parsed = false;
  id = type = object_type = currency_upper = std::string_view();
  created = 0;
  livemode = false;
  api_version = account = request_id = idempotency_key = object_id = std::nullopt;
  kind = object_kind::other;
  session = checkout_session_view{};
  charge = charge_view{};
  dispute = dispute_view{};
  invoice = invoice_view{};
  invoice_payment = invoice_payment_view{};
  refund = refund_view{};
  purchase_id = dedupe_key = std::string_view();
  if (wasteful) std::string().swap(connect_key);
  connect_key.clear();
}

std::string_view event_state::keep(std::string_view s) noexcept {
  if (s.size() > scratch_capacity() - scratch_used) {
    scratch_overflow = true;
    return std::string_view();
  }
  char* at = scratch() + scratch_used;
  if (!s.empty()) std::memcpy(at, s.data(), s.size());
  scratch_used += s.size();
  return std::string_view(at, s.size());
}

}  // namespace detail

// ---------------------------------------------------------------- event

event::event() noexcept = default;
event::event(event&&) noexcept = default;
event& event::operator=(event&&) noexcept = default;
event::~event() = default;

bool event::has_value() const noexcept { return state_ && state_->parsed; }

std::string_view event::id() const noexcept { return has_value() ? state_->id : std::string_view(); }
std::string_view event::type() const noexcept { return has_value() ? state_->type : std::string_view(); }
int64_t event::created() const noexcept { return has_value() ? state_->created : 0; }
bool event::livemode() const noexcept { return has_value() && state_->livemode; }

std::optional<std::string_view> event::api_version() const noexcept {
  return has_value() ? state_->api_version : std::nullopt;
}
std::optional<std::string_view> event::account() const noexcept {
  return has_value() ? state_->account : std::nullopt;
}
std::optional<std::string_view> event::request_id() const noexcept {
  return has_value() ? state_->request_id : std::nullopt;
}
std::optional<std::string_view> event::idempotency_key() const noexcept {
  return has_value() ? state_->idempotency_key : std::nullopt;
}
std::string_view event::object_type() const noexcept {
  return has_value() ? state_->object_type : std::string_view();
}
std::optional<std::string_view> event::object_id() const noexcept {
  return has_value() ? state_->object_id : std::nullopt;
}

const checkout_session_view* event::checkout_session() const noexcept {
  return has_value() && state_->kind == detail::object_kind::checkout_session ? &state_->session : nullptr;
}
const charge_view* event::charge() const noexcept {
  return has_value() && state_->kind == detail::object_kind::charge ? &state_->charge : nullptr;
}
const dispute_view* event::dispute() const noexcept {
  return has_value() && state_->kind == detail::object_kind::dispute ? &state_->dispute : nullptr;
}
const invoice_view* event::invoice() const noexcept {
  return has_value() && state_->kind == detail::object_kind::invoice ? &state_->invoice : nullptr;
}
const invoice_payment_view* event::invoice_payment() const noexcept {
  return has_value() && state_->kind == detail::object_kind::invoice_payment ? &state_->invoice_payment
                                                                                  : nullptr;
}
const refund_view* event::refund() const noexcept {
  return has_value() && state_->kind == detail::object_kind::refund ? &state_->refund : nullptr;
}

std::string_view event::payload() const noexcept {
  return has_value() ? std::string_view(state_->payload(), state_->payload_size) : std::string_view();
}

std::optional<std::string_view> metadata_view::find(std::string_view key) const noexcept {
  auto by_key = [](const metadata_entry& e, std::string_view k) { return e.key < k; };
  const metadata_entry* it = std::lower_bound(begin(), end(), key, by_key);
  if (it == end() || it->key != key) return std::nullopt;
  return it->value;
}

// ---------------------------------------------------------------- event_parser

struct event_parser::impl {
  simdjson::dom::parser json;
};

event_parser::event_parser() noexcept = default;
event_parser::event_parser(event_parser&&) noexcept = default;
event_parser& event_parser::operator=(event_parser&&) noexcept = default;
event_parser::~event_parser() = default;

namespace {

// The clickref status for a simdjson error, and where in the payload the
// problem is when that can be told.
status status_of(simdjson::error_code error, std::string_view payload, size_t& offset) {
  offset = 0;
  switch (error) {
    case simdjson::SUCCESS:
      return CLICKREF_OK;
    case simdjson::MEMALLOC:
      throw std::bad_alloc();
    case simdjson::DEPTH_ERROR:
      return CLICKREF_E_JSON_TOO_DEEP;
    case simdjson::UTF8_ERROR:
      offset = detail::first_invalid_utf8(payload);
      return CLICKREF_E_JSON;
    case simdjson::NUMBER_ERROR: {
      // Both a malformed number and one beyond 64 bits; tell them apart.
      const detail::number_problem problem = detail::find_number_problem(payload);
      offset = problem.offset;
      return problem.out_of_range ? CLICKREF_E_BAD_FIELD : CLICKREF_E_JSON;
    }
    case simdjson::TAPE_ERROR:
    case simdjson::STRING_ERROR:
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
    case simdjson::EMPTY:
    case simdjson::UNESCAPED_CHARS:
    case simdjson::UNCLOSED_STRING:
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
    case simdjson::TRAILING_CONTENT:
      return CLICKREF_E_JSON;
    default:
      return CLICKREF_E_INTERNAL;
  }
}

}  // namespace

status event_parser::parse(std::string_view payload, event& out, clickref_error* err) {
  if (!impl_) impl_ = std::make_unique<impl>();
  if (!out.state_) out.state_ = std::make_unique<detail::event_state>();
  detail::event_state& st = *out.state_;
  simdjson::dom::parser& json = impl_->json;
  if (payload.size() > json.max_capacity()) {  // 4 GiB: refused before it is copied
    st.reset({});
    return report(err, CLICKREF_E_INVALID_ARGUMENT);
  }
  st.reset(payload);

  // simdjson grows the parser by itself, but with its default depth limit;
  // growing it here sets ours, in steps that keep a stream of slowly growing
  // payloads from reallocating every time.
  if (json.capacity() < payload.size()) {
    const size_t grown = std::min(std::max(payload.size(), 2 * json.capacity()), json.max_capacity());
    if (json.allocate(grown, kMaxDepth) == simdjson::MEMALLOC) throw std::bad_alloc();
  }
  simdjson::dom::element root;
  const simdjson::error_code error = json.parse(st.payload(), payload.size(), false).get(root);
  size_t offset = 0;
  status s = status_of(error, payload, offset);
  if (s == CLICKREF_OK) s = detail::read_event(root, st);
  if (s == CLICKREF_OK && st.scratch_overflow) s = CLICKREF_E_INTERNAL;
  if (payload.size() > kRetainedBytes) json = simdjson::dom::parser();
  if (s != CLICKREF_OK) return report(err, s, offset);
  st.parsed = true;
  return CLICKREF_OK;
}

result<event> event_parser::parse(std::string_view payload, clickref_error* err) {
  event ev;
  if (status s = parse(payload, ev, err); s != CLICKREF_OK) return s;
  return ev;
}

result<event> parse_event(std::string_view payload, clickref_error* err) {
  // Setting up a parser's buffers (about 13 times the payload) for every
  // event cost the C API row of clickref_bench 7%, and the C ABI, which
  // parses through here, has no parser handle to keep. The parser gives
  // back what it grew for a payload over 1 MiB, so a thread keeps little.
  thread_local event_parser parser;
  return parser.parse(payload, err);
}

}  // namespace clickref
