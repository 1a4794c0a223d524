// What every database backend throws when it fails or is unavailable.
#pragma once

#include <stdexcept>

namespace server {

// Nothing of the call that threw was recorded. The HTTP layer answers 503,
// so that Stripe retries the delivery.
class storage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace server
