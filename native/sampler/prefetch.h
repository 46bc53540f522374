// SPDX-License-Identifier: Apache-2.0
// Software prefetching for the sampler's loops. Sampling is a chain of dependent cache misses
// (rowptr, then the key times of a binary search, then col, then the dedup slot), so the loops
// request the loads of work a few steps ahead and let the misses of different steps overlap.
#pragma once

#include <cstdint>

#include "store/graph_view.h"

namespace prequel {

// How far ahead a frontier loop requests rowptr entries.
inline constexpr int64_t kRowptrAhead = 8;

template <typename T>
inline void Prefetch(const T* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 0, 1);
#endif
}

// Requests every cache line of [begin, end).
template <typename T>
inline void PrefetchRange(const T* begin, const T* end) {
  constexpr uintptr_t kLine = 64;
  const uintptr_t last = reinterpret_cast<uintptr_t>(end);
  for (uintptr_t p = reinterpret_cast<uintptr_t>(begin) & ~(kLine - 1); p < last; p += kLine) {
    Prefetch(reinterpret_cast<const char*>(p));
  }
}

inline void PrefetchRowptr(const EdgeTypeView& et, int32_t d) {
  Prefetch(et.rowptr + d);
}

}  // namespace prequel
