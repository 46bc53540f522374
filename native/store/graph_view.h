// SPDX-License-Identifier: Apache-2.0
// The read-only view of a temporal heterogeneous graph that the sampler consumes. The graph
// store (graph_store.h) owns the memory, in RAM after a build or memory-mapped after an open;
// this view only points into it, so it is cheap to copy and safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace prequel {

// Sentinel for "no time": rows of static tables are visible at every time.
inline constexpr int64_t kNoTime = INT64_MIN;

struct NodeTypeView {
  std::string name;
  int64_t count = 0;
  // Per-node time (row creation time), or nullptr for a static node type.
  const int64_t* time = nullptr;
};

// Edges of one type, stored by destination: for destination node d, its source neighbors are
// col[rowptr[d] .. rowptr[d + 1]). Sampling walks these in-edges from the frontier outwards.
//
// Each neighbor list is sorted by (key time, source id) ascending, where the key time is the
// edge's own time when the type has edge times, otherwise the source node's time when the source
// type has node times, otherwise absent (lists sorted by source id). So "neighbors visible at t"
// is the prefix up to one binary search (upper bound of t over the key times).
struct EdgeTypeView {
  std::string name;  // "src__relation__dst"
  std::string src;
  std::string relation;
  std::string dst;
  int32_t srcType = -1;  // index into GraphView::nodeTypes
  int32_t dstType = -1;
  int64_t numEdges = 0;
  const int64_t* rowptr = nullptr;    // length nodeTypes[dstType].count + 1
  const int32_t* col = nullptr;       // length numEdges, source node ids
  const int64_t* edgeTime = nullptr;  // length numEdges, or nullptr when the type has no edge times
  // Position of each stored edge in the edge list it was built from (so per-edge attribute
  // columns given at build time can be read in stored order), or nullptr when not kept.
  const int32_t* edgeId = nullptr;
};

struct GraphView {
  std::vector<NodeTypeView> nodeTypes;
  std::vector<EdgeTypeView> edgeTypes;
};

}  // namespace prequel
