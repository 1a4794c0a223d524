// Picking the members clickref reads out of a simdjson DOM object: in any
// order, with every other member ignored, and with repeated keys noticed.
#pragma once

#include <simdjson.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace clickref::detail {

// A fixed set of member names, built at compile time, whose lookup compares
// a key only with the names of its length: an object's many other members
// cost a length check each.
template <size_t N>
class key_table {
 public:
  static constexpr size_t kMaxKeyLength = 31;
  static_assert(N <= 64, "members<N> tracks keys in 64-bit masks");

  template <class... Names>
  constexpr explicit key_table(Names... names) : names_{std::string_view(names)...} {
    static_assert(sizeof...(Names) == N, "one name per key");
    // A counting sort of the names by length; first_[len] is where names of
    // that length begin in by_length_. (A name longer than kMaxKeyLength
    // indexes past first_ and fails to compile.)
    for (std::string_view name : names_) ++first_[name.size() + 1];
    for (size_t len = 1; len < first_.size(); ++len) first_[len] += first_[len - 1];
    std::array<uint8_t, kMaxKeyLength + 2> next = first_;
    for (size_t i = 0; i < N; ++i) by_length_[next[names_[i].size()]++] = static_cast<uint8_t>(i);
  }

  // The index of `key` among the names, or -1.
  constexpr int find(std::string_view key) const noexcept {
    if (key.size() > kMaxKeyLength) return -1;
    for (size_t i = first_[key.size()]; i < first_[key.size() + 1]; ++i) {
      // The first byte settles most mismatches without a call to memcmp.
      const std::string_view name = names_[by_length_[i]];
      if (name[0] == key[0] && name == key) return by_length_[i];
    }
    return -1;
  }

 private:
  std::array<std::string_view, N> names_{};
  std::array<uint8_t, N> by_length_{};
  std::array<uint8_t, kMaxKeyLength + 2> first_{};
};

// One member as found: absent, or its value, and whether its key repeats.
struct member {
  bool present = false;
  bool repeated = false;
  simdjson::dom::element value;

  bool absent_or_null() const noexcept { return !present || value.is_null(); }
};

// The members of one object named by a key_table, by index.
template <size_t N>
class members {
 public:
  members(simdjson::dom::object object, const key_table<N>& keys) noexcept {
    for (simdjson::dom::key_value_pair field : object) {
      const int i = keys.find(field.key);
      if (i < 0) continue;
      const uint64_t bit = uint64_t{1} << i;
      if ((present_ & bit) != 0) {
        repeated_ |= bit;
      } else {
        present_ |= bit;
        values_[static_cast<size_t>(i)] = field.value;
      }
    }
  }

  member operator[](size_t i) const noexcept {
    const uint64_t bit = uint64_t{1} << i;
    return member{(present_ & bit) != 0, (repeated_ & bit) != 0, values_[i]};
  }

 private:
  std::array<simdjson::dom::element, N> values_{};
  uint64_t present_ = 0;
  uint64_t repeated_ = 0;
};

}  // namespace clickref::detail
