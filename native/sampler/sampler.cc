// SPDX-License-Identifier: Apache-2.0
// Request validation, mode dispatch and the final merge of per-thread partials.
#include "sampler/sampler.h"

#include <algorithm>
#include <climits>
#include <mutex>

#include "common/error.h"
#include "common/parallel.h"
#include "sampler/partial.h"
#include "sampler/prefetch.h"

namespace prequel {

void ValidateRequest(const GraphView& view, const SampleRequest& r) {
  const int64_t numTypes = static_cast<int64_t>(view.nodeTypes.size());
  if (r.seedType < 0 || r.seedType >= numTypes) {
    Fail("SAMPLER_UNKNOWN_NODE_TYPE", "seedType: expected a node type index in [0, ", numTypes,
         "), got ", r.seedType);
  }
  if (r.hops < 0 || r.hops > kMaxHops) {
    Fail("SAMPLER_BAD_FANOUTS", "fanouts: expected between 0 and ", kMaxHops, " hops, got ",
         r.hops);
  }
  const size_t expected = view.edgeTypes.size() * static_cast<size_t>(r.hops);
  if (r.fanouts.size() != expected) {
    Fail("SAMPLER_BAD_FANOUTS", "fanouts: expected ", expected, " values (", view.edgeTypes.size(),
         " edge types x ", r.hops, " hops), got ", r.fanouts.size());
  }
  for (size_t i = 0; i < r.fanouts.size(); ++i) {
    if (r.fanouts[i] < -1) {
      Fail("SAMPLER_BAD_FANOUTS", "fanouts of edge type '", view.edgeTypes[i / r.hops].name,
           "' at hop ", i % r.hops + 1, ": expected -1 (all), 0 (skip) or a positive count, got ",
           r.fanouts[i]);
    }
  }

  const int64_t count = view.nodeTypes[r.seedType].count;
  for (size_t i = 0; i < r.seeds.size(); ++i) {
    if (r.seeds[i] < 0 || r.seeds[i] >= count) {
      Fail("SAMPLER_BAD_SEEDS", "seeds[", i, "]: expected a node id of type '",
           view.nodeTypes[r.seedType].name, "' in [0, ", count, "), got ", r.seeds[i]);
    }
  }
  if (!r.seedTimes.empty() && r.seedTimes.size() != r.seeds.size()) {
    Fail("SAMPLER_BAD_SEED_TIMES", "seedTimes: expected one time per seed (", r.seeds.size(),
         "), got ", r.seedTimes.size());
  }
  if (r.dedup == Dedup::kBatch && r.streamsBySeed) {
    Fail("SAMPLER_BAD_OPTION",
         "streams: expected 'position' with dedup 'batch' (seed-keyed streams need one tree per "
         "seed)");
  }
  if (r.dedup == Dedup::kBatch && !r.seedTimes.empty()) {
    Fail("SAMPLER_BAD_OPTION",
         "dedup: expected 'tree' with seed times (temporal sampling needs one tree per seed), "
         "got 'batch'");
  }
  if (r.threads < 1 || r.threads > 1024) {
    Fail("SAMPLER_BAD_OPTION", "threads: expected an integer in [1, 1024], got ", r.threads);
  }
  if (r.edgeIds) {
    for (const EdgeTypeView& et : view.edgeTypes) {
      if (et.numEdges > INT32_MAX) {
        Fail("SAMPLER_TOO_LARGE", "edgeIds: edge type '", et.name, "' has ", et.numEdges,
             " edges, more than an Int32Array of ids can address");
      }
    }
  }
}

SampleResult MergePartials(const GraphView& view, const SampleRequest& r,
                           std::vector<Partial>& partials) {
  const size_t numTypes = view.nodeTypes.size();
  const size_t numEdgeTypes = view.edgeTypes.size();
  const size_t numParts = partials.size();
  const int32_t hops = r.hops;
  SampleResult result;
  result.nodes.resize(numTypes);
  result.edges.resize(numEdgeTypes);

  // Where each partial's (type, hop) list starts in the output: hop-major, then partial order.
  std::vector<std::vector<int64_t>> nodeAt(numParts, std::vector<int64_t>(numTypes * (hops + 1)));
  for (size_t type = 0; type < numTypes; ++type) {
    SampledNodes& out = result.nodes[type];
    out.perHop.assign(hops + 1, 0);
    int64_t at = 0;
    for (int32_t hop = 0; hop <= hops; ++hop) {
      for (size_t t = 0; t < numParts; ++t) {
        size_t slot = partials[t].NodeSlot(static_cast<int32_t>(type), hop);
        nodeAt[t][slot] = at;
        at += static_cast<int64_t>(partials[t].ids[slot].size());
        out.perHop[hop] += static_cast<int32_t>(partials[t].ids[slot].size());
      }
    }
    if (at > INT32_MAX) {
      Fail("SAMPLER_TOO_LARGE", "sample: ", at, " nodes of type '", view.nodeTypes[type].name,
           "' exceed an Int32Array; use smaller batches or fanouts");
    }
    out.ids.resize(at);
    out.batch.resize(at);
    if (view.nodeTypes[type].time != nullptr) out.time.resize(at);
  }

  std::vector<std::vector<int64_t>> edgeAt(numParts, std::vector<int64_t>(numEdgeTypes * hops));
  for (size_t e = 0; e < numEdgeTypes; ++e) {
    SampledEdges& out = result.edges[e];
    out.perHop.assign(hops, 0);
    int64_t at = 0;
    for (int32_t hop = 1; hop <= hops; ++hop) {
      for (size_t t = 0; t < numParts; ++t) {
        size_t slot = partials[t].EdgeSlot(static_cast<int32_t>(e), hop);
        edgeAt[t][slot] = at;
        at += static_cast<int64_t>(partials[t].src[slot].size());
        out.perHop[hop - 1] += static_cast<int32_t>(partials[t].src[slot].size());
      }
    }
    if (at > INT32_MAX) {
      Fail("SAMPLER_TOO_LARGE", "sample: ", at, " edges of type '", view.edgeTypes[e].name,
           "' exceed an Int32Array; use smaller batches or fanouts");
    }
    out.src.resize(at);
    out.dst.resize(at);
    if (r.edgeIds) out.edgeIds.resize(at);
  }

  // Copy each partial into place, in parallel over partials.
  ParallelFor(static_cast<int64_t>(numParts), r.threads, 1, [&](int64_t begin, int64_t end, int) {
    for (int64_t t = begin; t < end; ++t) {
      const Partial& part = partials[t];
      for (size_t type = 0; type < numTypes; ++type) {
        SampledNodes& out = result.nodes[type];
        const int64_t* time = view.nodeTypes[type].time;
        for (int32_t hop = 0; hop <= hops; ++hop) {
          size_t slot = part.NodeSlot(static_cast<int32_t>(type), hop);
          int64_t at = nodeAt[t][slot];
          std::copy(part.ids[slot].begin(), part.ids[slot].end(), out.ids.begin() + at);
          std::copy(part.batch[slot].begin(), part.batch[slot].end(), out.batch.begin() + at);
          if (time == nullptr) continue;
          const GrowList<int32_t>& ids = part.ids[slot];
          for (size_t i = 0; i < ids.size(); ++i) {
            if (i + 16 < ids.size()) Prefetch(time + ids[i + 16]);
            out.time[at + i] = time[ids[i]];
          }
        }
      }
      for (size_t e = 0; e < numEdgeTypes; ++e) {
        const EdgeTypeView& et = view.edgeTypes[e];
        SampledEdges& out = result.edges[e];
        const int64_t* srcAt = nodeAt[t].data() + et.srcType * (hops + 1);
        const int64_t* dstAt = nodeAt[t].data() + et.dstType * (hops + 1);
        for (int32_t hop = 1; hop <= hops; ++hop) {
          size_t slot = part.EdgeSlot(static_cast<int32_t>(e), hop);
          int64_t at = edgeAt[t][slot];
          const GrowList<uint32_t>& src = part.src[slot];
          const GrowList<uint32_t>& dst = part.dst[slot];
          for (size_t i = 0; i < src.size(); ++i) {
            out.src[at + i] =
                static_cast<int32_t>(srcAt[src[i] >> kRefShift] + (src[i] & kRefIndexMask));
            out.dst[at + i] =
                static_cast<int32_t>(dstAt[dst[i] >> kRefShift] + (dst[i] & kRefIndexMask));
          }
          if (!r.edgeIds) continue;
          const GrowList<int64_t>& pos = part.pos[slot];
          for (size_t i = 0; i < pos.size(); ++i) {
            out.edgeIds[at + i] =
                et.edgeId != nullptr ? et.edgeId[pos[i]] : static_cast<int32_t>(pos[i]);
          }
        }
      }
    }
  });
  return result;
}

namespace {

// Partials kept between requests, and the most memory they may hold on to.
constexpr size_t kPoolPartials = 16;
constexpr size_t kPoolBytes = size_t{256} << 20;
std::mutex poolMutex;
std::vector<Partial> pool;

template <typename T>
size_t Bytes(const std::vector<GrowList<T>>& lists) {
  size_t bytes = 0;
  for (const auto& l : lists) bytes += l.capacity() * sizeof(T);
  return bytes;
}

}  // namespace

size_t Partial::Capacity() const {
  return Bytes(ids) + Bytes(batch) + Bytes(src) + Bytes(dst) + Bytes(pos);
}

std::vector<Partial> AcquirePartials(const GraphView& view, const SampleRequest& request,
                                     size_t count) {
  std::vector<Partial> partials;
  {
    std::lock_guard<std::mutex> lock(poolMutex);
    while (partials.size() < count && !pool.empty()) {
      partials.push_back(std::move(pool.back()));
      pool.pop_back();
    }
  }
  partials.resize(count);
  for (Partial& p : partials) p.Reset(view, request.hops, request.edgeIds);
  return partials;
}

void ReleasePartials(std::vector<Partial>&& partials) {
  std::lock_guard<std::mutex> lock(poolMutex);
  size_t held = 0;
  for (const Partial& p : pool) held += p.Capacity();
  for (Partial& p : partials) {
    const size_t bytes = p.Capacity();
    if (pool.size() >= kPoolPartials || held + bytes > kPoolBytes) break;
    held += bytes;
    pool.push_back(std::move(p));
  }
}

SampleResult Sample(const GraphView& view, const SampleRequest& request) {
  ValidateRequest(view, request);
  if (request.dedup == Dedup::kBatch) return SampleBatch(view, request);
  std::vector<Partial> partials = SampleTrees(view, request);
  SampleResult result = MergePartials(view, request, partials);
  ReleasePartials(std::move(partials));
  return result;
}

}  // namespace prequel
