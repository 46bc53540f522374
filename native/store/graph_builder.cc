// SPDX-License-Identifier: Apache-2.0
// The chunked build. Count and Fill run on the calling thread, one chunk at a time, in input
// order, so each neighbor list fills in increasing edge id. Finish sorts the lists in parallel:
// threads claim blocks of destinations through an atomic counter, each with its own list and
// scratch buffers.
#include "store/graph_builder.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <unordered_set>

#include "common/error.h"
#include "common/parallel.h"
#include "store/neighbor_sort.h"

namespace prequel {

namespace {

uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A fingerprint of one edge; the passes sum them, so the order of chunks does not matter.
uint64_t EdgeHash(int32_t src, int32_t dst, int64_t time) {
  uint64_t ids =
      (static_cast<uint64_t>(static_cast<uint32_t>(src)) << 32) | static_cast<uint32_t>(dst);
  return Mix(ids ^ (static_cast<uint64_t>(time) * 0x9e3779b97f4a7c15ULL));
}

}  // namespace

GraphBuilder::GraphBuilder(std::vector<NodeTypeDecl> nodeTypes, std::vector<EdgeTypeDecl> edgeTypes,
                           int threads)
    : threads_(std::max(1, threads)) {
  std::unordered_set<std::string> seen;
  for (size_t t = 0; t < nodeTypes.size(); ++t) {
    const NodeTypeDecl& n = nodeTypes[t];
    if (n.name.empty() || n.name.find("__") != std::string::npos) {
      Fail("STORE_BAD_DEFINITION", "nodeTypes[", t,
           "].name: expected a non-empty name without '__', got '", n.name, "'");
    }
    if (n.count < 0 || n.count > INT32_MAX) {
      Fail("STORE_BAD_DEFINITION", "nodeTypes[", t, "].count: expected 0..", INT32_MAX, ", got ",
           n.count);
    }
    if (!seen.insert(n.name).second) {
      Fail("STORE_DUPLICATE_TYPE", "nodeTypes[", t, "].name: node type '", n.name,
           "' is declared twice");
    }
    view_.nodeTypes.push_back(NodeTypeView{n.name, n.count, nullptr});
    NodeTypeArrays arrays;
    if (n.hasTime) arrays.time = Buffer::Allocate(sizeof(int64_t) * n.count);
    nodes_.push_back(std::move(arrays));
    nodeRows_.push_back(0);
  }

  seen.clear();
  for (size_t t = 0; t < edgeTypes.size(); ++t) {
    const EdgeTypeDecl& e = edgeTypes[t];
    if (e.relation.empty() || e.relation.find("__") != std::string::npos) {
      Fail("STORE_BAD_DEFINITION", "edgeTypes[", t,
           "].relation: expected a non-empty name without '__', got '", e.relation, "'");
    }
    EdgeTypeView ev;
    ev.src = e.src;
    ev.relation = e.relation;
    ev.dst = e.dst;
    ev.name = EdgeTypeName(e.src, e.relation, e.dst);
    auto nodeIndex = [&](const std::string& name, const char* field) {
      for (size_t i = 0; i < view_.nodeTypes.size(); ++i)
        if (view_.nodeTypes[i].name == name) return static_cast<int32_t>(i);
      Fail("STORE_UNKNOWN_NODE_TYPE", "edgeTypes[", t, "].", field, ": no node type named '", name,
           "'");
    };
    ev.srcType = nodeIndex(e.src, "src");
    ev.dstType = nodeIndex(e.dst, "dst");
    if (!seen.insert(ev.name).second) {
      Fail("STORE_DUPLICATE_TYPE", "edgeTypes[", t, "]: edge type '", ev.name,
           "' is declared twice");
    }
    EdgeState state;
    state.hasTime = e.hasTime;
    state.keepEdgeIds = e.keepEdgeIds;
    int64_t dstCount = view_.nodeTypes[ev.dstType].count;
    state.arrays.rowptr = Buffer::Allocate(sizeof(int64_t) * (dstCount + 1));
    std::memset(state.arrays.rowptr.data(), 0, state.arrays.rowptr.bytes());
    view_.edgeTypes.push_back(std::move(ev));
    edges_.push_back(std::move(state));
  }
}

int32_t GraphBuilder::NodeTypeIndex(std::string_view name, const char* arg) const {
  for (size_t i = 0; i < view_.nodeTypes.size(); ++i)
    if (view_.nodeTypes[i].name == name) return static_cast<int32_t>(i);
  Fail("STORE_UNKNOWN_NODE_TYPE", arg, ": no node type named '", name, "'");
}

int32_t GraphBuilder::EdgeTypeIndex(std::string_view name, const char* arg) const {
  for (size_t i = 0; i < view_.edgeTypes.size(); ++i)
    if (view_.edgeTypes[i].name == name) return static_cast<int32_t>(i);
  Fail("STORE_UNKNOWN_EDGE_TYPE", arg, ": no edge type named '", name, "'");
}

void GraphBuilder::CheckOpen(const char* operation) const {
  if (sealed_) Fail("NATIVE_CLOSED_HANDLE", operation, ": the graph builder is already finished");
}

void GraphBuilder::AppendNodeTime(int32_t type, std::span<const int64_t> time) {
  CheckOpen("nodeTime");
  const NodeTypeView& n = view_.nodeTypes[type];
  if (nodes_[type].time.data() == nullptr) {
    Fail("STORE_BAD_DEFINITION", "nodeTypes[", type, "] (", n.name,
         "): declared without times, got a chunk of times");
  }
  int64_t rows = nodeRows_[type], length = static_cast<int64_t>(time.size());
  if (rows + length > n.count) {
    Fail("STORE_LENGTH_MISMATCH", "nodeTypes[", type, "].time (", n.name, "): expected length ",
         n.count, ", got at least ", rows + length);
  }
  for (int64_t i = 0; i < length; ++i) {
    if (time[i] == kNoTime) {
      Fail("STORE_BAD_TIME", "nodeTypes[", type, "].time[", rows + i, "] (", n.name,
           "): expected a time other than the int64 minimum (reserved for null)");
    }
  }
  std::copy(time.begin(), time.end(), nodes_[type].time.as<int64_t>() + rows);
  nodeRows_[type] = rows + length;
}

// Checks one chunk whose first edge is edge `first` of its type: lengths, ids, times.
void GraphBuilder::CheckChunk(int32_t type, const EdgeChunk& chunk, int64_t first) const {
  const EdgeTypeView& ev = view_.edgeTypes[type];
  int64_t n = static_cast<int64_t>(chunk.srcIds.size());
  if (static_cast<int64_t>(chunk.dstIds.size()) != n) {
    Fail("STORE_LENGTH_MISMATCH", "edge type ", ev.name, ": dst has length ", chunk.dstIds.size(),
         ", expected the length of src, ", n);
  }
  if (chunk.hasTime != edges_[type].hasTime) {
    Fail("STORE_BAD_DEFINITION", "edge type ", ev.name, ": declared ",
         edges_[type].hasTime ? "with" : "without", " edge times, got a chunk ",
         chunk.hasTime ? "with" : "without", " them");
  }
  if (chunk.hasTime && static_cast<int64_t>(chunk.time.size()) != n) {
    Fail("STORE_LENGTH_MISMATCH", "edge type ", ev.name, ": time has length ", chunk.time.size(),
         ", expected the length of src, ", n);
  }
  if (first + n > INT32_MAX) {
    Fail("STORE_TOO_MANY_EDGES", "edge type ", ev.name, ": at most ", INT32_MAX,
         " edges per type are supported, got ", first + n);
  }
  int64_t srcCount = view_.nodeTypes[ev.srcType].count;
  int64_t dstCount = view_.nodeTypes[ev.dstType].count;
  for (int64_t i = 0; i < n; ++i) {
    int32_t s = chunk.srcIds[i], d = chunk.dstIds[i];
    if (s < 0 || s >= srcCount) {
      Fail("STORE_BAD_ID", "edge type ", ev.name, ": src[", first + i, "] = ", s, ", expected 0..",
           srcCount - 1, " (", ev.src, " count ", srcCount, ")");
    }
    if (d < 0 || d >= dstCount) {
      Fail("STORE_BAD_ID", "edge type ", ev.name, ": dst[", first + i, "] = ", d, ", expected 0..",
           dstCount - 1, " (", ev.dst, " count ", dstCount, ")");
    }
    if (chunk.hasTime && chunk.time[i] == kNoTime) {
      Fail("STORE_BAD_TIME", "edge type ", ev.name, ": time[", first + i,
           "] is the int64 minimum, reserved for null");
    }
  }
}

void GraphBuilder::Count(int32_t type, const EdgeChunk& chunk) {
  CheckOpen("count");
  EdgeState& state = edges_[type];
  if (state.pass != Pass::kCount) {
    Fail("STORE_BAD_DEFINITION", "edge type ", view_.edgeTypes[type].name,
         ": a chunk was counted after the fill pass began; count every chunk first");
  }
  CheckChunk(type, chunk, state.counted);
  int64_t* rowptr = state.arrays.rowptr.as<int64_t>();
  uint64_t hash = 0;
  for (size_t i = 0; i < chunk.srcIds.size(); ++i) {
    int32_t d = chunk.dstIds[i];
    ++rowptr[d + 1];
    hash += EdgeHash(chunk.srcIds[i], d, chunk.hasTime ? chunk.time[i] : 0);
  }
  state.counted += static_cast<int64_t>(chunk.srcIds.size());
  state.countHash += hash;
}

// Ends the count pass of `type`: rowptr[d] becomes the start of list d (the write cursor of the
// fill pass) and the edge arrays are allocated.
void GraphBuilder::BeginFill(int32_t type) {
  EdgeState& state = edges_[type];
  int64_t dstCount = view_.nodeTypes[view_.edgeTypes[type].dstType].count;
  int64_t* rowptr = state.arrays.rowptr.as<int64_t>();
  for (int64_t d = 0; d < dstCount; ++d) rowptr[d + 1] += rowptr[d];
  state.arrays.col = Buffer::Allocate(sizeof(int32_t) * state.counted);
  if (state.hasTime) state.arrays.edgeTime = Buffer::Allocate(sizeof(int64_t) * state.counted);
  if (state.keepEdgeIds) state.arrays.edgeId = Buffer::Allocate(sizeof(int32_t) * state.counted);
  state.pass = Pass::kFill;
}

void GraphBuilder::Fill(int32_t type, const EdgeChunk& chunk) {
  CheckOpen("fill");
  EdgeState& state = edges_[type];
  if (state.pass == Pass::kCount) BeginFill(type);
  CheckChunk(type, chunk, state.filled);
  int64_t n = static_cast<int64_t>(chunk.srcIds.size());
  if (state.filled + n > state.counted) {
    Fail("STORE_LENGTH_MISMATCH", "edge type ", view_.edgeTypes[type].name,
         ": the fill pass has more edges (at least ", state.filled + n, ") than the count pass (",
         state.counted, ")");
  }
  // Lists fill in input order; a slot past the last counted edge would mean the passes differ.
  // The writes land at random in arrays far larger than the cache, so the slots are taken first
  // and the writes prefetched a few edges ahead. (Splitting destinations between threads did not
  // pay: every thread scans the whole chunk, and the writes are bound by memory, not by a core.)
  constexpr int64_t kAhead = 16;
  int64_t* rowptr = state.arrays.rowptr.as<int64_t>();
  int32_t* col = state.arrays.col.as<int32_t>();
  int64_t* edgeTime = state.arrays.edgeTime.as<int64_t>();
  int32_t* edgeId = state.arrays.edgeId.as<int32_t>();
  slots_.resize(n);
  uint64_t hash = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (i + kAhead < n) __builtin_prefetch(&rowptr[chunk.dstIds[i + kAhead]], 1);
    int32_t d = chunk.dstIds[i];
    int64_t slot = rowptr[d]++;
    if (slot >= state.counted) {
      Fail("STORE_LENGTH_MISMATCH", "edge type ", view_.edgeTypes[type].name, ": dst[",
           state.filled + i, "] = ", d, " has more edges in the fill pass than the count pass");
    }
    slots_[i] = slot;
    hash += EdgeHash(chunk.srcIds[i], d, chunk.hasTime ? chunk.time[i] : 0);
  }
  for (int64_t i = 0; i < n; ++i) {
    if (i + kAhead < n) {
      __builtin_prefetch(&col[slots_[i + kAhead]], 1);
      if (edgeTime != nullptr) __builtin_prefetch(&edgeTime[slots_[i + kAhead]], 1);
    }
    int64_t slot = slots_[i];
    col[slot] = chunk.srcIds[i];
    if (edgeTime != nullptr) edgeTime[slot] = chunk.time[i];
    if (edgeId != nullptr) edgeId[slot] = static_cast<int32_t>(state.filled + i);
  }
  state.filled += n;
  state.fillHash += hash;
}

void GraphBuilder::Seal() {
  CheckOpen("finish");
  sealed_ = true;
}

// Sorts every neighbor list of `type` that is not already in (key time, source id) order.
void GraphBuilder::SortLists(int32_t type, int threads) {
  const EdgeTypeView& ev = view_.edgeTypes[type];
  int64_t dstCount = view_.nodeTypes[ev.dstType].count;
  const int64_t* srcTime = nodes_[ev.srcType].time.as<const int64_t>();
  EdgeTypeArrays& a = edges_[type].arrays;
  const int64_t* rowptr = a.rowptr.as<const int64_t>();
  int32_t* col = a.col.as<int32_t>();
  int64_t* edgeTime = a.edgeTime.as<int64_t>();
  int32_t* edgeId = a.edgeId.as<int32_t>();
  auto key = [&](int64_t k) -> int64_t {
    return edgeTime != nullptr ? edgeTime[k] : srcTime != nullptr ? srcTime[col[k]] : 0;
  };

  constexpr int64_t kBlock = 4096;
  int64_t blocks = (dstCount + kBlock - 1) / kBlock;
  std::atomic<int64_t> next{0};
  ParallelFor(threads, threads, 1, [&](int64_t, int64_t, int) {
    std::vector<SortEntry> list, scratch;
    for (int64_t b = next.fetch_add(1); b < blocks; b = next.fetch_add(1)) {
      int64_t end = std::min(dstCount, (b + 1) * kBlock);
      for (int64_t d = b * kBlock; d < end; ++d) {
        int64_t lo = rowptr[d], n = rowptr[d + 1] - lo;
        bool sorted = true;
        for (int64_t k = lo + 1; k < lo + n && sorted; ++k) {
          int64_t k0 = key(k - 1), k1 = key(k);
          sorted = k0 < k1 || (k0 == k1 && col[k - 1] <= col[k]);
        }
        if (sorted) continue;
        // Entries go in by position, which is input order: the edge id of the one-call build.
        list.resize(n);
        for (int64_t j = 0; j < n; ++j) {
          int32_t edge = edgeId != nullptr ? edgeId[lo + j] : static_cast<int32_t>(j);
          list[j] = SortEntry{key(lo + j), col[lo + j], edge};
        }
        SortList(list.data(), list.data() + n, scratch);
        for (int64_t j = 0; j < n; ++j) {
          col[lo + j] = list[j].src;
          if (edgeTime != nullptr) edgeTime[lo + j] = list[j].key;
          if (edgeId != nullptr) edgeId[lo + j] = list[j].edge;
        }
      }
    }
  });
}

std::shared_ptr<GraphStore> GraphBuilder::Finish() {
  int threads = threads_;

  // Check: every node time given, every edge type through both passes with the same edges.
  for (size_t t = 0; t < view_.nodeTypes.size(); ++t) {
    const NodeTypeView& n = view_.nodeTypes[t];
    if (nodes_[t].time.data() != nullptr && nodeRows_[t] != n.count) {
      Fail("STORE_LENGTH_MISMATCH", "nodeTypes[", t, "].time (", n.name, "): expected length ",
           n.count, ", got ", nodeRows_[t]);
    }
  }
  for (size_t t = 0; t < view_.edgeTypes.size(); ++t) {
    EdgeState& state = edges_[t];
    const std::string& name = view_.edgeTypes[t].name;
    if (state.pass == Pass::kCount) {
      if (state.counted > 0) {
        Fail("STORE_LENGTH_MISMATCH", "edge type ", name, ": ", state.counted,
             " edges were counted but none filled");
      }
      BeginFill(static_cast<int32_t>(t));
    }
    if (state.filled != state.counted) {
      Fail("STORE_LENGTH_MISMATCH", "edge type ", name, ": the fill pass had ", state.filled,
           " edges, the count pass ", state.counted);
    }
    if (state.fillHash != state.countHash) {
      Fail("STORE_LENGTH_MISMATCH", "edge type ", name,
           ": the fill pass saw other edges than the count pass; give both the same chunks");
    }
  }

  // After the fill, rowptr[d] is the end of list d: shift it into place, then sort the lists.
  std::vector<EdgeTypeArrays> edges;
  for (size_t t = 0; t < view_.edgeTypes.size(); ++t) {
    EdgeTypeView& ev = view_.edgeTypes[t];
    int64_t dstCount = view_.nodeTypes[ev.dstType].count;
    int64_t* rowptr = edges_[t].arrays.rowptr.as<int64_t>();
    for (int64_t d = dstCount; d > 0; --d) rowptr[d] = rowptr[d - 1];
    rowptr[0] = 0;
    ev.numEdges = edges_[t].counted;
    SortLists(static_cast<int32_t>(t), threads);
    edges.push_back(std::move(edges_[t].arrays));
  }
  return GraphStore::FromArrays(std::move(view_), std::move(nodes_), std::move(edges));
}

}  // namespace prequel
