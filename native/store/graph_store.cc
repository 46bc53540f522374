// SPDX-License-Identifier: Apache-2.0
// Building the store: validation of the edge lists, then per edge type a two-level counting sort
// by destination (buckets, then destinations within a bucket) and a sort of each neighbor list
// by (key time, source id, edge id). Each thread owns its chunk of edges, its own counters and
// scratch buffers, and claims whole buckets through an atomic counter; nothing runs under a lock.
#include "store/graph_store.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <unordered_set>

#include "common/error.h"
#include "common/parallel.h"
#include "store/neighbor_sort.h"

namespace prequel {

namespace {

constexpr int64_t kGrain = 1 << 16;

void ValidateNodeType(const NodeTypeInput& n, int32_t index, int threads) {
  if (n.name.empty() || n.name.find("__") != std::string::npos) {
    Fail("STORE_BAD_DEFINITION", "nodeTypes[", index,
         "].name: expected a non-empty name without '__', got '", n.name, "'");
  }
  if (n.count < 0 || n.count > INT32_MAX) {
    Fail("STORE_BAD_DEFINITION", "nodeTypes[", index, "].count: expected 0..", INT32_MAX, ", got ",
         n.count);
  }
  if (n.hasTime && static_cast<int64_t>(n.time.size()) != n.count) {
    Fail("STORE_LENGTH_MISMATCH", "nodeTypes[", index, "].time (", n.name, "): expected length ",
         n.count, ", got ", n.time.size());
  }
  ParallelFor(static_cast<int64_t>(n.time.size()), threads, kGrain,
              [&](int64_t begin, int64_t end, int) {
                for (int64_t i = begin; i < end; ++i) {
                  if (n.time[i] == kNoTime) {
                    Fail("STORE_BAD_TIME", "nodeTypes[", index, "].time[", i, "] (", n.name,
                         "): expected a time other than the int64 minimum (reserved for null)");
                  }
                }
              });
}

void ValidateEdges(const EdgeTypeInput& e, const std::string& name, int64_t srcCount,
                   int64_t dstCount, int threads) {
  int64_t numEdges = static_cast<int64_t>(e.srcIds.size());
  if (static_cast<int64_t>(e.dstIds.size()) != numEdges) {
    Fail("STORE_LENGTH_MISMATCH", "edge type ", name, ": dst has length ", e.dstIds.size(),
         ", expected the length of src, ", numEdges);
  }
  if (e.hasTime && static_cast<int64_t>(e.time.size()) != numEdges) {
    Fail("STORE_LENGTH_MISMATCH", "edge type ", name, ": time has length ", e.time.size(),
         ", expected the length of src, ", numEdges);
  }
  if (numEdges > INT32_MAX) {
    Fail("STORE_TOO_MANY_EDGES", "edge type ", name, ": at most ", INT32_MAX,
         " edges per type are supported, got ", numEdges);
  }
  // The lowest chunk's error is rethrown, so the reported index is the first bad one.
  ParallelFor(numEdges, threads, kGrain, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) {
      int32_t s = e.srcIds[i], d = e.dstIds[i];
      if (s < 0 || s >= srcCount) {
        Fail("STORE_BAD_ID", "edge type ", name, ": src[", i, "] = ", s, ", expected 0..",
             srcCount - 1, " (", e.src, " count ", srcCount, ")");
      }
      if (d < 0 || d >= dstCount) {
        Fail("STORE_BAD_ID", "edge type ", name, ": dst[", i, "] = ", d, ", expected 0..",
             dstCount - 1, " (", e.dst, " count ", dstCount, ")");
      }
      if (e.hasTime && e.time[i] == kNoTime) {
        Fail("STORE_BAD_TIME", "edge type ", name, ": time[", i,
             "] is the int64 minimum, reserved for null");
      }
    }
  });
}

// An edge in the partition pass: its sort entry plus its destination.
struct Record {
  SortEntry entry;
  int32_t dst;
};

// Destination buckets for the partition pass: contiguous ranges of 2^shift destinations, enough
// of them that a bucket's records usually fit in a core's L2 cache.
struct Buckets {
  int shift = 0;
  int64_t count = 1;
};

Buckets PlanBuckets(int64_t numEdges, int64_t dstCount) {
  constexpr int64_t kEdgesPerBucket = 8192, kMaxBuckets = 4096;
  int64_t wanted = std::clamp<int64_t>(numEdges / kEdgesPerBucket, 1, kMaxBuckets);
  Buckets b;
  while ((dstCount >> b.shift) > wanted) ++b.shift;
  b.count = ((dstCount - 1) >> b.shift) + 1;
  return b;
}

// Builds the CSR arrays of one edge type in two passes, both cache friendly:
//   1. partition: each thread counts its chunk of edges per destination bucket, then writes its
//      records to its own disjoint slice of every bucket (stable, no atomics);
//   2. per bucket (claimed by threads through an atomic counter): a counting sort by
//      destination in a thread-local buffer, which yields rowptr, then a sort of each neighbor
//      list by (key time, source id, edge id), written out to col / edge time / edge id.
EdgeTypeArrays BuildEdgeType(const EdgeTypeInput& e, const int64_t* srcTime, int64_t dstCount,
                             int threads) {
  int64_t numEdges = static_cast<int64_t>(e.srcIds.size());
  bool hasEdgeTime = e.hasTime;
  EdgeTypeArrays out;
  out.rowptr = Buffer::Allocate(sizeof(int64_t) * (dstCount + 1));
  out.col = Buffer::Allocate(sizeof(int32_t) * numEdges);
  if (hasEdgeTime) out.edgeTime = Buffer::Allocate(sizeof(int64_t) * numEdges);
  if (e.keepEdgeIds) out.edgeId = Buffer::Allocate(sizeof(int32_t) * numEdges);
  int64_t* rowptr = out.rowptr.as<int64_t>();
  int32_t* col = out.col.as<int32_t>();
  int64_t* edgeTime = out.edgeTime.as<int64_t>();
  int32_t* edgeId = out.edgeId.as<int32_t>();
  rowptr[0] = 0;
  if (dstCount == 0) return out;

  // Pass 1: partition edges by destination bucket.
  Buckets buckets = PlanBuckets(numEdges, dstCount);
  int parts = std::max(1, std::min<int>(threads, static_cast<int>(numEdges / kGrain) + 1));
  int64_t chunk = (numEdges + parts - 1) / parts;
  // Each thread's counters are contiguous (offsets[p * count + b]) so threads do not share
  // cache lines; the prefix sum runs bucket-major so each bucket's slices are adjacent.
  std::vector<int64_t> offsets(static_cast<size_t>(parts) * buckets.count, 0);
  auto slot = [&](int p, int64_t b) -> int64_t& { return offsets[p * buckets.count + b]; };
  ParallelFor(parts, parts, 1, [&](int64_t p, int64_t, int) {
    int64_t begin = p * chunk, end = std::min(numEdges, begin + chunk);
    for (int64_t i = begin; i < end; ++i) ++slot(static_cast<int>(p), e.dstIds[i] >> buckets.shift);
  });
  int64_t total = 0;
  for (int64_t b = 0; b < buckets.count; ++b) {
    for (int p = 0; p < parts; ++p) {
      int64_t n = slot(p, b);
      slot(p, b) = total;
      total += n;
    }
  }
  std::vector<int64_t> bucketStart(buckets.count + 1);
  for (int64_t b = 0; b < buckets.count; ++b) bucketStart[b] = slot(0, b);
  bucketStart[buckets.count] = numEdges;

  Buffer recordBuffer = Buffer::Allocate(sizeof(Record) * numEdges);
  Record* records = recordBuffer.as<Record>();
  ParallelFor(parts, parts, 1, [&](int64_t p, int64_t, int) {
    int64_t begin = p * chunk, end = std::min(numEdges, begin + chunk);
    for (int64_t i = begin; i < end; ++i) {
      int32_t s = e.srcIds[i], d = e.dstIds[i];
      int64_t key = hasEdgeTime ? e.time[i] : (srcTime != nullptr ? srcTime[s] : 0);
      records[slot(static_cast<int>(p), d >> buckets.shift)++] =
          Record{SortEntry{key, s, static_cast<int32_t>(i)}, d};
    }
  });

  // Pass 2: per bucket, counting sort by destination, then sort each neighbor list.
  std::atomic<int64_t> next{0};
  ParallelFor(threads, threads, 1, [&](int64_t, int64_t, int) {
    std::vector<SortEntry> local;
    std::vector<int64_t> cursor;
    std::vector<SortEntry> scratch;
    for (int64_t b = next.fetch_add(1); b < buckets.count; b = next.fetch_add(1)) {
      int64_t lo = bucketStart[b], hi = bucketStart[b + 1];
      int64_t d0 = b << buckets.shift, d1 = std::min(dstCount, (b + 1) << buckets.shift);
      cursor.assign(d1 - d0 + 1, 0);
      for (int64_t k = lo; k < hi; ++k) ++cursor[records[k].dst - d0 + 1];
      for (int64_t d = d0; d < d1; ++d) {
        cursor[d - d0 + 1] += cursor[d - d0];
        rowptr[d + 1] = lo + cursor[d - d0 + 1];
      }
      local.resize(hi - lo);
      for (int64_t k = lo; k < hi; ++k) local[cursor[records[k].dst - d0]++] = records[k].entry;
      // After the scatter, cursor[i] is the end of list i and so the start of list i + 1.
      for (int64_t i = 0, a = 0; i < d1 - d0; a = cursor[i], ++i) {
        if (cursor[i] - a > 1) SortList(local.data() + a, local.data() + cursor[i], scratch);
      }
      for (int64_t k = 0; k < hi - lo; ++k) {
        col[lo + k] = local[k].src;
        if (edgeTime != nullptr) edgeTime[lo + k] = local[k].key;
        if (edgeId != nullptr) edgeId[lo + k] = local[k].edge;
      }
    }
  });
  return out;
}

}  // namespace

std::string EdgeTypeName(std::string_view src, std::string_view relation, std::string_view dst) {
  std::string name;
  name.append(src).append("__").append(relation).append("__").append(dst);
  return name;
}

std::shared_ptr<GraphStore> GraphStore::Build(const GraphInput& input, int threads) {
  threads = std::max(1, threads);
  GraphView view;
  std::vector<NodeTypeArrays> nodes(input.nodeTypes.size());
  std::vector<EdgeTypeArrays> edges;

  // Node types: validate, then copy their times into owned memory.
  std::unordered_set<std::string> seen;
  for (size_t t = 0; t < input.nodeTypes.size(); ++t) {
    const NodeTypeInput& n = input.nodeTypes[t];
    ValidateNodeType(n, static_cast<int32_t>(t), threads);
    if (!seen.insert(n.name).second) {
      Fail("STORE_DUPLICATE_TYPE", "nodeTypes[", t, "].name: node type '", n.name,
           "' is declared twice");
    }
    view.nodeTypes.push_back(NodeTypeView{n.name, n.count, nullptr});
    if (n.hasTime) {
      nodes[t].time = Buffer::Allocate(sizeof(int64_t) * n.count);
      std::copy(n.time.begin(), n.time.end(), nodes[t].time.as<int64_t>());
    }
  }
  auto nodeIndex = [&](const std::string& name, size_t t, const char* field) {
    for (size_t i = 0; i < view.nodeTypes.size(); ++i)
      if (view.nodeTypes[i].name == name) return static_cast<int32_t>(i);
    Fail("STORE_UNKNOWN_NODE_TYPE", "edgeTypes[", t, "].", field, ": no node type named '", name,
         "'");
  };

  // Edge types: validate all before building any.
  seen.clear();
  for (size_t t = 0; t < input.edgeTypes.size(); ++t) {
    const EdgeTypeInput& e = input.edgeTypes[t];
    EdgeTypeView ev;
    ev.src = e.src;
    ev.relation = e.relation;
    ev.dst = e.dst;
    ev.name = EdgeTypeName(e.src, e.relation, e.dst);
    if (e.relation.empty() || e.relation.find("__") != std::string::npos) {
      Fail("STORE_BAD_DEFINITION", "edgeTypes[", t,
           "].relation: expected a non-empty name without '__', got '", e.relation, "'");
    }
    ev.srcType = nodeIndex(e.src, t, "src");
    ev.dstType = nodeIndex(e.dst, t, "dst");
    if (!seen.insert(ev.name).second) {
      Fail("STORE_DUPLICATE_TYPE", "edgeTypes[", t, "]: edge type '", ev.name,
           "' is declared twice");
    }
    ValidateEdges(e, ev.name, view.nodeTypes[ev.srcType].count, view.nodeTypes[ev.dstType].count,
                  threads);
    ev.numEdges = static_cast<int64_t>(e.srcIds.size());
    view.edgeTypes.push_back(std::move(ev));
  }

  for (size_t t = 0; t < input.edgeTypes.size(); ++t) {
    const EdgeTypeView& ev = view.edgeTypes[t];
    const int64_t* srcTime = nodes[ev.srcType].time.as<int64_t>();
    edges.push_back(
        BuildEdgeType(input.edgeTypes[t], srcTime, view.nodeTypes[ev.dstType].count, threads));
  }
  return FromArrays(std::move(view), std::move(nodes), std::move(edges));
}

std::shared_ptr<GraphStore> GraphStore::FromArrays(GraphView view,
                                                   std::vector<NodeTypeArrays> nodes,
                                                   std::vector<EdgeTypeArrays> edges) {
  auto store = std::make_shared<GraphStore>();
  store->view_ = std::move(view);
  store->nodes_ = std::move(nodes);
  store->edges_ = std::move(edges);
  store->RefreshPointers();
  return store;
}

void GraphStore::RefreshPointers() {
  for (size_t t = 0; t < view_.nodeTypes.size(); ++t) {
    view_.nodeTypes[t].time = nodes_[t].time.as<const int64_t>();
  }
  for (size_t t = 0; t < view_.edgeTypes.size(); ++t) {
    EdgeTypeView& ev = view_.edgeTypes[t];
    ev.rowptr = edges_[t].rowptr.as<const int64_t>();
    ev.col = edges_[t].col.as<const int32_t>();
    ev.edgeTime = edges_[t].edgeTime.as<const int64_t>();
    ev.edgeId = edges_[t].edgeId.as<const int32_t>();
  }
}

int32_t GraphStore::FindNodeType(std::string_view name) const {
  for (size_t i = 0; i < view_.nodeTypes.size(); ++i)
    if (view_.nodeTypes[i].name == name) return static_cast<int32_t>(i);
  return -1;
}

int32_t GraphStore::FindEdgeType(std::string_view name) const {
  for (size_t i = 0; i < view_.edgeTypes.size(); ++i)
    if (view_.edgeTypes[i].name == name) return static_cast<int32_t>(i);
  return -1;
}

int32_t GraphStore::NodeTypeIndex(std::string_view name, const char* arg) const {
  int32_t t = FindNodeType(name);
  if (t < 0) Fail("STORE_UNKNOWN_NODE_TYPE", arg, ": no node type named '", name, "'");
  return t;
}

int32_t GraphStore::EdgeTypeIndex(std::string_view name, const char* arg) const {
  int32_t t = FindEdgeType(name);
  if (t < 0) Fail("STORE_UNKNOWN_EDGE_TYPE", arg, ": no edge type named '", name, "'");
  return t;
}

std::vector<EdgeTypeMemory> GraphStore::EdgeMemory() const {
  std::vector<EdgeTypeMemory> out;
  for (size_t t = 0; t < view_.edgeTypes.size(); ++t) {
    const EdgeTypeArrays& a = edges_[t];
    int64_t bytes = static_cast<int64_t>(a.rowptr.bytes() + a.col.bytes() + a.edgeTime.bytes() +
                                         a.edgeId.bytes());
    out.push_back(EdgeTypeMemory{view_.edgeTypes[t].name, view_.edgeTypes[t].numEdges, bytes});
  }
  return out;
}

int64_t GraphStore::NodeTimeBytes() const {
  int64_t bytes = 0;
  for (const auto& n : nodes_) bytes += static_cast<int64_t>(n.time.bytes());
  return bytes;
}

}  // namespace prequel
