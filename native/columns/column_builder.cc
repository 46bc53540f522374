// SPDX-License-Identifier: Apache-2.0
// The chunked column load: copies each chunk in at its column's cursor, turning Arrow nulls into
// the store's null encodings on the way.
#include "columns/column_builder.h"

#include <cstring>
#include <unordered_set>

#include "common/error.h"
#include "store/graph_view.h"

namespace prequel {

namespace {

size_t ElementBytes(ColumnKind kind) {
  return kind == ColumnKind::kFloat      ? sizeof(float)
         : kind == ColumnKind::kCategory ? sizeof(int32_t)
                                         : sizeof(int64_t);
}

bool IsValid(const ColumnChunk& chunk, int64_t i) {
  int64_t bit = chunk.bitOffset + i;
  return ((chunk.validBits[bit >> 3] >> (bit & 7)) & 1) != 0;
}

}  // namespace

ColumnBuilder::ColumnBuilder(const std::vector<ColumnTableDecl>& tables) {
  std::unordered_set<std::string> seenTables;
  for (size_t t = 0; t < tables.size(); ++t) {
    const ColumnTableDecl& in = tables[t];
    if (!seenTables.insert(in.nodeType).second) {
      Fail("STORE_DUPLICATE_TYPE", "tables[", t, "].nodeType: '", in.nodeType, "' is given twice");
    }
    if (in.count < 0 || in.count > INT32_MAX) {
      Fail("STORE_BAD_DEFINITION", "tables[", t, "].count: expected 0..", INT32_MAX, ", got ",
           in.count);
    }
    ColumnTable table;
    table.nodeType = in.nodeType;
    table.count = in.count;
    std::unordered_set<std::string> seen;
    for (size_t c = 0; c < in.columns.size(); ++c) {
      const ColumnDecl& cd = in.columns[c];
      if (cd.name.empty() || !seen.insert(cd.name).second) {
        Fail("STORE_DUPLICATE_TYPE", "tables[", t, "].columns[", c, "].name: '", cd.name,
             "' is empty or given twice in ", in.nodeType);
      }
      Column col;
      col.name = cd.name;
      col.kind = cd.kind;
      col.values = Buffer::Allocate(ElementBytes(cd.kind) * static_cast<size_t>(in.count));
      table.columns.push_back(std::move(col));
    }
    rows_.emplace_back(table.columns.size(), 0);
    tables_.push_back(std::move(table));
  }
}

int32_t ColumnBuilder::TableIndex(std::string_view nodeType, const char* arg) const {
  for (size_t t = 0; t < tables_.size(); ++t)
    if (tables_[t].nodeType == nodeType) return static_cast<int32_t>(t);
  Fail("STORE_UNKNOWN_NODE_TYPE", arg, ": the column builder has no node type '", nodeType, "'");
}

int32_t ColumnBuilder::ColumnIndex(int32_t table, std::string_view name, const char* arg) const {
  const auto& columns = tables_[table].columns;
  for (size_t c = 0; c < columns.size(); ++c)
    if (columns[c].name == name) return static_cast<int32_t>(c);
  Fail("STORE_UNKNOWN_COLUMN", arg, ": node type ", tables_[table].nodeType,
       " has no column named '", name, "'");
}

void ColumnBuilder::Append(int32_t table, int32_t column, const ColumnChunk& chunk) {
  if (finished_) Fail("NATIVE_CLOSED_HANDLE", "append: the column builder is already finished");
  ColumnTable& t = tables_[table];
  Column& col = t.columns[column];
  int64_t rows = rows_[table][column], n = chunk.length;
  if (rows + n > t.count) {
    Fail("STORE_LENGTH_MISMATCH", "column ", t.nodeType, ".", col.name, ": expected ", t.count,
         " rows, got at least ", rows + n);
  }
  if (chunk.validBits != nullptr && chunk.validBytes * 8 < chunk.bitOffset + n) {
    Fail("STORE_LENGTH_MISMATCH", "column ", t.nodeType, ".", col.name,
         ": the validity bitmap has ", chunk.validBytes * 8, " bits, expected at least ",
         chunk.bitOffset + n);
  }
  size_t width = ElementBytes(col.kind);
  uint8_t* out = col.values.data() + width * rows;
  std::memcpy(out, chunk.values, width * n);

  // Nulls: a float column gets its valid mask (all present so far) at its first null.
  if (chunk.validBits != nullptr) {
    for (int64_t i = 0; i < n; ++i) {
      if (IsValid(chunk, i)) continue;
      if (col.kind == ColumnKind::kCategory) {
        reinterpret_cast<int32_t*>(out)[i] = -1;
      } else if (col.kind == ColumnKind::kTimestamp) {
        reinterpret_cast<int64_t*>(out)[i] = kNoTime;
      } else {
        if (col.valid.data() == nullptr) {
          col.valid = Buffer::Allocate(static_cast<size_t>(t.count));
          std::memset(col.valid.data(), 1, col.valid.bytes());
        }
        col.valid.data()[rows + i] = 0;
      }
    }
  }
  rows_[table][column] = rows + n;
}

std::shared_ptr<ColumnStore> ColumnBuilder::Finish() {
  if (finished_) Fail("NATIVE_CLOSED_HANDLE", "finish: the column builder is already finished");
  for (size_t t = 0; t < tables_.size(); ++t) {
    for (size_t c = 0; c < tables_[t].columns.size(); ++c) {
      if (rows_[t][c] != tables_[t].count) {
        Fail("STORE_LENGTH_MISMATCH", "column ", tables_[t].nodeType, ".",
             tables_[t].columns[c].name, ": expected ", tables_[t].count, " rows, got ",
             rows_[t][c]);
      }
    }
  }
  finished_ = true;
  return ColumnStore::FromTables(std::move(tables_));
}

}  // namespace prequel
