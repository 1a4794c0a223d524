// clickref_stress [ITERATIONS] — 8 threads call every C function at once.
#include "stress.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

int main(int argc, char** argv) {
  using namespace clickref::stress;
  constexpr int kThreads = 8;
  const long iterations = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 500;

  std::vector<std::unique_ptr<surface>> surfaces;
  surfaces.push_back(make_signature_surface());
  surfaces.push_back(make_click_id_surface());
  surfaces.push_back(make_event_surface());
  surfaces.push_back(make_html_surface());

  std::atomic<int> ready{0};
  std::atomic<long> failures{0};
  auto work = [&] {
    // Every thread waits for the others, so that the calls really overlap.
    ready.fetch_add(1);
    while (ready.load() < kThreads) std::this_thread::yield();
    for (long i = 0; i < iterations; ++i) {
      for (const auto& s : surfaces) {
        if (!s->run()) {
          failures.fetch_add(1);
          std::fprintf(stderr, "%s: a concurrent result differs from the single-threaded one\n", s->name());
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();

  std::printf("%d threads x %ld iterations over %zu surfaces: %ld failures\n", kThreads, iterations,
              surfaces.size(), failures.load());
  return failures.load() == 0 ? 0 : 1;
}
