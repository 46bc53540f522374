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

inline void PrefetchRowptr(const EdgeTypeView& et, int32_t d) {
  Prefetch(et.rowptr + d);
}

}  // namespace prequel
