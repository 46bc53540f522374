// SPDX-License-Identifier: Apache-2.0
// The on-disk form of a graph store: one raw little-endian file per array, named by level, type
// index and array (node.0.time.bin, edge.2.rowptr.bin, ...). The JSON manifest beside them is
// written and read by src/store/manifest.ts; native code only writes, maps and checks the files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/graph_store.h"

namespace prequel {

struct StoreFile {
  std::string file;   // name inside the directory
  std::string level;  // "node" or "edge"
  std::string type;   // node type name or edge type name
  std::string array;  // "time", "rowptr", "col", "edgeTime" or "edgeId"
  int64_t bytes = 0;
  uint64_t checksum = 0;
};

// Lists the arrays of `store` with their file names and sizes (checksums left 0).
std::vector<StoreFile> ListStoreFiles(const GraphStore& store);

// Writes every array of `store` into the existing directory `dir`; returns the files written
// with checksums. Throws STORE_WRITE_FAILED naming the file.
std::vector<StoreFile> SaveStoreFiles(const GraphStore& store, const std::string& dir, int threads);

// Recomputes the checksum of every array of `store`.
std::vector<StoreFile> ChecksumStoreFiles(const GraphStore& store, int threads);

// Which file holds each array of an opened store ("" for an absent array).
struct NodeTypeLayout {
  std::string name;
  int64_t count = 0;
  std::string timeFile;
};

struct EdgeTypeLayout {
  std::string src, relation, dst;
  int64_t numEdges = 0;
  std::string rowptrFile, colFile, edgeTimeFile, edgeIdFile;
};

struct StoreLayout {
  std::string dir;
  std::vector<NodeTypeLayout> nodeTypes;
  std::vector<EdgeTypeLayout> edgeTypes;
};

// Maps the files of `layout` read-only and checks each size against the counts (STORE_FILE_SIZE,
// STORE_FILE_MISSING) and rowptr (monotone from 0 to numEdges, STORE_BAD_ID). With `checkEdges`
// it also checks every col and edgeId entry is in range, which reads the whole edge arrays.
std::shared_ptr<GraphStore> OpenStoreFiles(const StoreLayout& layout, bool checkEdges);

// A 64-bit checksum of a byte range (word-wise multiply-rotate hash, not cryptographic).
uint64_t Checksum(const uint8_t* data, size_t bytes);

}  // namespace prequel
