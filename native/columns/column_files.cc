// SPDX-License-Identifier: Apache-2.0
// Writing and memory-mapping column store files.
#include "columns/column_files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/error.h"
#include "common/parallel.h"

namespace prequel {

namespace {

struct Pending {
  StoreFile meta;
  const Buffer* buffer;
};

void WriteBytes(const std::string& path, const uint8_t* data, size_t bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) Fail("STORE_WRITE_FAILED", "cannot create ", path, ": ", std::strerror(errno));
  if (bytes > 0 && std::fwrite(data, 1, bytes, f) != bytes) {
    int err = errno;
    std::fclose(f);
    Fail("STORE_WRITE_FAILED", "cannot write ", path, ": ", std::strerror(err));
  }
  if (std::fclose(f) != 0) {
    Fail("STORE_WRITE_FAILED", "cannot close ", path, ": ", std::strerror(errno));
  }
}

}  // namespace

std::vector<StoreFile> SaveColumnFiles(const ColumnStore& store, const std::string& dir,
                                       int threads) {
  std::vector<Pending> pending;
  const auto& tables = store.tables();
  for (size_t t = 0; t < tables.size(); ++t) {
    for (size_t c = 0; c < tables[t].columns.size(); ++c) {
      const Column& col = tables[t].columns[c];
      std::string stem = "col." + std::to_string(t) + "." + std::to_string(c);
      auto add = [&](const char* part, const Buffer& buffer) {
        StoreFile f;
        f.file = stem + "." + part + ".bin";
        f.level = "node";
        f.type = tables[t].nodeType;
        f.array = col.name + ":" + part;
        f.bytes = static_cast<int64_t>(buffer.bytes());
        pending.push_back(Pending{f, &buffer});
      };
      add("values", col.values);
      if (col.valid.data() != nullptr) add("valid", col.valid);
    }
  }
  ParallelFor(static_cast<int64_t>(pending.size()), threads, 1, [&](int64_t b, int64_t e, int) {
    for (int64_t i = b; i < e; ++i) {
      const Buffer& buf = *pending[i].buffer;
      WriteBytes(dir + "/" + pending[i].meta.file, buf.data(), buf.bytes());
      pending[i].meta.checksum = Checksum(buf.data(), buf.bytes());
    }
  });
  std::vector<StoreFile> out;
  for (auto& p : pending) out.push_back(p.meta);
  return out;
}

std::shared_ptr<ColumnStore> OpenColumnFiles(const std::string& dir,
                                             const std::vector<ColumnTableLayout>& layout) {
  std::vector<ColumnTable> tables;
  for (const auto& tl : layout) {
    ColumnTable table;
    table.nodeType = tl.nodeType;
    table.count = tl.count;
    size_t rows = static_cast<size_t>(tl.count);
    for (const auto& cl : tl.columns) {
      Column col;
      col.name = cl.name;
      col.kind = cl.kind;
      size_t width = cl.kind == ColumnKind::kFloat      ? sizeof(float)
                     : cl.kind == ColumnKind::kCategory ? sizeof(int32_t)
                                                        : sizeof(int64_t);
      col.values = Buffer::Map(dir + "/" + cl.valuesFile, width * rows);
      if (!cl.validFile.empty()) col.valid = Buffer::Map(dir + "/" + cl.validFile, rows);
      table.columns.push_back(std::move(col));
    }
    tables.push_back(std::move(table));
  }
  return ColumnStore::FromTables(std::move(tables));
}

}  // namespace prequel
