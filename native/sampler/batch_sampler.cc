// SPDX-License-Identifier: Apache-2.0
// Batch-deduplicated sampling (no seed times): every node appears once per batch, wherever it
// was reached from.
//
// Each hop runs in two stages. Choose: the frontier is split into contiguous ranges, one per
// thread, and each thread draws the chosen edge positions of its range into its own buffer; a
// frontier node draws from its own random stream (random seed, hop, edge type, position), so
// choices do not depend on the thread count. Merge: one pass in frontier order assigns local
// indices, which keeps the order of discovery (and the output) independent of threads too.
#include <algorithm>

#include "common/parallel.h"
#include "sampler/batch_dedup.h"
#include "sampler/partial.h"
#include "sampler/prefetch.h"
#include "sampler/scratch_pool.h"

namespace prequel {
namespace {

constexpr int64_t kFrontierPerTask = 256;
constexpr int64_t kColAhead = 16;
constexpr int64_t kSlotAhead = 8;

// The positions one thread chose for its range of the frontier.
struct Chosen {
  int64_t begin = 0;          // first frontier index of the range
  std::vector<int64_t> ends;  // per frontier node, end of its positions
  std::vector<int64_t> positions;
  PositionSet set;
  std::vector<int64_t> offsets;
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

}  // namespace

std::vector<Partial> SampleBatch(const GraphView& view, const SampleRequest& r) {
  std::vector<Partial> partials = AcquirePartials(view, r, 1);
  Partial& part = partials[0];
  std::unique_ptr<BatchScratch> scratch = scratchPool.Acquire();
  BatchDedup& seen = scratch->seen;
  seen.Reset(view);

  // Every seed keeps its own position (so the first numSeeds nodes are the seeds); a repeated
  // seed id maps to its first occurrence when reached again.
  for (size_t s = 0; s < r.seeds.size(); ++s) {
    uint32_t ref = part.AddNode(r.seedType, 0, r.seeds[s], static_cast<int32_t>(s));
    seen.FindOrInsert(r.seedType, r.seeds[s], [&] { return ref; });
  }

  std::vector<Chosen>& chosen = scratch->chosen;
  if (chosen.size() < static_cast<size_t>(r.threads)) chosen.resize(r.threads);
  for (int32_t hop = 1; hop <= r.hops; ++hop) {
    for (size_t e = 0; e < view.edgeTypes.size(); ++e) {
      int32_t fanout = r.fanouts[e * r.hops + hop - 1];
      if (fanout == 0) continue;
      const EdgeTypeView& et = view.edgeTypes[e];
      const int64_t srcCount = view.nodeTypes[et.srcType].count;
      const size_t frontier = part.NodeSlot(et.dstType, hop - 1);
      const std::vector<int32_t>& ids = part.ids[frontier];
      const int64_t n = static_cast<int64_t>(ids.size());
      const int64_t tasks = std::max<int64_t>(1, (n + kFrontierPerTask - 1) / kFrontierPerTask);
      const int threads = static_cast<int>(std::clamp<int64_t>(r.threads, 1, tasks));
      for (auto& c : chosen) c.ends.clear(), c.positions.clear(), c.begin = n;

      // Choose, in parallel over the frontier.
      ParallelFor(n, threads, kFrontierPerTask, [&](int64_t begin, int64_t end, int t) {
        Chosen& c = chosen[t];
        c.begin = begin;
        for (int64_t f = begin; f < end; ++f) {
          if (f + kRowptrAhead < end) PrefetchRowptr(et, ids[f + kRowptrAhead]);
          const int32_t d = ids[f];
          const int64_t lo = et.rowptr[d];
          const int64_t hi = et.rowptr[d + 1];
          if (lo > hi || hi > et.numEdges) {
            Fail("SAMPLER_CORRUPT_STORE", "edge type '", et.name, "': rowptr of node ", d,
                 " is not a valid range of [0, ", et.numEdges, "]");
          }
          RandomStream rng(r.randomSeed, StreamId(hop, e, f));
          c.offsets.clear();
          ChooseOffsets(hi - lo, fanout, r.strategy, rng, c.set, c.offsets);
          for (int64_t offset : c.offsets) c.positions.push_back(lo + offset);
          c.ends.push_back(static_cast<int64_t>(c.positions.size()));
        }
      });

      // Merge, in frontier order: dedup sources and emit edges.
      for (int t = 0; t < threads; ++t) {
        const Chosen& c = chosen[t];
        int64_t from = 0;
        for (size_t i = 0; i < c.ends.size(); ++i) {
          const int64_t f = c.begin + static_cast<int64_t>(i);
          const uint32_t dstRef = MakeRef(hop - 1, static_cast<size_t>(f));
          const int32_t seedIndex = part.batch[frontier][f];
          for (int64_t k = from; k < c.ends[i]; ++k) {
            // Sources a few edges ahead: their col entries, then their dedup slots.
            const int64_t last = static_cast<int64_t>(c.positions.size());
            if (k + kColAhead < last) Prefetch(et.col + c.positions[k + kColAhead]);
            if (k + kSlotAhead < last) {
              seen.Prefetch(et.srcType, et.col[c.positions[k + kSlotAhead]]);
            }
            const int64_t p = c.positions[k];
            const int32_t src = et.col[p];
            if (static_cast<uint64_t>(src) >= static_cast<uint64_t>(srcCount)) {
              Fail("SAMPLER_CORRUPT_STORE", "edge type '", et.name, "': col[", p, "] = ", src,
                   " is not a node id of type '", et.src, "' (count ", srcCount, ")");
            }
            uint32_t srcRef = seen.FindOrInsert(
                et.srcType, src, [&] { return part.AddNode(et.srcType, hop, src, seedIndex); });
            part.AddEdge(static_cast<int32_t>(e), hop, srcRef, dstRef, p);
          }
          from = c.ends[i];
        }
      }
    }
  }
  // Leave the bitmaps clear for the next request.
  for (size_t type = 0; type < view.nodeTypes.size(); ++type) {
    for (int32_t hop = 0; hop <= r.hops; ++hop) {
      for (int32_t id : part.ids[part.NodeSlot(static_cast<int32_t>(type), hop)]) {
        seen.Forget(static_cast<int32_t>(type), id);
      }
    }
  }
  scratchPool.Release(std::move(scratch));
  return partials;
}

}  // namespace prequel
