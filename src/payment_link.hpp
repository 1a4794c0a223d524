// Payment-link recognition and rewriting as the C layer needs them: over a
// host list it does not copy, writing straight into the caller's buffer.
// The public C++ API in clickref/url.hpp is built on the same code.
#pragma once

#include <clickref/status.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace clickref::detail {

// A borrowed list of payment-link hosts, either of the C++ options or of
// the C options' two arrays.
class host_list {
 public:
  explicit host_list(const std::vector<std::string>& hosts) noexcept : cpp_(&hosts), size_(hosts.size()) {}
  host_list(const char* const* hosts, const size_t* lens, size_t n) noexcept
      : c_hosts_(hosts), c_lens_(lens), size_(n) {}

  // Whether `host` (ASCII lower case, without a trailing dot) is listed.
  // Listed hosts compare case-insensitively and without a trailing dot.
  bool contains(std::string_view host) const noexcept;

 private:
  std::string_view at(size_t i) const noexcept;

  const std::vector<std::string>* cpp_ = nullptr;
  const char* const* c_hosts_ = nullptr;
  const size_t* c_lens_ = nullptr;
  size_t size_ = 0;
};

bool is_payment_link(std::string_view url, const host_list& hosts);

// clickref::rewrite_url writing to out[0, cap): *out_len is the length of
// the result, written only when it fits (else CLICKREF_E_BUFFER_TOO_SMALL).
status rewrite_url_to_buffer(std::string_view url, std::string_view click_id, const host_list& hosts,
                             char* out, size_t cap, size_t* out_len);

}  // namespace clickref::detail
