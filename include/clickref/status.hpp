// clickref/status.hpp — status codes and the result type of the C++ API.
//
// The C++ API reports failure the way the C API does, with a clickref_status
// (see clickref.h for the values), and never throws for bad input. The only
// exception it can throw is std::bad_alloc.
#pragma once

#include <clickref/clickref.h>

#include <string_view>
#include <utility>

namespace clickref {

using status = clickref_status;

inline std::string_view status_name(status s) noexcept { return clickref_status_name(s); }
inline std::string_view status_message(status s) noexcept { return clickref_status_message(s); }

// A value or the status explaining why there is none.
//   auto id = clickref::click_id_from_url(url);
//   if (!id) return id.error();
//   use(*id);
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  result(status error) : error_(error) {}        // NOLINT: implicit by design

  bool ok() const noexcept { return error_ == CLICKREF_OK; }
  explicit operator bool() const noexcept { return ok(); }
  status error() const noexcept { return error_; }

  // Precondition: ok().
  T& operator*() & noexcept { return value_; }
  const T& operator*() const& noexcept { return value_; }
  T&& operator*() && noexcept { return std::move(value_); }
  T* operator->() noexcept { return &value_; }
  const T* operator->() const noexcept { return &value_; }

 private:
  T value_{};
  status error_ = CLICKREF_OK;
};

}  // namespace clickref
