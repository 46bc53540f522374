// SPDX-License-Identifier: Apache-2.0
// Batch-deduplicated sampling (no seed times): every node appears once per batch, wherever it
// was reached from.
//
// Each hop runs in two stages. Choose: the frontier is split into contiguous ranges, one per
// thread, and each thread draws the chosen edge positions of its range into its own buffer, then
// gathers their source ids (a loop of independent loads, so that the cache misses overlap); a
// frontier node draws from its own random stream (random seed, hop, edge type, position), so
// choices do not depend on the thread count. Merge: one pass in frontier order assigns local
// indices, which keeps the order of discovery (and the output) independent of threads too.
//
// With one dedup map for the whole batch, a node's place in the output is known when it is
// found (hops come out in order), so the merge writes the output arrays directly.
#include <algorithm>
#include <climits>

#include "common/parallel.h"
#include "sampler/batch_dedup.h"
#include "sampler/partial.h"
#include "sampler/prefetch.h"
#include "sampler/scratch_pool.h"

namespace prequel {
namespace {

// Prefetch distances, long enough to cover a miss to memory on a loaded machine: frontier nodes
// ahead for rowptr (each node then draws its fanout), edges ahead for col, and edges ahead for
// the dedup bitmap, reference and node time in the merge.
constexpr int64_t kFrontierPerTask = 256;
constexpr int64_t kRowsAhead = 24;
constexpr int64_t kColAhead = 96;
constexpr int64_t kSlotAhead = 40;

// The edges one thread chose for its range of the frontier.
struct Chosen {
  int64_t begin = 0;            // first frontier index of the range
  std::vector<int64_t> ends;    // per frontier node, end of its edges
  GrowList<int64_t> positions;  // stored edge positions
  std::vector<int32_t> srcs;    // col[positions[k]]
  PositionSet set;
};

// The dedup map and per-thread choices of one request, kept between requests.
struct BatchScratch {
  BatchDedup seen;
  std::vector<Chosen> chosen;
};

ScratchPool<BatchScratch> scratchPool(2);

uint64_t StreamId(int32_t hop, size_t edgeType, int64_t f) {
  return (static_cast<uint64_t>(hop) << 58) ^ (static_cast<uint64_t>(edgeType) << 40) ^
         static_cast<uint64_t>(f);
}

// Grows `out` by `extra` uninitialised elements, failing if it would outgrow an Int32Array.
template <typename T>
T* Extend(OutArray<T>& out, int64_t extra, const char* what, const std::string& type) {
  const int64_t at = static_cast<int64_t>(out.size());
  if (at + extra > INT32_MAX) {
    Fail("SAMPLER_TOO_LARGE", "sample: ", at + extra, " ", what, " of type '", type,
         "' exceed an Int32Array; use smaller batches or fanouts");
  }
  out.resize(static_cast<size_t>(at + extra));
  return out.data() + at;
}

// Draws the edges of frontier nodes [begin, end) of `ids` into `c` and gathers their sources.
void Choose(const EdgeTypeView& et, int64_t srcCount, const int32_t* ids, int64_t begin,
            int64_t end, int32_t hop, size_t e, int32_t fanout, const SampleRequest& r, Chosen& c) {
  c.begin = begin;
  for (int64_t f = begin; f < end; ++f) {
    if (f + kRowsAhead < end) {
      const int64_t* row = et.rowptr + ids[f + kRowsAhead];
      Prefetch(row);
      Prefetch(row + 1);
    }
    const int32_t d = ids[f];
    const int64_t lo = et.rowptr[d];
    const int64_t hi = et.rowptr[d + 1];
    if (lo > hi || hi > et.numEdges) {
      Fail("SAMPLER_CORRUPT_STORE", "edge type '", et.name, "': rowptr of node ", d,
           " is not a valid range of [0, ", et.numEdges, "]");
    }
    RandomStream rng(r.randomSeed, StreamId(hop, e, f));
    ChooseOffsets(lo, hi - lo, fanout, r.strategy, rng, c.set, c.positions);
    c.ends.push_back(static_cast<int64_t>(c.positions.size()));
  }

  const int64_t count = static_cast<int64_t>(c.positions.size());
  const int64_t* pos = c.positions.data();
  c.srcs.resize(static_cast<size_t>(count));
  int32_t* srcs = c.srcs.data();
  for (int64_t k = 0; k < count; ++k) {
    if (k + kColAhead < count) Prefetch(et.col + pos[k + kColAhead]);
    srcs[k] = et.col[pos[k]];
  }
  for (int64_t k = 0; k < count; ++k) {
    if (static_cast<uint64_t>(srcs[k]) >= static_cast<uint64_t>(srcCount)) {
      Fail("SAMPLER_CORRUPT_STORE", "edge type '", et.name, "': col[", pos[k], "] = ", srcs[k],
           " is not a node id of type '", et.src, "' (count ", srcCount, ")");
    }
  }
}

// Where the merge of one (hop, edge type) writes: the source type's node arrays (grown by the
// most nodes it can find) and the edge type's src/dst arrays (grown by its edges).
struct MergeOut {
  int32_t* ids;
  int32_t* batch;
  int64_t* time;           // null for a static source type
  const int64_t* srcTime;  // the source type's node times, or null
  int64_t numNodes;        // nodes of the source type so far
  int32_t* src;
  int32_t* dst;
};

// The merge for a source type deduplicated by bitmap: a source's index is refs[src] when its bit
// is set, else it is appended (at most one node per edge, for which `out` has room). The node
// time of a new node is copied here, its load overlapping the others (kTimed: the type has times).
template <bool kTimed>
void MergeDense(const std::vector<Chosen>& chosen, int threads, int64_t frontierBegin,
                const int32_t* frontierBatch, uint64_t* bits, uint32_t* refs, MergeOut& out) {
  int32_t* ids = out.ids;
  int32_t* batch = out.batch;
  int64_t* time = out.time;
  const int64_t* srcTime = out.srcTime;
  int32_t* outSrc = out.src;
  int32_t* outDst = out.dst;
  int64_t numNodes = out.numNodes;
  for (int t = 0; t < threads; ++t) {
    const Chosen& c = chosen[t];
    const int32_t* srcs = c.srcs.data();
    const int64_t last = static_cast<int64_t>(c.srcs.size());
    int64_t k = 0;
    for (size_t i = 0; i < c.ends.size(); ++i) {
      const int64_t f = c.begin + static_cast<int64_t>(i);
      const int32_t dstIndex = static_cast<int32_t>(frontierBegin + f);
      const int32_t seedIndex = frontierBatch[f];
      for (const int64_t end = c.ends[i]; k < end; ++k) {
        if (k + kSlotAhead < last) {
          const uint32_t ahead = static_cast<uint32_t>(srcs[k + kSlotAhead]);
          Prefetch(bits + (ahead >> 6));
          Prefetch(refs + ahead);
          if constexpr (kTimed) Prefetch(srcTime + ahead);
        }
        const uint32_t src = static_cast<uint32_t>(srcs[k]);
        uint64_t* word = bits + (src >> 6);
        const uint64_t bit = uint64_t{1} << (src & 63);
        uint32_t index;
        if (*word & bit) {
          index = refs[src];
        } else {
          *word |= bit;
          index = static_cast<uint32_t>(numNodes);
          refs[src] = index;
          ids[numNodes] = static_cast<int32_t>(src);
          batch[numNodes] = seedIndex;
          if constexpr (kTimed) time[numNodes] = srcTime[src];
          ++numNodes;
        }
        *outSrc++ = static_cast<int32_t>(index);
        *outDst++ = dstIndex;
      }
    }
  }
  out.numNodes = numNodes;
}

// The merge for a source type deduplicated by hash map (types too large for a bitmap).
void MergeMapped(const std::vector<Chosen>& chosen, int threads, int64_t frontierBegin,
                 const int32_t* frontierBatch, BatchDedup& seen, int32_t srcType, MergeOut& out) {
  int64_t j = 0;
  for (int t = 0; t < threads; ++t) {
    const Chosen& c = chosen[t];
    const int32_t* srcs = c.srcs.data();
    const int64_t last = static_cast<int64_t>(c.srcs.size());
    int64_t k = 0;
    for (size_t i = 0; i < c.ends.size(); ++i) {
      const int64_t f = c.begin + static_cast<int64_t>(i);
      const int32_t dstIndex = static_cast<int32_t>(frontierBegin + f);
      const int32_t seedIndex = frontierBatch[f];
      for (const int64_t end = c.ends[i]; k < end; ++k, ++j) {
        if (k + kSlotAhead < last) seen.Prefetch(srcType, srcs[k + kSlotAhead]);
        const int32_t src = srcs[k];
        out.src[j] = static_cast<int32_t>(seen.FindOrInsert(srcType, src, [&] {
          const int64_t index = out.numNodes++;
          out.ids[index] = src;
          out.batch[index] = seedIndex;
          if (out.time != nullptr) out.time[index] = out.srcTime[src];
          return static_cast<uint32_t>(index);
        }));
        out.dst[j] = dstIndex;
      }
    }
  }
}

}  // namespace

SampleResult SampleBatch(const GraphView& view, const SampleRequest& r) {
  const size_t numTypes = view.nodeTypes.size();
  const size_t numEdgeTypes = view.edgeTypes.size();
  SampleResult result;
  result.nodes.resize(numTypes);
  result.edges.resize(numEdgeTypes);
  for (SampledNodes& n : result.nodes) n.perHop.assign(r.hops + 1, 0);
  for (SampledEdges& s : result.edges) s.perHop.assign(r.hops, 0);
  std::unique_ptr<BatchScratch> scratch = scratchPool.Acquire();
  BatchDedup& seen = scratch->seen;
  seen.Reset(view);

  // Every seed keeps its own position (so the first numSeeds nodes are the seeds); a repeated
  // seed id maps to its first occurrence when reached again.
  SampledNodes& seeds = result.nodes[r.seedType];
  const NodeTypeView& seedType = view.nodeTypes[r.seedType];
  const int64_t numSeeds = static_cast<int64_t>(r.seeds.size());
  int32_t* seedIds = Extend(seeds.ids, numSeeds, "nodes", seedType.name);
  int32_t* seedBatch = Extend(seeds.batch, numSeeds, "nodes", seedType.name);
  int64_t* seedTime =
      seedType.time ? Extend(seeds.time, numSeeds, "nodes", seedType.name) : nullptr;
  for (int64_t s = 0; s < numSeeds; ++s) {
    seedIds[s] = r.seeds[s];
    seedBatch[s] = static_cast<int32_t>(s);
    if (seedTime != nullptr) seedTime[s] = seedType.time[r.seeds[s]];
    seen.FindOrInsert(r.seedType, r.seeds[s], [&] { return static_cast<uint32_t>(s); });
  }
  seeds.perHop[0] = static_cast<int32_t>(numSeeds);

  // hopBegin[type * (hops + 2) + hop]: index of the first node found at `hop`.
  const size_t stride = static_cast<size_t>(r.hops) + 2;
  std::vector<int64_t> hopBegin(numTypes * stride, 0);
  std::vector<Chosen>& chosen = scratch->chosen;
  if (chosen.size() < static_cast<size_t>(r.threads)) chosen.resize(r.threads);
  for (int32_t hop = 1; hop <= r.hops; ++hop) {
    for (size_t type = 0; type < numTypes; ++type) {
      hopBegin[type * stride + hop] = static_cast<int64_t>(result.nodes[type].ids.size());
    }
    for (size_t e = 0; e < numEdgeTypes; ++e) {
      const int32_t fanout = r.fanouts[e * r.hops + hop - 1];
      if (fanout == 0) continue;
      const EdgeTypeView& et = view.edgeTypes[e];
      const std::string& srcName = view.nodeTypes[et.srcType].name;
      const int64_t srcCount = view.nodeTypes[et.srcType].count;
      const int64_t frontierBegin = hopBegin[et.dstType * stride + hop - 1];
      const int64_t n = hopBegin[et.dstType * stride + hop] - frontierBegin;
      const int64_t tasks = std::max<int64_t>(1, (n + kFrontierPerTask - 1) / kFrontierPerTask);
      const int threads = static_cast<int>(std::clamp<int64_t>(r.threads, 1, tasks));
      for (auto& c : chosen) c.ends.clear(), c.positions.clear(), c.srcs.clear(), c.begin = n;

      // Choose, in parallel over the frontier.
      const int32_t* frontier = result.nodes[et.dstType].ids.data() + frontierBegin;
      ParallelFor(n, threads, kFrontierPerTask, [&](int64_t begin, int64_t end, int t) {
        Choose(et, srcCount, frontier, begin, end, hop, e, fanout, r, chosen[t]);
      });
      int64_t count = 0;
      for (int t = 0; t < threads; ++t) count += static_cast<int64_t>(chosen[t].srcs.size());
      if (count == 0) continue;

      // Merge, in frontier order: dedup sources and emit edges. Room for `count` new nodes
      // first, so no array moves while the merge writes (source and frontier may be one type).
      SampledNodes& nodes = result.nodes[et.srcType];
      SampledEdges& edges = result.edges[e];
      MergeOut out;
      out.numNodes = static_cast<int64_t>(nodes.ids.size());
      out.ids = Extend(nodes.ids, count, "nodes", srcName) - out.numNodes;
      out.batch = Extend(nodes.batch, count, "nodes", srcName) - out.numNodes;
      out.srcTime = view.nodeTypes[et.srcType].time;
      out.time = out.srcTime ? Extend(nodes.time, count, "nodes", srcName) - out.numNodes : nullptr;
      out.src = Extend(edges.src, count, "edges", et.name);
      out.dst = Extend(edges.dst, count, "edges", et.name);
      const int32_t* frontierBatch = result.nodes[et.dstType].batch.data() + frontierBegin;
      uint64_t* bits = seen.Bits(et.srcType);
      if (bits != nullptr && out.time != nullptr) {
        MergeDense<true>(chosen, threads, frontierBegin, frontierBatch, bits, seen.Refs(et.srcType),
                         out);
      } else if (bits != nullptr) {
        MergeDense<false>(chosen, threads, frontierBegin, frontierBatch, bits,
                          seen.Refs(et.srcType), out);
      } else {
        MergeMapped(chosen, threads, frontierBegin, frontierBatch, seen, et.srcType, out);
      }
      nodes.ids.resize(static_cast<size_t>(out.numNodes));
      nodes.batch.resize(static_cast<size_t>(out.numNodes));
      if (out.time != nullptr) nodes.time.resize(static_cast<size_t>(out.numNodes));
      edges.perHop[hop - 1] += static_cast<int32_t>(count);

      if (r.edgeIds) {
        int32_t* edgeIds = Extend(edges.edgeIds, count, "edges", et.name);
        for (int t = 0; t < threads; ++t) {
          for (int64_t p : chosen[t].positions) {
            *edgeIds++ = et.edgeId != nullptr ? et.edgeId[p] : static_cast<int32_t>(p);
          }
        }
      }
    }
    for (size_t type = 0; type < numTypes; ++type) {
      result.nodes[type].perHop[hop] = static_cast<int32_t>(
          static_cast<int64_t>(result.nodes[type].ids.size()) - hopBegin[type * stride + hop]);
    }
  }

  // Leave the bitmaps clear for the next request.
  for (size_t type = 0; type < numTypes; ++type) {
    const OutArray<int32_t>& ids = result.nodes[type].ids;
    seen.Forget(static_cast<int32_t>(type), ids.data(), ids.size());
  }
  scratchPool.Release(std::move(scratch));
  return result;
}

}  // namespace prequel
