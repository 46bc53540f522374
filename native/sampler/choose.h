// SPDX-License-Identifier: Apache-2.0
// Neighbor selection: which positions of one eligible neighbor prefix a hop keeps. Positions are
// offsets into the prefix [0, n); the caller adds the list's start.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

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

// Appends to `out` the chosen offsets in [0, n) for fanout k (-1 = all):
// - every offset when k < 0 or k >= n, in list order;
// - kLast: the k last offsets, i.e. the k most recent (ties in time broken by source id, a
//   higher id counting as more recent, because lists are sorted by (key time, source id));
// - kUniform: k distinct offsets drawn uniformly without replacement (Floyd's algorithm).
inline void ChooseOffsets(int64_t n, int32_t k, Strategy strategy, RandomStream& rng,
                          PositionSet& set, std::vector<int64_t>& out) {
  if (k < 0 || k >= n) {
    for (int64_t i = 0; i < n; ++i) out.push_back(i);
    return;
  }
  if (strategy == Strategy::kLast) {
    for (int64_t i = n - k; i < n; ++i) out.push_back(i);
    return;
  }

  // Floyd: for j = n-k .. n-1 draw t in [0, j]; keep t unless taken, else keep j.
  size_t first = out.size();
  if (k <= 32) {
    for (int64_t j = n - k; j < n; ++j) {
      int64_t t = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(j) + 1));
      bool taken = std::find(out.begin() + first, out.end(), t) != out.end();
      out.push_back(taken ? j : t);
    }
    return;
  }
  set.Reset(k);
  for (int64_t j = n - k; j < n; ++j) {
    int64_t t = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(j) + 1));
    if (set.Insert(t)) {
      out.push_back(t);
    } else {
      set.Insert(j);
      out.push_back(j);
    }
  }
}

// One pending "eligible prefix" search: the list [lo, hi) of edge type `et`, bound `t`.
struct EligibleSearch {
  const EdgeTypeView* et = nullptr;
  const int64_t* srcTime = nullptr;
  int64_t lo = 0;
  int64_t hi = 0;
  int64_t t = 0;
};

// For each search, the end of the prefix of [lo, hi) whose key time is <= t (left in lo): the
// key is the edge time when the type has edge times, else the source node's time, else absent
// (every edge eligible). Binary searches run one level at a time for all n, each probe
// prefetched first, so that their cache misses overlap.
inline void EligibleEnds(EligibleSearch* searches, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    EligibleSearch& s = searches[i];
    if (s.et->edgeTime == nullptr && s.srcTime == nullptr) s.lo = s.hi;  // static: all eligible
  }
  for (bool active = true; active;) {
    active = false;
    for (size_t i = 0; i < n; ++i) {
      const EligibleSearch& s = searches[i];
      if (s.lo >= s.hi) continue;
      const int64_t mid = s.lo + (s.hi - s.lo) / 2;
      if (s.et->edgeTime != nullptr) {
        Prefetch(s.et->edgeTime + mid);
      } else {
        Prefetch(s.et->col + mid);
      }
    }
    for (size_t i = 0; i < n; ++i) {
      const EligibleSearch& s = searches[i];
      if (s.lo >= s.hi || s.et->edgeTime != nullptr) continue;
      Prefetch(s.srcTime + s.et->col[s.lo + (s.hi - s.lo) / 2]);
    }
    for (size_t i = 0; i < n; ++i) {
      EligibleSearch& s = searches[i];
      if (s.lo >= s.hi) continue;
      const int64_t mid = s.lo + (s.hi - s.lo) / 2;
      const int64_t key =
          s.et->edgeTime != nullptr ? s.et->edgeTime[mid] : s.srcTime[s.et->col[mid]];
      if (key <= s.t) {
        s.lo = mid + 1;
      } else {
        s.hi = mid;
      }
      active = active || s.lo < s.hi;
    }
  }
}

}  // namespace prequel
