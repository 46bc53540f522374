// SPDX-License-Identifier: Apache-2.0
// The temporal neighbor sampler: from seed nodes (each with its own anchor time, or none), walks
// in-edges hop by hop, keeping per hop and edge type at most `fanout` eligible neighbors.
//
// Output layout, per node type: nodes ordered by (hop, seed index, discovery order), so the
// first numSeeds nodes of the seed type are the seeds in the order given and each hop's nodes
// are one contiguous range (perHop gives the counts). Per edge type: (src, dst) pairs of local
// indices into those per-type arrays, ordered by (hop, seed index, discovery order).
#pragma once

#include <cstdint>
#include <vector>

#include "sampler/choose.h"
#include "sampler/output_blocks.h"
#include "store/graph_view.h"

namespace prequel {

inline constexpr int kMaxHops = 15;

// kTree: one disjoint tree per seed, nodes deduplicated per (seed, node); required with times.
// kBatch: nodes deduplicated across the whole batch (no seed times only).
enum class Dedup { kTree, kBatch };

struct SampleRequest {
  int32_t seedType = 0;
  std::vector<int32_t> seeds;
  std::vector<int64_t> seedTimes;  // one per seed, or empty for non-temporal sampling
  int32_t hops = 0;
  std::vector<int32_t> fanouts;  // [edgeType * hops + hop]; -1 = all, 0 = skip
  Strategy strategy = Strategy::kUniform;
  Dedup dedup = Dedup::kTree;
  uint64_t randomSeed = 0;
  // Random streams keyed by the seed itself (node id, seed time) instead of its position in the
  // request: a seed's tree is then the same whatever else the batch holds (tree dedup only).
  bool streamsBySeed = false;
  int32_t threads = 1;
  bool edgeIds = false;
};

struct SampledNodes {
  OutArray<int32_t> ids;     // global node ids
  OutArray<int32_t> batch;   // seed index each node belongs to
  OutArray<int64_t> time;    // node times, empty for static node types
  OutArray<int32_t> perHop;  // hops + 1 counts; perHop[0] = seeds of this type
};

struct SampledEdges {
  OutArray<int32_t> src;      // local index into the source type's nodes
  OutArray<int32_t> dst;      // local index into the destination type's nodes
  OutArray<int32_t> edgeIds;  // edge id per sampled edge, when requested
  OutArray<int32_t> perHop;   // hops counts
};

struct SampleResult {
  std::vector<SampledNodes> nodes;  // by node type index
  std::vector<SampledEdges> edges;  // by edge type index
};

// Throws SAMPLER_* coded errors naming the argument, the expectation and the value.
void ValidateRequest(const GraphView& view, const SampleRequest& request);

// Samples one batch. Deterministic for a given request, whatever request.threads is.
SampleResult Sample(const GraphView& view, const SampleRequest& request);

}  // namespace prequel
