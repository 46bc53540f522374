// SPDX-License-Identifier: Apache-2.0
// The order of a neighbor list: (key time, source id, edge id) ascending. Shared by the one-call
// build (graph_store.cc) and the chunked build (graph_builder.cc) so both store the same lists.
#pragma once

#include <cstdint>
#include <vector>

namespace prequel {

// One edge while it is being sorted into its neighbor list. The order (key time, source id,
// edge id) is one unsigned 128-bit comparison: the key with its sign bit flipped on top, then
// the two non-negative ids.
struct SortEntry {
  int64_t key;
  int32_t src;
  int32_t edge;
  unsigned __int128 Order() const {
    uint64_t hi = static_cast<uint64_t>(key) ^ (uint64_t{1} << 63);
    uint64_t lo = (static_cast<uint64_t>(src) << 32) | static_cast<uint32_t>(edge);
    return (static_cast<unsigned __int128>(hi) << 64) | lo;
  }
  bool operator<(const SortEntry& o) const { return Order() < o.Order(); }
};

// Sorts one neighbor list whose entries arrive in increasing edge id; `scratch` is the caller's
// (per-thread) buffer.
void SortList(SortEntry* begin, SortEntry* end, std::vector<SortEntry>& scratch);

}  // namespace prequel
