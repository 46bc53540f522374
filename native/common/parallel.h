// SPDX-License-Identifier: Apache-2.0
// Static-partition parallel loops. Each worker receives its own contiguous range and its thread
// index, so callers keep per-thread buffers and RNGs indexed by that number instead of locking.
#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace prequel {

// Number of worker threads to use by default: hardware concurrency, at least 1.
inline int DefaultThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

// Calls body(begin, end, thread) over [0, n) split into `threads` contiguous chunks. Runs inline
// when one thread suffices or n is below `grain`. The first exception thrown by any chunk is
// rethrown on the calling thread after all chunks finish.
template <typename Body>
void ParallelFor(int64_t n, int threads, int64_t grain, Body&& body) {
  if (n <= 0) return;
  threads = std::max(1, std::min<int>(threads, static_cast<int>((n + grain - 1) / grain)));
  if (threads == 1) {
    body(int64_t{0}, n, 0);
    return;
  }

  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(threads);
  int64_t chunk = (n + threads - 1) / threads;
  for (int t = 0; t < threads; ++t) {
    int64_t begin = t * chunk;
    int64_t end = std::min(n, begin + chunk);
    if (begin >= end) break;
    pool.emplace_back([&, begin, end, t] {
      try {
        body(begin, end, t);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace prequel
