#include "postgres.hpp"

#include <libpq-fe.h>

#include <climits>
#include <cstring>
#include <utility>

namespace server::postgres {
namespace {

// The type OIDs of the parameters we send (pg_type.oid, fixed since 7.x).
constexpr unsigned kBool = 16;
constexpr unsigned kBytea = 17;
constexpr unsigned kInt8 = 20;
constexpr unsigned kInt2 = 21;
constexpr unsigned kInt4 = 23;
constexpr unsigned kText = 25;

constexpr int kTextFormat = 0;
constexpr int kBinaryFormat = 1;

// Like SQLite's busy timeout: a delivery waits this long for a lock or a
// slow statement, then fails with a 503 that Stripe retries, rather than
// holding a request thread forever.
constexpr const char* kSessionSettings =
    "SET statement_timeout = 5000; SET lock_timeout = 5000; "
    // Durability is the contract: a 200 is sent only after COMMIT returned,
    // so COMMIT must not return before the WAL is flushed, whatever the
    // database's default.
    "SET synchronous_commit = on; "
    "SET client_min_messages = warning";

// Used when the URI sets none: connecting to an unreachable host fails the
// request instead of blocking it for the kernel's TCP timeout.
constexpr const char* kConnectTimeoutS = "5";

std::string message_of(const char* text) {
  std::string m = text ? text : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

error failure(PGconn* conn, const PGresult* res, std::string_view doing) {
  std::string what(doing);
  what += ": ";
  what += message_of(res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  return error(what, state ? state : "");
}

[[noreturn]] void fail(PGconn* conn, const PGresult* res, std::string_view doing) {
  throw failure(conn, res, doing);
}

// libpq prints the server's notices to stderr unless told otherwise; the
// server's stderr is its JSON log.
void ignore_notice(void*, const char*) {}

void configure(PGconn* conn) {
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  const result settings(PQexec(conn, kSessionSettings));
  if (!settings.ok()) fail(conn, settings.get(), "configure the session");
}

// The statements are written with SQLite's ?N parameters (store_sql.hpp);
// PostgreSQL numbers them $N. None of them has a ? inside a literal.
std::string with_dollar_parameters(const char* sql) {
  std::string out(sql);
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '?' && out[i + 1] >= '0' && out[i + 1] <= '9') out[i] = '$';
  }
  return out;
}

int64_t big_endian(const char* p, int length) {
  uint64_t v = 0;
  for (int i = 0; i < length; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  // Sign-extend the shorter integer types.
  if (length < 8 && length > 0 && (static_cast<unsigned char>(p[0]) & 0x80)) v |= ~uint64_t{0} << (8 * length);
  return static_cast<int64_t>(v);
}

}  // namespace

void params::push(unsigned type, std::optional<std::string> value, int format) {
  if (value && value->size() > static_cast<size_t>(INT_MAX)) throw error("value too large for PostgreSQL", "54000");
  lengths_.push_back(value ? static_cast<int>(value->size()) : 0);
  types_.push_back(type);
  values_.push_back(std::move(value));
  formats_.push_back(format);
}

params& params::add(std::string_view bytes) {
  push(kBytea, std::string(bytes), kBinaryFormat);
  return *this;
}

params& params::add(const std::optional<std::string>& bytes) {
  push(kBytea, bytes, kBinaryFormat);
  return *this;
}

params& params::add_word(std::string_view word) {
  push(kText, std::string(word), kBinaryFormat);
  return *this;
}

params& params::add_word(const std::optional<std::string>& word) {
  push(kText, word, kBinaryFormat);
  return *this;
}

params& params::add(int64_t value) {
  push(kInt8, std::to_string(value), kTextFormat);
  return *this;
}

params& params::add(const std::optional<int64_t>& value) {
  push(kInt8, value ? std::optional<std::string>(std::to_string(*value)) : std::nullopt, kTextFormat);
  return *this;
}

params& params::add_flag(bool value) {
  push(kBool, std::string(value ? "t" : "f"), kTextFormat);
  return *this;
}

const char* const* params::values() const {
  pointers_.clear();
  for (const auto& v : values_) pointers_.push_back(v ? v->data() : nullptr);
  return pointers_.data();
}

result::~result() { PQclear(res_); }

bool result::ok() const {
  const auto status = PQresultStatus(res_);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

int result::rows() const { return PQntuples(res_); }

int result::columns() const { return PQnfields(res_); }

bool result::is_integer(int column) const {
  switch (PQftype(res_, column)) {
    case kInt8:
    case kInt4:
    case kInt2:
    case kBool:
      return true;
    default:
      return false;
  }
}

int64_t result::changed() const {
  const char* n = PQcmdTuples(res_);
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

std::optional<std::string> result::bytes(int row, int column) const {
  if (PQgetisnull(res_, row, column)) return std::nullopt;
  return std::string(PQgetvalue(res_, row, column), static_cast<size_t>(PQgetlength(res_, row, column)));
}

int64_t result::integer(int row, int column) const { return nullable_integer(row, column).value_or(0); }

std::optional<int64_t> result::nullable_integer(int row, int column) const {
  if (PQgetisnull(res_, row, column)) return std::nullopt;
  const int length = PQgetlength(res_, row, column);
  if (length != 1 && length != 2 && length != 4 && length != 8) {
    throw error("column " + std::to_string(column) + " is not an integer", "");
  }
  return big_endian(PQgetvalue(res_, row, column), length);
}

connection::connection(const std::string& uri) {
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {kConnectTimeoutS, uri.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn_) throw error("connect: out of memory", "");
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string what = "connect: " + message_of(PQerrorMessage(conn_));
    PQfinish(conn_);
    throw error(what, "");
  }
  try {
    configure(conn_);
  } catch (...) {
    PQfinish(conn_);
    throw;
  }
}

connection::~connection() { PQfinish(conn_); }

void connection::reconnect_if_lost() {
  if (PQstatus(conn_) == CONNECTION_OK) return;
  prepared_.clear();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) fail(conn_, nullptr, "reconnect");
  configure(conn_);
}

bool connection::worth_another_try(bool was_idle) const { return was_idle && PQstatus(conn_) == CONNECTION_BAD; }

void connection::exec(const char* sql) {
  if (!queued_.empty()) run_queued(nullptr);
  const bool idle = PQtransactionStatus(conn_) == PQTRANS_IDLE;
  try {
    exec_once(sql);
  } catch (const error&) {
    if (!worth_another_try(idle)) throw;
    exec_once(sql);
  }
}

result connection::run(const char* sql, const params& args) {
  const statement last{sql, &args};
  return run_queued(&last);
}

void connection::run_later(const char* sql, params args) { queued_.push_back({sql, std::move(args)}); }

// Prepared once per connection like any statement, so that they can go in
// a pipeline (which takes no simple queries).
constexpr const char* kBegin = "BEGIN";
constexpr const char* kCommit = "COMMIT";

void connection::begin() { run_later(kBegin, params()); }

void connection::commit() { run(kCommit); }

void connection::rollback() {
  queued_.clear();
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) exec("ROLLBACK");
}

result connection::run_queued(const statement* last) {
  // Taken off the queue whatever happens: after a failure the transaction
  // is rolled back.
  const std::vector<queued> sending = std::exchange(queued_, {});
  std::vector<statement> batch;
  for (const queued& q : sending) batch.push_back({q.sql, &q.args});
  if (last) batch.push_back(*last);
  const bool idle = PQtransactionStatus(conn_) == PQTRANS_IDLE;
  try {
    return run_once(batch);
  } catch (const error&) {
    if (!worth_another_try(idle)) throw;
  }
  return run_once(batch);
}

void connection::exec_once(const char* sql) {
  reconnect_if_lost();
  const result res(PQexec(conn_, sql));
  if (!res.ok()) fail(conn_, res.get(), "exec");
}

const std::string& connection::prepared(const statement& s) {
  auto found = prepared_.find(s.sql);
  if (found == prepared_.end()) {
    const std::string name = "clickref_" + std::to_string(prepared_.size());
    const std::string text = with_dollar_parameters(s.sql);
    const result res(PQprepare(conn_, name.c_str(), text.c_str(), s.args->size(), s.args->types()));
    if (!res.ok()) fail(conn_, res.get(), "prepare");
    found = prepared_.emplace(s.sql, name).first;
  }
  return found->second;
}

result connection::run_once(const std::vector<statement>& batch) {
  reconnect_if_lost();
  // Statements are prepared (once per connection) before the batch is sent.
  std::vector<const std::string*> names;
  for (const statement& s : batch) names.push_back(&prepared(s));
  if (batch.size() == 1) {
    const params& args = *batch[0].args;
    result res(PQexecPrepared(conn_, names[0]->c_str(), args.size(), args.values(), args.lengths(), args.formats(),
                              kBinaryFormat));
    if (!res.ok()) fail(conn_, res.get(), "query");
    return res;
  }
  // One round trip for them all: the server runs each in turn (a statement
  // after one that waited for a lock reads what was committed meanwhile),
  // and skips the rest after a failure, up to the sync.
  if (!PQenterPipelineMode(conn_)) fail(conn_, nullptr, "enter pipeline mode");
  for (size_t i = 0; i < batch.size(); ++i) {
    const params& args = *batch[i].args;
    if (!PQsendQueryPrepared(conn_, names[i]->c_str(), args.size(), args.values(), args.lengths(), args.formats(),
                             kBinaryFormat)) {
      fail(conn_, nullptr, "send");
    }
  }
  if (!PQpipelineSync(conn_)) fail(conn_, nullptr, "send");
  std::optional<error> first_failure;
  std::optional<result> last;
  for (size_t i = 0; i < batch.size(); ++i) {
    result res(PQgetResult(conn_));
    if (!res.get() || PQstatus(conn_) == CONNECTION_BAD) throw failure(conn_, res.get(), "query");  // lost
    const result end(PQgetResult(conn_));  // null: the end of this statement's results
    if (!res.ok() && !first_failure) first_failure = failure(conn_, res.get(), "query");
    if (i + 1 == batch.size()) last.emplace(std::move(res));
  }
  const result sync(PQgetResult(conn_));
  if (PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC || !PQexitPipelineMode(conn_)) {
    throw failure(conn_, sync.get(), "end the pipeline");
  }
  if (first_failure) throw *first_failure;
  return std::move(*last);
}

}  // namespace server::postgres
