// SPDX-License-Identifier: Apache-2.0
// Building a graph store from edge lists that arrive in chunks (the record batches of a stage
// file), so the memory beyond the finished store is one chunk plus per-thread sort scratch.
// Every edge type takes its chunks twice, in the same order:
//   1. Count: validate the chunk (ids in range, times not the null sentinel) and count its edges
//      per destination into rowptr.
//   2. Fill: scatter the chunk into its destinations' slots of col / edge time / edge id, in
//      input order; rowptr doubles as the write cursor.
// Finish sorts every neighbor list by (key time, source id, edge id), so the store equals
// GraphStore::Build on the concatenated chunks.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/graph_store.h"
#include "store/graph_view.h"

namespace prequel {

struct NodeTypeDecl {
  std::string name;
  int64_t count = 0;
  bool hasTime = false;
};

struct EdgeTypeDecl {
  std::string src;
  std::string relation;
  std::string dst;
  bool hasTime = false;
  bool keepEdgeIds = false;
};

// One chunk of an edge list: borrowed arrays, read only during the call.
struct EdgeChunk {
  std::span<const int32_t> srcIds;
  std::span<const int32_t> dstIds;
  std::span<const int64_t> time;
  bool hasTime = false;
};

class GraphBuilder {
 public:
  static constexpr napi_type_tag kTag{0x6d1f0b9e4a3c7285ULL, 0xe2b85c4f17a9d036ULL};
  static constexpr const char* kKind = "graph builder";

  // Checks names, counts and references as GraphStore::Build does, and allocates node times and
  // every rowptr. Throws STORE_* coded errors. Finish sorts with `threads` threads.
  GraphBuilder(std::vector<NodeTypeDecl> nodeTypes, std::vector<EdgeTypeDecl> edgeTypes,
               int threads);

  int32_t NodeTypeIndex(std::string_view name, const char* arg) const;
  int32_t EdgeTypeIndex(std::string_view name, const char* arg) const;

  // Appends the next rows of a node type's times.
  void AppendNodeTime(int32_t type, std::span<const int64_t> time);
  // Pass 1 over one chunk of edge type `type`.
  void Count(int32_t type, const EdgeChunk& chunk);
  // Pass 2 over one chunk; the first fill of a type ends its count pass.
  void Fill(int32_t type, const EdgeChunk& chunk);

  // Refuses every later call; done on the JS thread before Finish runs off it.
  void Seal();
  // Checks that every array is complete and that both passes saw the same edges, then sorts the
  // neighbor lists and hands the arrays to a new store.
  std::shared_ptr<GraphStore> Finish();

 private:
  enum class Pass { kCount, kFill };
  struct EdgeState {
    Pass pass = Pass::kCount;
    bool hasTime = false;
    bool keepEdgeIds = false;
    int64_t counted = 0;
    int64_t filled = 0;
    // Order-free fingerprints of the edges each pass saw.
    uint64_t countHash = 0;
    uint64_t fillHash = 0;
    EdgeTypeArrays arrays;
  };

  GraphView view_;
  std::vector<NodeTypeArrays> nodes_;
  std::vector<int64_t> nodeRows_;
  std::vector<EdgeState> edges_;
  std::vector<int64_t> slots_;  // Fill's scratch: the slot of each edge of the chunk
  int threads_ = 1;
  bool sealed_ = false;

  void CheckOpen(const char* operation) const;
  void CheckChunk(int32_t type, const EdgeChunk& chunk, int64_t first) const;
  void BeginFill(int32_t type);
  void SortLists(int32_t type, int threads);
};

}  // namespace prequel
