// The WHATWG application/x-www-form-urlencoded parser (URL standard, §5.1)
// with the Encoding standard's UTF-8 decoder.
#include "form_urlencoded.hpp"

#include "percent_encoding.hpp"
#include "utf8.hpp"

#include <cstring>

namespace clickref::detail {

namespace {

// UTF-8 bytes in, UTF-8 text out: valid sequences pass through unchanged and
// each maximal subpart of an invalid one becomes U+FFFD, as the Encoding
// standard's decoder does (so its output matches what a browser shows).
// `Emit` is called as emit(const char* data, size_t len).
template <class Emit>
class utf8_repairer {
 public:
  explicit utf8_repairer(Emit& emit) : emit_(emit) {}

  void feed(const char* data, size_t len) {
    // Runs of ASCII outside a multi-byte sequence are emitted in one call.
    size_t run = 0;
    for (size_t i = 0; i < len; ++i) {
      const auto b = static_cast<unsigned char>(data[i]);
      if (seen_ == 0 && b < 0x80) continue;
      emit_run(data + run, i - run);
      run = i + 1;
      take(b);
    }
    emit_run(data + run, len - run);
  }

  // An input that ends inside a sequence ends with one U+FFFD.
  void finish() {
    if (seen_ != 0) {
      reset();
      emit_replacement();
    }
  }

 private:
  void take(unsigned char b) {
    if (seen_ == 0) {
      start_sequence(b);
      return;
    }
    const bool in_bounds = seen_ == 1 ? b >= lead_.lower && b <= lead_.upper : b >= 0x80 && b <= 0xBF;
    if (!in_bounds) {
      // The sequence so far is one maximal subpart; `b` starts afresh.
      reset();
      emit_replacement();
      start_sequence(b);
      return;
    }
    pending_[seen_++] = static_cast<char>(b);
    if (seen_ == lead_.continuation + 1) {
      emit_(pending_, seen_);
      reset();
    }
  }

  void start_sequence(unsigned char b) {
    if (b < 0x80) {
      const char c = static_cast<char>(b);
      emit_(&c, 1);
    } else if (utf8_lead_of(b, lead_)) {
      pending_[0] = static_cast<char>(b);
      seen_ = 1;
    } else {
      emit_replacement();
    }
  }

  void reset() { seen_ = 0; }

  void emit_run(const char* data, size_t len) {
    if (len != 0) emit_(data, len);
  }

  void emit_replacement() { emit_("\xEF\xBF\xBD", 3); }

  Emit& emit_;
  char pending_[4] = {};
  size_t seen_ = 0;  // bytes of the current sequence in pending_
  utf8_lead lead_;   // what its first byte allows
};

template <class Emit>
void decode_form(std::string_view raw, Emit& emit) {
  utf8_repairer<Emit> utf8(emit);
  const char* p = raw.data();
  const size_t n = raw.size();
  size_t run = 0;  // start of the bytes that decode to themselves
  size_t i = 0;
  while (i < n) {
    if (p[i] == '+') {
      utf8.feed(p + run, i - run);
      utf8.feed(" ", 1);
      run = ++i;
    } else if (const int escaped = escaped_byte(raw, i); escaped >= 0) {
      utf8.feed(p + run, i - run);
      const char byte = static_cast<char>(escaped);
      utf8.feed(&byte, 1);
      i += 3;
      run = i;
    } else {
      ++i;
    }
  }
  utf8.feed(p + run, n - run);
  utf8.finish();
}

// Whether `raw` decodes to itself: no '+', no '%', only ASCII. Most names
// and values are plain, and this check (written without an early exit so
// that it vectorises) lets them skip the decoder.
bool is_plain(std::string_view raw) noexcept {
  unsigned special = 0;
  for (char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    special |=
        static_cast<unsigned>(c == '+') | static_cast<unsigned>(c == '%') | static_cast<unsigned>(c >= 0x80);
  }
  return special == 0;
}

struct string_sink {
  std::string& out;
  void operator()(const char* data, size_t len) { out.append(data, len); }
};

struct bounded_sink {
  char* out;
  size_t cap;
  size_t len = 0;
  void operator()(const char* data, size_t n) noexcept {
    if (len + n <= cap) std::memcpy(out + len, data, n);
    len += n;
  }
};

struct compare_sink {
  std::string_view expected;
  size_t matched = 0;
  bool equal = true;
  void operator()(const char* data, size_t n) noexcept {
    if (!equal) return;
    if (expected.size() - matched < n || std::memcmp(expected.data() + matched, data, n) != 0) {
      equal = false;
      return;
    }
    matched += n;
  }
};

}  // namespace

void append_form_decoded(std::string& out, std::string_view raw) {
  if (is_plain(raw)) {
    out.append(raw.data(), raw.size());
    return;
  }
  string_sink sink{out};
  decode_form(raw, sink);
}

size_t write_form_decoded(std::string_view raw, char* out, size_t cap) noexcept {
  if (is_plain(raw)) {
    if (!raw.empty() && raw.size() <= cap) std::memcpy(out, raw.data(), raw.size());
    return raw.size();
  }
  bounded_sink sink{out, cap};
  decode_form(raw, sink);
  return sink.len;
}

bool form_decoded_equals(std::string_view raw, std::string_view text) noexcept {
  compare_sink sink{text};
  decode_form(raw, sink);
  return sink.equal && sink.matched == text.size();
}

std::vector<std::pair<std::string, std::string>> parse_form_urlencoded(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for_each_raw_pair(query, [&](const raw_pair& raw) {
    auto& pair = pairs.emplace_back();
    append_form_decoded(pair.first, raw.name);
    append_form_decoded(pair.second, raw.value);
    return true;
  });
  return pairs;
}

}  // namespace clickref::detail
