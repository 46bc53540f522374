// SPDX-License-Identifier: Apache-2.0
// What one thread samples before the final merge: per (type, hop) node lists and per
// (edge type, hop) edge lists whose endpoints are thread-local references (hop, index).
#pragma once

#include <cstdint>
#include <vector>

#include "common/error.h"
#include "sampler/grow_list.h"
#include "sampler/sampler.h"

namespace prequel {

// A thread-local node reference: the hop in the top 4 bits, the index in that hop's list below.
inline constexpr int kRefShift = 28;
inline constexpr uint32_t kRefIndexMask = (1u << kRefShift) - 1;

inline uint32_t MakeRef(int32_t hop, size_t index) {
  if (index > kRefIndexMask) {
    Fail("SAMPLER_TOO_LARGE", "sample: expected at most ", kRefIndexMask,
         " nodes of one type per hop and thread, got more; use smaller batches or fanouts");
  }
  return (static_cast<uint32_t>(hop) << kRefShift) | static_cast<uint32_t>(index);
}

struct Partial {
  int32_t hops = 0;
  std::vector<GrowList<int32_t>> ids;    // [type * (hops + 1) + hop]
  std::vector<GrowList<int32_t>> batch;  // same shape as ids
  std::vector<GrowList<uint32_t>> src;   // [edgeType * hops + hop - 1]
  std::vector<GrowList<uint32_t>> dst;
  std::vector<GrowList<int64_t>> pos;  // stored edge positions

  bool keepPos = false;

  // Empties the lists for a request of `hops` hops, keeping their memory.
  void Reset(const GraphView& view, int32_t numHops, bool keepPositions) {
    hops = numHops;
    keepPos = keepPositions;
    for (auto* lists : {&ids, &batch}) {
      for (auto& l : *lists) l.clear();
      lists->resize(view.nodeTypes.size() * (hops + 1));
    }
    for (auto* lists : {&src, &dst}) {
      for (auto& l : *lists) l.clear();
      lists->resize(view.edgeTypes.size() * hops);
    }
    for (auto& l : pos) l.clear();
    pos.resize(view.edgeTypes.size() * hops);
  }

  // Bytes the lists hold on to.
  size_t Capacity() const;

  size_t NodeSlot(int32_t type, int32_t hop) const { return type * (hops + 1) + hop; }
  size_t EdgeSlot(int32_t edgeType, int32_t hop) const { return edgeType * hops + hop - 1; }

  // Appends a node of `type` discovered at `hop` and returns its reference.
  uint32_t AddNode(int32_t type, int32_t hop, int32_t id, int32_t seedIndex) {
    size_t slot = NodeSlot(type, hop);
    uint32_t ref = MakeRef(hop, ids[slot].size());
    ids[slot].push_back(id);
    batch[slot].push_back(seedIndex);
    return ref;
  }

  void AddEdge(int32_t edgeType, int32_t hop, uint32_t srcRef, uint32_t dstRef, int64_t p) {
    size_t slot = EdgeSlot(edgeType, hop);
    src[slot].push_back(srcRef);
    dst[slot].push_back(dstRef);
    if (keepPos) pos[slot].push_back(p);
  }
};

// `count` empty partials, reusing the memory of earlier requests (fresh pages cost a fault each);
// ReleasePartials hands them back. The pool is locked once per request, never per node.
std::vector<Partial> AcquirePartials(const GraphView& view, const SampleRequest& request,
                                     size_t count);
void ReleasePartials(std::vector<Partial>&& partials);

// Concatenates the partials, in order, into the output layout described in sampler.h.
SampleResult MergePartials(const GraphView& view, const SampleRequest& request,
                           std::vector<Partial>& partials);

// Disjoint-tree sampling: returns its partials in seed order, for MergePartials.
std::vector<Partial> SampleTrees(const GraphView& view, const SampleRequest& request);

// Batch-dedup sampling: writes the output layout directly (see batch_sampler.cc).
SampleResult SampleBatch(const GraphView& view, const SampleRequest& request);

}  // namespace prequel
