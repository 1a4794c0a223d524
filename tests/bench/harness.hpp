// A small benchmark harness: every hot path is timed beside its bare
// reference in the same run, and the ratio is what gets reported, because
// absolute times on a shared machine are noise.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace clickref::bench {

// Keeps the optimiser from discarding a result.
template <class T>
inline void keep(const T& value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

// Median nanoseconds per call of `fn`, over `reps` repetitions of a batch
// sized to take about 20 ms, after a warm-up batch.
template <class Fn>
double median_ns(Fn&& fn, int reps = 15) {
  using clock = std::chrono::steady_clock;
  size_t batch = 1;
  for (;;) {  // warm up and size the batch
    auto start = clock::now();
    for (size_t i = 0; i < batch; ++i) fn();
    auto elapsed = std::chrono::duration<double, std::milli>(clock::now() - start).count();
    if (elapsed > 20 || batch >= (size_t{1} << 30)) break;
    batch *= 2;
  }
  std::vector<double> samples;
  for (int r = 0; r < reps; ++r) {
    auto start = clock::now();
    for (size_t i = 0; i < batch; ++i) fn();
    samples.push_back(std::chrono::duration<double, std::nano>(clock::now() - start).count() /
                      static_cast<double>(batch));
  }
  std::nth_element(samples.begin(), samples.begin() + reps / 2, samples.end());
  return samples[reps / 2];
}

// Prints one row: name, ns/op, optional throughput, and ratio to reference.
inline void report(const std::string& name, double ns, double reference_ns, size_t bytes = 0) {
  std::printf("  %-52s %10.1f ns/op", name.c_str(), ns);
  if (bytes > 0) std::printf("  %8.1f MB/s", static_cast<double>(bytes) / ns * 1e3);
  if (reference_ns > 0) std::printf("  %6.2fx reference", ns / reference_ns);
  std::printf("\n");
}

// Each section of the benchmark program; `shared` is the ../shared/bench dir.
void run_signature(const std::string& shared);
void run_event(const std::string& shared);
void run_click_id(const std::string& shared);
void run_html(const std::string& shared);

}  // namespace clickref::bench
