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
// Lists up to this many edges have their sources requested whole as soon as their range is
// known (a line or two); longer ones request only the lines of their draws.
constexpr int64_t kShortList = 32;
static_assert(kChunk <= kMaxSearches);

// One frontier node of one tree to expand along one edge type.
struct Item {
  int32_t tree;      // index in the group
  int32_t edgeType;  // index into view.edgeTypes
  uint32_t f;        // index in the partial's (dst type, hop - 1) list
  int64_t lo = 0;    // the node's neighbor list [lo, hi) in the edge type's col
  int64_t hi = 0;
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

  // The work of one hop, in each tree's own order: tree, then edge type, then frontier node,
  // with each node's neighbor list: the loop reads nothing else, so that the rowptr misses of
  // many items overlap.
  void PlanHop(int32_t hop, int32_t count) {
    // The rowptr entries of the whole frontier, requested before any is read: software
    // prefetches keep more misses in flight than the loads of the loop below would.
    for (size_t e = 0; e < view_.edgeTypes.size(); ++e) {
      if (request_.fanouts[e * request_.hops + hop - 1] == 0) continue;
      const EdgeTypeView& et = view_.edgeTypes[e];
      const int32_t* frontier = part_.ids[part_.NodeSlot(et.dstType, hop - 1)].data();
      const size_t end = end_[(count - 1) * numTypes_ + et.dstType];
      for (size_t f = begin_[et.dstType]; f < end; ++f) PrefetchRowptr(et, frontier[f]);
    }

    items_.clear();
    for (int32_t g = 0; g < count; ++g) {
      for (size_t e = 0; e < view_.edgeTypes.size(); ++e) {
        if (request_.fanouts[e * request_.hops + hop - 1] == 0) continue;
        const EdgeTypeView& et = view_.edgeTypes[e];
        const int32_t* frontier = part_.ids[part_.NodeSlot(et.dstType, hop - 1)].data();
        const size_t begin = begin_[g * numTypes_ + et.dstType];
        const size_t end = end_[g * numTypes_ + et.dstType];
        Item* out = items_.Extend(end - begin);
        for (size_t f = begin; f < end; ++f) {
          const int64_t* row = et.rowptr + frontier[f];
          *out++ = {g, static_cast<int32_t>(e), static_cast<uint32_t>(f), row[0], row[1]};
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

    // Neighbor ranges, cut to the eligible prefix.
    for (size_t i = 0; i < n; ++i) {
      const Item& item = items_[k + i];
      const EdgeTypeView& et = view_.edgeTypes[item.edgeType];
      const int64_t lo = item.lo;
      const int64_t hi = item.hi;
      if (lo > hi || hi > et.numEdges) CorruptList(et, FrontierNode(hop, item));
      const int64_t t = temporal ? r.seedTimes[first + item.tree] : 0;
      if (hi - lo <= kShortList) PrefetchRange(et.col + lo, et.col + hi);
      starts_[i] = lo;
      listEnds_[i] = hi;
      searches_[i] = {et.edgeTime, et.col, view_.nodeTypes[et.srcType].time, lo, hi, t};
    }
    if (temporal) EligibleEnds(searches_, n);

    // Draws, in item order (so each tree's stream is consumed in its own order).
    positions_.clear();
    for (size_t i = 0; i < n; ++i) {
      const Item& item = items_[k + i];
      const int64_t lo = starts_[i];
      const int64_t hi = temporal ? searches_[i].lo : searches_[i].hi;
      const int32_t fanout = r.fanouts[item.edgeType * r.hops + hop - 1];
      const size_t drawn = positions_.size();
      ChooseOffsets(lo, hi - lo, fanout, r.strategy, rngs_[item.tree], set_, positions_);
      if (listEnds_[i] - lo > kShortList) {
        const int32_t* col = view_.edgeTypes[item.edgeType].col;
        for (size_t j = drawn; j < positions_.size(); ++j) Prefetch(col + positions_[j]);
      }
      ends_[i] = positions_.size();
    }

    // New sources join their tree; every draw becomes an edge.
    size_t from = 0;
    for (size_t i = 0; i < n; ++i) {
      const Item& item = items_[k + i];
      while (tree_ < item.tree) MarkBegin(hop, ++tree_);
      AddDraws(hop, item, static_cast<int32_t>(first + item.tree), from, ends_[i]);
      from = ends_[i];
    }
  }

  // The draws positions_[from, to) of one item: each source is found in its tree or added to it
  // (at the end of its (type, hop) list), and each draw appends an edge to its frontier node.
  // The lists are extended by the most that can come, then cut to what came, so that the loop
  // writes through plain pointers.
  void AddDraws(int32_t hop, const Item& item, int32_t seedIndex, size_t from, size_t to) {
    const EdgeTypeView& et = view_.edgeTypes[item.edgeType];
    const int64_t srcCount = view_.nodeTypes[et.srcType].count;
    const size_t count = to - from;
    const int64_t* positions = positions_.data() + from;

    GrowList<int32_t>& ids = part_.ids[part_.NodeSlot(et.srcType, hop)];
    GrowList<int32_t>& batch = part_.batch[part_.NodeSlot(et.srcType, hop)];
    const size_t known = ids.size();
    const uint32_t firstRef = MakeRef(hop, known);
    MakeRef(hop, known + count);  // fails here if the list could outgrow a reference
    int32_t* newIds = ids.Extend(count);

    const size_t edgeSlot = part_.EdgeSlot(item.edgeType, hop);
    uint32_t* srcRefs = part_.src[edgeSlot].Extend(count);
    std::fill_n(part_.dst[edgeSlot].Extend(count), count, MakeRef(hop - 1, item.f));
    if (part_.keepPos) std::copy_n(positions, count, part_.pos[edgeSlot].Extend(count));

    map_.Reserve(count);
    const uint64_t keyBase = Key(item.tree, et.srcType, 0);
    uint32_t added = 0;
    for (size_t j = 0; j < count; ++j) {
      const int32_t src = et.col[positions[j]];
      if (static_cast<uint64_t>(src) >= static_cast<uint64_t>(srcCount)) {
        CorruptSource(et, positions[j]);
      }
      const uint32_t newRef = firstRef + added;
      const uint32_t ref = map_.FindOrAdd(keyBase | static_cast<uint32_t>(src), newRef);
      newIds[added] = src;
      added += ref == newRef;
      srcRefs[j] = ref;
    }
    ids.Truncate(known + added);
    std::fill_n(batch.Extend(added), added, seedIndex);
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
  GrowList<Item> items_;
  int32_t tree_ = 0;  // the tree whose nodes are being added
  EligibleSearch searches_[kChunk];
  int64_t starts_[kChunk];
  int64_t listEnds_[kChunk];
  size_t ends_[kChunk];
  GrowList<int64_t> positions_;
  std::vector<RandomStream> rngs_;
  NodeMap map_;
  PositionSet set_;
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
