// SPDX-License-Identifier: Apache-2.0
// Neighbor selection: which positions of one eligible neighbor prefix a hop keeps. Positions are
// offsets into the prefix [0, n); the caller adds the list's start.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sampler/grow_list.h"
#include "sampler/prefetch.h"
#include "sampler/rng.h"
#include "store/graph_view.h"

namespace prequel {

enum class Strategy { kUniform, kLast };

// Scratch memory for Floyd's algorithm with large fanouts: a stamped position set.
class PositionSet {
 public:
  void Reset(int64_t expected) {
    size_t cap = 64;
    while (cap < static_cast<size_t>(expected) * 2) cap *= 2;
    if (keys_.size() < cap) {
      keys_.assign(cap, 0);
      stamps_.assign(cap, 0);
      stamp_ = 0;
    }
    mask_ = cap - 1;
    if (++stamp_ == 0) {
      std::fill(stamps_.begin(), stamps_.end(), 0);
      stamp_ = 1;
    }
  }

  // Inserts v; false when it was already present.
  bool Insert(int64_t v) {
    size_t i = static_cast<size_t>(static_cast<uint64_t>(v) * 0x9e3779b97f4a7c15ULL >> 20) & mask_;
    for (;; i = (i + 1) & mask_) {
      if (stamps_[i] != stamp_) {
        stamps_[i] = stamp_;
        keys_[i] = v;
        return true;
      }
      if (keys_[i] == v) return false;
    }
  }

 private:
  std::vector<int64_t> keys_;
  std::vector<uint32_t> stamps_;
  size_t mask_ = 0;
  uint32_t stamp_ = 0;
};

// Floyd's algorithm: appends base + k distinct offsets drawn uniformly from [0, n), 0 < k < n.
// For j = n-k .. n-1 it draws t in [0, j] and keeps t unless taken, else j. Taken offsets are
// marked in a bitmap on the stack when the list is short, else looked up among the kept offsets
// (small k) or in the position set.
inline void DrawUniform(int64_t base, int64_t n, int32_t k, RandomStream& rng, PositionSet& set,
                        GrowList<int64_t>& out) {
  constexpr int64_t kBitmapWords = 16;
  if (n <= 64 * kBitmapWords) {
    uint64_t taken[kBitmapWords];
    std::fill(taken, taken + (n + 63) / 64, 0);
    int64_t* kept = out.Extend(static_cast<size_t>(k));
    for (int64_t j = n - k; j < n; ++j) {
      const int64_t t = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(j) + 1));
      const int64_t c = (taken[t >> 6] >> (t & 63)) & 1 ? j : t;
      taken[c >> 6] |= uint64_t{1} << (c & 63);
      *kept++ = base + c;
    }
    return;
  }
  if (k <= 32) {
    const size_t first = out.size();
    for (int64_t j = n - k; j < n; ++j) {
      const int64_t t = base + static_cast<int64_t>(rng.Below(static_cast<uint64_t>(j) + 1));
      const bool taken = std::find(out.begin() + first, out.end(), t) != out.end();
      out.push_back(taken ? base + j : t);
    }
    return;
  }
  set.Reset(k);
  for (int64_t j = n - k; j < n; ++j) {
    int64_t t = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(j) + 1));
    if (set.Insert(t)) {
      out.push_back(base + t);
    } else {
      set.Insert(j);
      out.push_back(base + j);
    }
  }
}

// Appends to `out` base + the chosen offsets in [0, n) for fanout k (-1 = all):
// - every offset when k < 0 or k >= n, in list order;
// - kLast: the k last offsets, i.e. the k most recent (ties in time broken by source id, a
//   higher id counting as more recent, because lists are sorted by (key time, source id));
// - kUniform: k distinct offsets drawn uniformly without replacement (DrawUniform).
inline void ChooseOffsets(int64_t base, int64_t n, int32_t k, Strategy strategy, RandomStream& rng,
                          PositionSet& set, GrowList<int64_t>& out) {
  if (k < 0 || k >= n) {
    int64_t* all = out.Extend(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) all[i] = base + i;
  } else if (strategy == Strategy::kLast) {
    int64_t* last = out.Extend(static_cast<size_t>(k));
    for (int64_t i = 0; i < k; ++i) last[i] = base + n - k + i;
  } else {
    DrawUniform(base, n, k, rng, set, out);
  }
}

// One pending "eligible prefix" search: the neighbor list [lo, hi), bound `t`, and where its key
// times are: the edge times when the type has them, else the source node times of col's ids,
// else neither (a static list, every edge eligible).
struct EligibleSearch {
  const int64_t* edgeTime = nullptr;
  const int32_t* col = nullptr;
  const int64_t* srcTime = nullptr;
  int64_t lo = 0;
  int64_t hi = 0;
  int64_t t = 0;
  int64_t mid = 0;  // the probe of the current level
};

// The most searches one EligibleEnds call takes.
inline constexpr size_t kMaxSearches = 64;

// For each search, the end of the prefix of [lo, hi) whose key time is <= t (left in lo).
// Binary searches run one level at a time for all n <= kMaxSearches, each probe prefetched
// first, so that their cache misses overlap; a level halves every open window without a branch
// on the key, and the searches whose window closed drop out of the next level.
inline void EligibleEnds(EligibleSearch* searches, size_t n) {
  uint8_t open[kMaxSearches];  // indices of the searches whose window [lo, hi) is not empty
  size_t numOpen = 0;
  bool byNodeTime = false;
  for (size_t i = 0; i < n; ++i) {
    EligibleSearch& s = searches[i];
    if (s.edgeTime == nullptr && s.srcTime == nullptr) s.lo = s.hi;  // static: all eligible
    byNodeTime = byNodeTime || s.edgeTime == nullptr;
    open[numOpen] = static_cast<uint8_t>(i);
    numOpen += s.lo < s.hi;
  }

  while (numOpen > 0) {
    for (size_t j = 0; j < numOpen; ++j) {
      EligibleSearch& s = searches[open[j]];
      s.mid = static_cast<int64_t>(static_cast<uint64_t>(s.lo + s.hi) / 2);
      if (s.edgeTime != nullptr) {
        Prefetch(s.edgeTime + s.mid);
      } else {
        Prefetch(s.col + s.mid);
      }
    }
    if (byNodeTime) {
      for (size_t j = 0; j < numOpen; ++j) {
        const EligibleSearch& s = searches[open[j]];
        if (s.edgeTime == nullptr) Prefetch(s.srcTime + s.col[s.mid]);
      }
    }

    size_t stillOpen = 0;
    for (size_t j = 0; j < numOpen; ++j) {
      EligibleSearch& s = searches[open[j]];
      const int64_t key = s.edgeTime != nullptr ? s.edgeTime[s.mid] : s.srcTime[s.col[s.mid]];
      // The window keeps the half that holds the end: by masks, not a branch on the key.
      const int64_t eligible = -static_cast<int64_t>(key <= s.t);  // all ones or zero
      s.lo += (s.mid + 1 - s.lo) & eligible;
      s.hi += (s.mid - s.hi) & ~eligible;
      open[stillOpen] = open[j];
      stillOpen += s.lo < s.hi;
    }
    numOpen = stillOpen;
  }
}

}  // namespace prequel
