// SPDX-License-Identifier: Apache-2.0
// Loading a column store from columns that arrive in chunks (the record batches of a stage
// file): every column is allocated at its final size up front and each chunk is copied in at
// the column's cursor, so the memory beyond the finished store is one chunk. Nulls arrive as an
// Arrow validity bitmap and are stored as ColumnStore::Load stores them: a valid mask for float
// columns (allocated at the first null), -1 for category codes, kNoTime for timestamps.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columns/column_store.h"

namespace prequel {

struct ColumnDecl {
  std::string name;
  ColumnKind kind = ColumnKind::kFloat;
};

struct ColumnTableDecl {
  std::string nodeType;
  int64_t count = 0;
  std::vector<ColumnDecl> columns;
};

// One chunk of a column: borrowed arrays, read only during the call. `validBits` (optional) is
// an Arrow validity bitmap, least significant bit first, whose row i is bit bitOffset + i.
struct ColumnChunk {
  const void* values = nullptr;
  int64_t length = 0;
  const uint8_t* validBits = nullptr;
  int64_t validBytes = 0;
  int64_t bitOffset = 0;
};

class ColumnBuilder {
 public:
  static constexpr napi_type_tag kTag{0x1c7a52e9b04f6d38ULL, 0x9f30d6a18e2c57b4ULL};
  static constexpr const char* kKind = "column builder";

  // Checks names and counts as ColumnStore::Load does and allocates every column.
  explicit ColumnBuilder(const std::vector<ColumnTableDecl>& tables);

  int32_t TableIndex(std::string_view nodeType, const char* arg) const;
  int32_t ColumnIndex(int32_t table, std::string_view name, const char* arg) const;
  ColumnKind Kind(int32_t table, int32_t column) const {
    return tables_[table].columns[column].kind;
  }

  // Appends the next rows of one column.
  void Append(int32_t table, int32_t column, const ColumnChunk& chunk);
  // Checks that every column has all its rows and hands them to a new store.
  std::shared_ptr<ColumnStore> Finish();

 private:
  std::vector<ColumnTable> tables_;
  std::vector<std::vector<int64_t>> rows_;
  bool finished_ = false;
};

}  // namespace prequel
