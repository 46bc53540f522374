// SPDX-License-Identifier: Apache-2.0
// The temporal graph store: node types with optional per-node times and, per edge type, a CSR
// of in-edges sorted by (key time, source id). It owns the memory behind a GraphView, either
// built in RAM from edge lists or memory-mapped from a saved directory (see store_files.h).
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/buffer.h"
#include "store/graph_view.h"

namespace prequel {

// Input of a build: borrowed arrays that must stay alive until the build returns.
struct NodeTypeInput {
  std::string name;
  int64_t count = 0;
  std::span<const int64_t> time;
  bool hasTime = false;  // false for a static node type
};

struct EdgeTypeInput {
  std::string src;
  std::string relation;
  std::string dst;
  std::span<const int32_t> srcIds;
  std::span<const int32_t> dstIds;
  std::span<const int64_t> time;
  bool hasTime = false;      // false when the edges carry no time
  bool keepEdgeIds = false;  // store each edge's input position
};

struct GraphInput {
  std::vector<NodeTypeInput> nodeTypes;
  std::vector<EdgeTypeInput> edgeTypes;
};

// The arrays of one node or edge type as owned buffers; empty buffers are absent arrays.
struct NodeTypeArrays {
  Buffer time;
};

struct EdgeTypeArrays {
  Buffer rowptr;
  Buffer col;
  Buffer edgeTime;
  Buffer edgeId;
};

// Bytes held by one edge type, and per stored directed edge.
struct EdgeTypeMemory {
  std::string name;
  int64_t numEdges = 0;
  int64_t bytes = 0;
};

class GraphStore {
 public:
  static constexpr napi_type_tag kTag{0x8f3a1c5d2e7b4a91ULL, 0x5c0de7f31b9a6e24ULL};
  static constexpr const char* kKind = "graph store";

  // Validates `input` (ids in range, lengths, types, times) and builds the sorted CSRs with
  // `threads` threads. Throws STORE_* coded errors naming the offending argument.
  static std::shared_ptr<GraphStore> Build(const GraphInput& input, int threads);

  // Assembles a store from arrays already laid out (used by Open on mapped files). The views'
  // names, counts and type indices come from `view`; its pointers are reset from the arrays.
  static std::shared_ptr<GraphStore> FromArrays(GraphView view, std::vector<NodeTypeArrays> nodes,
                                                std::vector<EdgeTypeArrays> edges);

  const GraphView& view() const { return view_; }

  // Index of the node / edge type called `name`, or -1.
  int32_t FindNodeType(std::string_view name) const;
  int32_t FindEdgeType(std::string_view name) const;
  // Same, but throws STORE_UNKNOWN_NODE_TYPE / STORE_UNKNOWN_EDGE_TYPE naming `arg`.
  int32_t NodeTypeIndex(std::string_view name, const char* arg) const;
  int32_t EdgeTypeIndex(std::string_view name, const char* arg) const;

  const NodeTypeArrays& nodeArrays(int32_t type) const { return nodes_[type]; }
  const EdgeTypeArrays& edgeArrays(int32_t type) const { return edges_[type]; }

  // Bytes per edge type (rowptr, col, edge times, edge ids) and node time bytes overall.
  std::vector<EdgeTypeMemory> EdgeMemory() const;
  int64_t NodeTimeBytes() const;

 private:
  GraphView view_;
  std::vector<NodeTypeArrays> nodes_;
  std::vector<EdgeTypeArrays> edges_;
  void RefreshPointers();
};

// The edge type name used everywhere: "src__relation__dst".
std::string EdgeTypeName(std::string_view src, std::string_view relation, std::string_view dst);

}  // namespace prequel
