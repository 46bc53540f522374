// SPDX-License-Identifier: Apache-2.0
// Batch-wide dedup of (node type, node id) -> local reference, for batch-dedup sampling. A node
// type of at most kDenseMaxNodes nodes uses a bitmap of the nodes seen (an eighth of a byte per
// node, so it mostly stays in cache) and a dense array of references, read only for nodes seen
// before; larger types use the hash map. Kept between requests (see scratch_pool.h); every bit
// set by a request is cleared by Forget before the object is reused.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "sampler/node_map.h"
#include "store/graph_view.h"

namespace prequel {

class BatchDedup {
 public:
  static constexpr int64_t kDenseMaxNodes = int64_t{1} << 24;

  // Prepares for a request on `view`; all bits are clear here.
  void Reset(const GraphView& view) {
    dense_.resize(view.nodeTypes.size());
    for (size_t t = 0; t < view.nodeTypes.size(); ++t) {
      const int64_t count = view.nodeTypes[t].count;
      Dense& d = dense_[t];
      if (count == d.count) continue;
      d.count = count;
      if (count > kDenseMaxNodes) {  // this type uses the map
        d.seen = {};
        d.ref.reset();
        continue;
      }
      d.seen.assign(static_cast<size_t>((count + 63) / 64), 0);
      d.ref.reset(new uint32_t[static_cast<size_t>(count)]);
    }
    map_.Clear();
  }

  // Starts loading what a lookup of (type, id) reads and writes.
  void Prefetch(int32_t type, int32_t id) const {
#if defined(__GNUC__) || defined(__clang__)
    const Dense& d = dense_[type];
    if (d.ref) {
      __builtin_prefetch(d.ref.get() + id, 1, 1);
    } else {
      map_.PrefetchKey(NodeMap::Key(type, id));
    }
#endif
  }

  // The reference of (type, id), or, when absent, stores make() and returns it.
  template <typename Make>
  uint32_t FindOrInsert(int32_t type, int32_t id, Make&& make) {
    Dense& d = dense_[type];
    if (!d.ref) return map_.FindOrInsert(NodeMap::Key(type, id), make);
    uint64_t& word = d.seen[static_cast<size_t>(id) >> 6];
    const uint64_t bit = uint64_t{1} << (id & 63);
    if (word & bit) return d.ref[id];
    word |= bit;
    return d.ref[id] = make();
  }

  // The bitmap and reference array of a type that uses them (nulls for a type using the map), for
  // loops that test the bits themselves; a reference is valid where its bit is set.
  uint64_t* Bits(int32_t type) {
    return dense_[type].ref ? dense_[type].seen.data() : nullptr;
  }
  uint32_t* Refs(int32_t type) {
    return dense_[type].ref.get();
  }

  // Clears the bits of `ids` of `type`, set by this request: one by one, or the whole bitmap
  // when the ids are many (random single-bit writes cost more than a sequential fill).
  void Forget(int32_t type, const int32_t* ids, size_t n) {
    Dense& d = dense_[type];
    if (!d.ref) return;
    if (n * 8 >= d.seen.size()) {
      std::fill(d.seen.begin(), d.seen.end(), 0);
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      d.seen[static_cast<size_t>(ids[i]) >> 6] &= ~(uint64_t{1} << (ids[i] & 63));
    }
  }

 private:
  struct Dense {
    int64_t count = -1;
    std::vector<uint64_t> seen;
    std::unique_ptr<uint32_t[]> ref;  // uninitialised; valid where the bit is set
  };

  std::vector<Dense> dense_;  // by node type; no arrays for types using the map
  NodeMap map_;
};

}  // namespace prequel
