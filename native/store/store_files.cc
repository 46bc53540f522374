// SPDX-License-Identifier: Apache-2.0
// Writing, checksumming and memory-mapping the array files of a graph store.
#include "store/store_files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/error.h"
#include "common/parallel.h"

namespace prequel {

namespace {

struct ArrayRef {
  StoreFile meta;
  const Buffer* buffer;
};

std::vector<ArrayRef> ListArrays(const GraphStore& store) {
  std::vector<ArrayRef> out;
  const GraphView& view = store.view();
  auto add = [&](const char* level, size_t index, const std::string& type, const char* array,
                 const Buffer& buffer) {
    if (buffer.data() == nullptr) return;
    StoreFile f;
    f.file = std::string(level) + "." + std::to_string(index) + "." + array + ".bin";
    f.level = level;
    f.type = type;
    f.array = array;
    f.bytes = static_cast<int64_t>(buffer.bytes());
    out.push_back(ArrayRef{f, &buffer});
  };
  for (size_t t = 0; t < view.nodeTypes.size(); ++t) {
    add("node", t, view.nodeTypes[t].name, "time", store.nodeArrays(t).time);
  }
  for (size_t t = 0; t < view.edgeTypes.size(); ++t) {
    const EdgeTypeArrays& a = store.edgeArrays(t);
    const std::string& name = view.edgeTypes[t].name;
    add("edge", t, name, "rowptr", a.rowptr);
    add("edge", t, name, "col", a.col);
    add("edge", t, name, "edgeTime", a.edgeTime);
    add("edge", t, name, "edgeId", a.edgeId);
  }
  return out;
}

void WriteFile(const std::string& path, const uint8_t* data, size_t bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    Fail("STORE_WRITE_FAILED", "cannot create ", path, ": ", std::strerror(errno));
  }
  constexpr size_t kChunk = size_t{1} << 24;
  for (size_t off = 0; off < bytes; off += kChunk) {
    size_t n = std::min(kChunk, bytes - off);
    if (std::fwrite(data + off, 1, n, f) != n) {
      int err = errno;
      std::fclose(f);
      Fail("STORE_WRITE_FAILED", "cannot write ", path, ": ", std::strerror(err));
    }
  }
  if (std::fclose(f) != 0) {
    Fail("STORE_WRITE_FAILED", "cannot close ", path, ": ", std::strerror(errno));
  }
}

// Checks that a mapped CSR is well formed: rowptr monotone from 0 to numEdges, col in range.
void CheckCsr(const EdgeTypeView& ev, int64_t dstCount, int64_t srcCount, const std::string& dir,
              const EdgeTypeLayout& files, bool checkEdges) {
  if (ev.rowptr[0] != 0 || ev.rowptr[dstCount] != ev.numEdges) {
    Fail("STORE_BAD_ID", "store file ", dir, "/", files.rowptrFile, ": rowptr must run from 0 to ",
         ev.numEdges, ", found ", ev.rowptr[0], "..", ev.rowptr[dstCount]);
  }
  ParallelFor(dstCount, DefaultThreads(), 1 << 16, [&](int64_t begin, int64_t end, int) {
    for (int64_t d = begin; d < end; ++d) {
      if (ev.rowptr[d + 1] < ev.rowptr[d]) {
        Fail("STORE_BAD_ID", "store file ", dir, "/", files.rowptrFile, ": rowptr[", d + 1,
             "] = ", ev.rowptr[d + 1], " is below rowptr[", d, "] = ", ev.rowptr[d]);
      }
    }
  });
  if (!checkEdges) return;
  ParallelFor(ev.numEdges, DefaultThreads(), 1 << 16, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) {
      if (ev.col[i] < 0 || ev.col[i] >= srcCount) {
        Fail("STORE_BAD_ID", "store file ", dir, "/", files.colFile, ": col[", i, "] = ", ev.col[i],
             ", expected 0..", srcCount - 1);
      }
      if (ev.edgeId != nullptr && (ev.edgeId[i] < 0 || ev.edgeId[i] >= ev.numEdges)) {
        Fail("STORE_BAD_ID", "store file ", dir, "/", files.edgeIdFile, ": edgeId[", i,
             "] = ", ev.edgeId[i], ", expected 0..", ev.numEdges - 1);
      }
    }
  });
}

Buffer MapIf(const std::string& dir, const std::string& file, size_t bytes) {
  if (file.empty()) return Buffer();
  return Buffer::Map(dir + "/" + file, bytes);
}

}  // namespace

uint64_t Checksum(const uint8_t* data, size_t bytes) {
  constexpr uint64_t k1 = 0x9E3779B185EBCA87ULL, k2 = 0xC2B2AE3D27D4EB4FULL;
  uint64_t h = 0x27D4EB2F165667C5ULL ^ (bytes * k1);
  size_t words = bytes / 8;
  for (size_t i = 0; i < words; ++i) {
    uint64_t w;
    std::memcpy(&w, data + i * 8, 8);
    h ^= w * k2;
    h = ((h << 31) | (h >> 33)) * k1;
  }
  for (size_t i = words * 8; i < bytes; ++i) h = (h ^ data[i]) * k1;
  h ^= h >> 29;
  h *= k2;
  h ^= h >> 32;
  return h;
}

std::vector<StoreFile> ListStoreFiles(const GraphStore& store) {
  std::vector<StoreFile> out;
  for (auto& a : ListArrays(store)) out.push_back(a.meta);
  return out;
}

std::vector<StoreFile> ChecksumStoreFiles(const GraphStore& store, int threads) {
  auto arrays = ListArrays(store);
  ParallelFor(static_cast<int64_t>(arrays.size()), threads, 1, [&](int64_t b, int64_t e, int) {
    for (int64_t i = b; i < e; ++i) {
      arrays[i].meta.checksum = Checksum(arrays[i].buffer->data(), arrays[i].buffer->bytes());
    }
  });
  std::vector<StoreFile> out;
  for (auto& a : arrays) out.push_back(a.meta);
  return out;
}

std::vector<StoreFile> SaveStoreFiles(const GraphStore& store, const std::string& dir,
                                      int threads) {
  auto arrays = ListArrays(store);
  ParallelFor(static_cast<int64_t>(arrays.size()), threads, 1, [&](int64_t b, int64_t e, int) {
    for (int64_t i = b; i < e; ++i) {
      const Buffer& buf = *arrays[i].buffer;
      WriteFile(dir + "/" + arrays[i].meta.file, buf.data(), buf.bytes());
      arrays[i].meta.checksum = Checksum(buf.data(), buf.bytes());
    }
  });
  std::vector<StoreFile> out;
  for (auto& a : arrays) out.push_back(a.meta);
  return out;
}

std::shared_ptr<GraphStore> OpenStoreFiles(const StoreLayout& layout, bool checkEdges) {
  GraphView view;
  std::vector<NodeTypeArrays> nodes;
  std::vector<EdgeTypeArrays> edges;
  for (const auto& n : layout.nodeTypes) {
    view.nodeTypes.push_back(NodeTypeView{n.name, n.count, nullptr});
    NodeTypeArrays a;
    a.time = MapIf(layout.dir, n.timeFile, sizeof(int64_t) * n.count);
    nodes.push_back(std::move(a));
  }
  auto nodeIndex = [&](const std::string& name) {
    for (size_t i = 0; i < view.nodeTypes.size(); ++i)
      if (view.nodeTypes[i].name == name) return static_cast<int32_t>(i);
    Fail("STORE_UNKNOWN_NODE_TYPE", "store ", layout.dir, ": no node type named '", name, "'");
  };
  for (const auto& e : layout.edgeTypes) {
    EdgeTypeView ev;
    ev.src = e.src;
    ev.relation = e.relation;
    ev.dst = e.dst;
    ev.name = EdgeTypeName(e.src, e.relation, e.dst);
    ev.srcType = nodeIndex(e.src);
    ev.dstType = nodeIndex(e.dst);
    ev.numEdges = e.numEdges;
    size_t n = static_cast<size_t>(e.numEdges);
    size_t dstCount = static_cast<size_t>(view.nodeTypes[ev.dstType].count);
    EdgeTypeArrays a;
    a.rowptr = MapIf(layout.dir, e.rowptrFile, sizeof(int64_t) * (dstCount + 1));
    a.col = MapIf(layout.dir, e.colFile, sizeof(int32_t) * n);
    a.edgeTime = MapIf(layout.dir, e.edgeTimeFile, sizeof(int64_t) * n);
    a.edgeId = MapIf(layout.dir, e.edgeIdFile, sizeof(int32_t) * n);
    if (a.rowptr.data() == nullptr || a.col.data() == nullptr) {
      Fail("STORE_FILE_MISSING", "store ", layout.dir, ": edge type ", ev.name,
           " has no rowptr or col file");
    }
    view.edgeTypes.push_back(std::move(ev));
    edges.push_back(std::move(a));
  }
  auto store = GraphStore::FromArrays(std::move(view), std::move(nodes), std::move(edges));
  for (size_t t = 0; t < layout.edgeTypes.size(); ++t) {
    const EdgeTypeView& ev = store->view().edgeTypes[t];
    CheckCsr(ev, store->view().nodeTypes[ev.dstType].count,
             store->view().nodeTypes[ev.srcType].count, layout.dir, layout.edgeTypes[t],
             checkEdges);
  }
  return store;
}

}  // namespace prequel
