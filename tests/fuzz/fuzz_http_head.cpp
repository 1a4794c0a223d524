// The reference server's HTTP request-head reader (examples/server/http_parser.hpp).
// Input: the bytes a client sends on a connection.
// Invariants: the end of the head is found the same whether the bytes come
// at once or in two reads; a complete head is refused only with one of the
// documented statuses, and when it parses, what it gives is well-formed
// (a token method, a path from '/', no CR, LF or NUL in a header value, a
// length within the limit); no prefix of a head that parses is refused
// while incomplete; query values survive encoding and decoding.
#include "fuzz_support.hpp"

#include "http_parser.hpp"

namespace {

using namespace clickref::fuzz;
using namespace server;

bool is_documented(int status) {
  for (const int s : {400, 413, 414, 417, 431, 501, 505})
    if (status == s) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = as_view(data, size);
  const head_limits limits;
  const size_t end = find_head_end(bytes, 0);
  FUZZ_CHECK(end <= bytes.size());

  // Two reads, split at a point the input chooses.
  const size_t split = size == 0 ? 0 : data[0] % (size + 1);
  const size_t first = find_head_end(bytes.substr(0, split), 0);
  if (first != 0) {
    FUZZ_CHECK(first == end);
  } else {
    FUZZ_CHECK(find_head_end(bytes, split) == end);
  }

  if (end != 0) {
    http_request req;
    const auto parsed = parse_head(bytes.substr(0, end), limits, req);
    if (const auto* refused = std::get_if<http_refusal>(&parsed)) {
      FUZZ_CHECK(is_documented(refused->status));
      FUZZ_CHECK(!refused->error.empty());
    } else {
      const request_framing& framing = std::get<request_framing>(parsed);
      FUZZ_CHECK(framing.content_length <= limits.body);
      FUZZ_CHECK(!req.method.empty());
      FUZZ_CHECK(!req.path.empty() && req.path.front() == '/');
      for (const auto& [name, value] : req.headers) {
        FUZZ_CHECK(!name.empty());
        FUZZ_CHECK(value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
      }
      // Read in pieces, it would never have been refused before it was whole.
      for (size_t k = 1; k < end; k += 1 + end / 16)
        FUZZ_CHECK(!refuse_incomplete_head(bytes.substr(0, k), limits));
      FUZZ_CHECK(!refuse_incomplete_head(bytes.substr(0, end - 1), limits));
    }
  }

  const std::string query(bytes.substr(end));
  FUZZ_CHECK(decode_query_value(encode_query_value(query)) == query);
  return 0;
}
