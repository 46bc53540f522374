// SPDX-License-Identifier: Apache-2.0
// Disjoint-tree sampling: one tree per seed, nodes deduplicated per (seed, node).
//
// Parallel over seeds: the seeds are split into contiguous ranges, one per thread, and each
// thread owns its Partial, its dedup map and its scratch buffers, so no locks are taken. Every
// tree draws from its own random stream (random seed, seed index), so the output does not depend
// on the thread count; concatenating the partials in order restores seed order.
//
// Within a thread, trees are sampled in groups of kGroup, hop by hop: the frontier of a hop is
// the frontier of every tree of the group, long enough for the prefetcher to run ahead of the
// cache misses. Each tree still makes its draws in its own order (edge type, then frontier node),
// so grouping changes neither the draws nor the output order (hop, seed, discovery).
#include <algorithm>

#include "common/parallel.h"
#include "sampler/node_map.h"
#include "sampler/partial.h"
#include "sampler/prefetch.h"

namespace prequel {
namespace {

constexpr int64_t kSeedsPerTask = 16;
constexpr int32_t kGroup = 16;
constexpr size_t kChunk = 32;

// One frontier node of one tree to expand along one edge type.
struct Item {
  int32_t tree;      // index in the group
  int32_t edgeType;  // index into view.edgeTypes
  uint32_t f;        // index in the partial's (dst type, hop - 1) list
};

class TreeWorker {
 public:
  TreeWorker(const GraphView& view, const SampleRequest& request, Partial& part)
      : view_(view),
        request_(request),
        part_(part),
        numTypes_(static_cast<int32_t>(view.nodeTypes.size())),
        begin_(kGroup * view.nodeTypes.size()),
        end_(kGroup * view.nodeTypes.size()) {}

  // The random stream of the seed at `index`: its position, or (node id, seed time).
  uint64_t StreamOf(int64_t index) const {
    const SampleRequest& r = request_;
    if (!r.streamsBySeed) return static_cast<uint64_t>(index);
    const uint64_t time = r.seedTimes.empty() ? 0 : static_cast<uint64_t>(r.seedTimes[index]);
    return Mix64(static_cast<uint64_t>(static_cast<uint32_t>(r.seeds[index])) ^ Mix64(time));
  }

  // Samples the trees of seeds [first, first + count), count <= kGroup, into the partial.
  void SampleGroup(int64_t first, int32_t count) {
    const SampleRequest& r = request_;
    map_.Clear();
    rngs_.clear();
    for (int32_t g = 0; g < count; ++g) {
      rngs_.emplace_back(r.randomSeed, StreamOf(first + g));
    }

    // Hop 0: the seeds, one per tree.
    for (int32_t g = 0; g < count; ++g) {
      MarkBegin(0, g);
      const int32_t seed = r.seeds[first + g];
      uint32_t ref = part_.AddNode(r.seedType, 0, seed, static_cast<int32_t>(first + g));
      map_.FindOrInsert(Key(g, r.seedType, seed), [&] { return ref; });
    }
    MarkEnd(0, count);

    for (int32_t hop = 1; hop <= r.hops; ++hop) {
      PlanHop(hop, count);
      MarkBegin(hop, 0);
      tree_ = 0;
      for (size_t k = 0; k < items_.size(); k += kChunk) {
        RunChunk(hop, k, std::min(kChunk, items_.size() - k), first);
      }
      while (tree_ + 1 < count) MarkBegin(hop, ++tree_);
      MarkEnd(hop, count);
    }
  }

 private:
  uint64_t Key(int32_t tree, int32_t type, int32_t id) const {
    return NodeMap::Key(tree * numTypes_ + type, id);
  }

  // Tree g's nodes of every type at `hop` start at the lists' current ends.
  void MarkBegin(int32_t hop, int32_t g) {
    for (int32_t t = 0; t < numTypes_; ++t) begin_[g * numTypes_ + t] = Size(t, hop);
  }

  // Each tree's range ends where the next one begins; the last ends at the lists' ends.
  void MarkEnd(int32_t hop, int32_t count) {
    for (int32_t g = 0; g < count; ++g) {
      for (int32_t t = 0; t < numTypes_; ++t) {
        end_[g * numTypes_ + t] = g + 1 < count ? begin_[(g + 1) * numTypes_ + t] : Size(t, hop);
      }
    }
  }

  size_t Size(int32_t type, int32_t hop) const {
    return part_.ids[part_.NodeSlot(type, hop)].size();
  }

  // The work of one hop, in each tree's own order: tree, then edge type, then frontier node.
  void PlanHop(int32_t hop, int32_t count) {
    items_.clear();
    for (int32_t g = 0; g < count; ++g) {
      for (size_t e = 0; e < view_.edgeTypes.size(); ++e) {
        if (request_.fanouts[e * request_.hops + hop - 1] == 0) continue;
        const int32_t dst = view_.edgeTypes[e].dstType;
        for (size_t f = begin_[g * numTypes_ + dst]; f < end_[g * numTypes_ + dst]; ++f) {
          items_.push_back({g, static_cast<int32_t>(e), static_cast<uint32_t>(f)});
        }
      }
    }
  }

  int32_t FrontierNode(int32_t hop, const Item& item) const {
    const int32_t dst = view_.edgeTypes[item.edgeType].dstType;
    return part_.ids[part_.NodeSlot(dst, hop - 1)][item.f];
  }

  // Items [k, k + n) of the hop in stages, each stage over all of them so that the cache misses
  // of different items overlap: ranges and eligible ends, then draws, then new nodes and edges.
  void RunChunk(int32_t hop, size_t k, size_t n, int64_t first) {
    const SampleRequest& r = request_;
    const bool temporal = !r.seedTimes.empty();

    // The next chunk's rowptr entries.
    for (size_t i = k + kChunk; i < std::min(items_.size(), k + 2 * kChunk); ++i) {
      PrefetchRowptr(view_.edgeTypes[items_[i].edgeType], FrontierNode(hop, items_[i]));
    }

    // Neighbor ranges, cut to the eligible prefix.
    for (size_t i = 0; i < n; ++i) {
      const Item& item = items_[k + i];
      const EdgeTypeView& et = view_.edgeTypes[item.edgeType];
      const int32_t d = FrontierNode(hop, item);
      const int64_t lo = et.rowptr[d];
      const int64_t hi = et.rowptr[d + 1];
      if (lo > hi || hi > et.numEdges) CorruptList(et, d);
      const int64_t t = temporal ? r.seedTimes[first + item.tree] : 0;
      starts_[i] = lo;
      searches_[i] = {&et, view_.nodeTypes[et.srcType].time, lo, hi, t};
    }
    if (temporal) EligibleEnds(searches_, n);

    // Draws, in item order (so each tree's stream is consumed in its own order).
    positions_.clear();
    for (size_t i = 0; i < n; ++i) {
      const Item& item = items_[k + i];
      const int64_t lo = starts_[i];
      const int64_t hi = temporal ? searches_[i].lo : searches_[i].hi;
      offsets_.clear();
      const int32_t fanout = r.fanouts[item.edgeType * r.hops + hop - 1];
      ChooseOffsets(hi - lo, fanout, r.strategy, rngs_[item.tree], set_, offsets_);
      const int32_t* col = view_.edgeTypes[item.edgeType].col;
      for (int64_t offset : offsets_) {
        Prefetch(col + lo + offset);
        positions_.push_back(lo + offset);
      }
      ends_[i] = positions_.size();
    }

    // New sources join their tree; every draw becomes an edge.
    size_t from = 0;
    for (size_t i = 0; i < n; ++i) {
      const Item& item = items_[k + i];
      while (tree_ < item.tree) MarkBegin(hop, ++tree_);
      const EdgeTypeView& et = view_.edgeTypes[item.edgeType];
      const int64_t srcCount = view_.nodeTypes[et.srcType].count;
      const int32_t seedIndex = static_cast<int32_t>(first + item.tree);
      const uint32_t dstRef = MakeRef(hop - 1, item.f);
      for (size_t j = from; j < ends_[i]; ++j) {
        const int64_t p = positions_[j];
        const int32_t src = et.col[p];
        if (static_cast<uint64_t>(src) >= static_cast<uint64_t>(srcCount)) CorruptSource(et, p);
        uint32_t srcRef = map_.FindOrInsert(Key(item.tree, et.srcType, src), [&] {
          return part_.AddNode(et.srcType, hop, src, seedIndex);
        });
        part_.AddEdge(item.edgeType, hop, srcRef, dstRef, p);
      }
      from = ends_[i];
    }
  }

  [[noreturn]] static void CorruptList(const EdgeTypeView& et, int32_t d) {
    Fail("SAMPLER_CORRUPT_STORE", "edge type '", et.name, "': rowptr of node ", d,
         " is not a valid range of [0, ", et.numEdges, "]");
  }

  [[noreturn]] void CorruptSource(const EdgeTypeView& et, int64_t p) const {
    Fail("SAMPLER_CORRUPT_STORE", "edge type '", et.name, "': col[", p, "] = ", et.col[p],
         " is not a node id of type '", et.src, "' (count ", view_.nodeTypes[et.srcType].count,
         ")");
  }

  const GraphView& view_;
  const SampleRequest& request_;
  Partial& part_;
  const int32_t numTypes_;
  std::vector<size_t> begin_;  // [tree * numTypes + type]: the tree's range at the current hop
  std::vector<size_t> end_;
  std::vector<Item> items_;
  int32_t tree_ = 0;  // the tree whose nodes are being added
  EligibleSearch searches_[kChunk];
  int64_t starts_[kChunk];
  size_t ends_[kChunk];
  std::vector<int64_t> positions_;
  std::vector<RandomStream> rngs_;
  NodeMap map_;
  PositionSet set_;
  std::vector<int64_t> offsets_;
};

}  // namespace

std::vector<Partial> SampleTrees(const GraphView& view, const SampleRequest& request) {
  const int64_t n = static_cast<int64_t>(request.seeds.size());
  const int64_t tasks = std::max<int64_t>(1, (n + kSeedsPerTask - 1) / kSeedsPerTask);
  const int threads = static_cast<int>(std::clamp<int64_t>(request.threads, 1, tasks));
  std::vector<Partial> partials = AcquirePartials(view, request, threads);

  ParallelFor(n, threads, kSeedsPerTask, [&](int64_t begin, int64_t end, int t) {
    TreeWorker worker(view, request, partials[t]);
    for (int64_t s = begin; s < end; s += kGroup) {
      worker.SampleGroup(s, static_cast<int32_t>(std::min<int64_t>(kGroup, end - s)));
    }
  });
  return partials;
}

}  // namespace prequel
