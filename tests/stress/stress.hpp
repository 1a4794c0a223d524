// The multi-threaded stress test: every C function called from many threads
// at once on shared inputs (run under TSan by the tsan preset).
//
// Each surface computes its expected results once, on one thread, when it is
// made; run() then repeats every call and compares. Concurrent results must
// equal the single-threaded ones, and TSan must see no race.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace clickref::stress {

class surface {
 public:
  virtual ~surface() = default;
  virtual const char* name() const = 0;
  // Called by every thread at once. Returns false when a result differs from
  // the one computed before the threads started.
  virtual bool run() const = 0;
};

std::unique_ptr<surface> make_signature_surface();
std::unique_ptr<surface> make_click_id_surface();
std::unique_ptr<surface> make_event_surface();
std::unique_ptr<surface> make_html_surface();

}  // namespace clickref::stress
