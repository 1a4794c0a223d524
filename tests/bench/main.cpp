// clickref_bench — every hot path beside its bare reference, in one run.
//   clickref_bench [SHARED_BENCH_DIR] [SECTION...]
// SECTION is one of signature, event, click_id, html (default: all).
#include "harness.hpp"

#include <cstring>

int main(int argc, char** argv) {
  using namespace clickref::bench;
  const std::string shared = argc > 1 ? argv[1] : "../shared/bench";
  struct section {
    const char* name;
    void (*run)(const std::string&);
  };
  const section sections[] = {
      {"signature", run_signature}, {"event", run_event}, {"click_id", run_click_id}, {"html", run_html}};
  for (const auto& s : sections) {
    bool wanted = argc <= 2;
    for (int i = 2; i < argc; ++i) wanted |= std::strcmp(argv[i], s.name) == 0;
    if (wanted) s.run(shared);
  }
  return 0;
}
