// SPDX-License-Identifier: Apache-2.0
// Sorting one neighbor list by (key time, source id, edge id).
#include "store/neighbor_sort.h"

#include <algorithm>
#include <bit>

namespace prequel {

// Sorts one neighbor list whose entries arrive in increasing edge id. Short lists use a
// comparison sort; long ones an LSD radix sort (stable, so edge ids stay increasing within equal
// (key, src)) over the bits of (key - min key, src) that vary, 8 bits a pass.
void SortList(SortEntry* begin, SortEntry* end, std::vector<SortEntry>& scratch) {
  constexpr int64_t kRadixMin = 256;
  int64_t n = end - begin;
  if (n < kRadixMin) {
    std::sort(begin, end);
    return;
  }
  int64_t minKey = begin->key, maxKey = begin->key;
  int32_t maxSrc = 0;
  for (SortEntry* x = begin; x < end; ++x) {
    minKey = std::min(minKey, x->key);
    maxKey = std::max(maxKey, x->key);
    maxSrc = std::max(maxSrc, x->src);
  }
  int srcBits = std::bit_width(static_cast<uint32_t>(maxSrc));
  int keyBits = std::bit_width(static_cast<uint64_t>(maxKey) - static_cast<uint64_t>(minKey));
  if (keyBits + srcBits > 64) {
    std::sort(begin, end);
    return;
  }
  auto value = [&](const SortEntry& x) {
    uint64_t k = static_cast<uint64_t>(x.key) - static_cast<uint64_t>(minKey);
    return (srcBits == 0 ? k : (k << srcBits)) | static_cast<uint32_t>(x.src);
  };
  scratch.resize(n);
  SortEntry* from = begin;
  SortEntry* to = scratch.data();
  for (int shift = 0; shift < keyBits + srcBits; shift += 8) {
    int64_t count[257] = {0};
    for (int64_t i = 0; i < n; ++i) ++count[((value(from[i]) >> shift) & 0xff) + 1];
    if (count[((value(from[0]) >> shift) & 0xff) + 1] == n) continue;  // digit constant
    for (int d = 0; d < 256; ++d) count[d + 1] += count[d];
    for (int64_t i = 0; i < n; ++i) to[count[(value(from[i]) >> shift) & 0xff]++] = from[i];
    std::swap(from, to);
  }
  if (from != begin) std::copy(from, from + n, begin);
}

}  // namespace prequel
