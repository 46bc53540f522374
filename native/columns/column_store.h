// SPDX-License-Identifier: Apache-2.0
// The column store: per node type, named attribute columns as contiguous typed buffers (float32
// values with a validity mask, int32 category codes with -1 for null, int64 timestamps with
// kNoTime for null), and a multithreaded gather of rows into dense row-major batches.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/buffer.h"

namespace prequel {

enum class ColumnKind { kFloat, kCategory, kTimestamp };

const char* ColumnKindName(ColumnKind kind);

struct Column {
  std::string name;
  ColumnKind kind = ColumnKind::kFloat;
  Buffer values;  // float, int32_t or int64_t per row
  Buffer valid;   // uint8_t per row (1 = present) for float columns with nulls, else empty
};

// All columns of one node type; every column has `count` rows. Level is the node type.
struct ColumnTable {
  std::string nodeType;
  int64_t count = 0;
  std::vector<Column> columns;
};

// One column given to a load: borrowed arrays, copied into the store.
struct ColumnInput {
  std::string name;
  ColumnKind kind = ColumnKind::kFloat;
  const void* values = nullptr;
  int64_t length = 0;
  std::span<const uint8_t> valid;  // optional, float columns only
};

struct ColumnTableInput {
  std::string nodeType;
  int64_t count = 0;
  std::vector<ColumnInput> columns;
};

// Rows of several columns gathered for a list of node ids, row-major.
struct GatherBatch {
  int64_t rows = 0;
  std::vector<std::string> floatColumns, categoryColumns, timestampColumns;
  std::vector<float> floatValues;        // [rows, floatColumns]; 0 where null
  std::vector<uint8_t> floatIsNull;      // [rows, floatColumns]; 1 where null
  std::vector<int32_t> categoryValues;   // [rows, categoryColumns]; -1 where null
  std::vector<int64_t> timestampValues;  // [rows, timestampColumns]; kNoTime where null
};

class ColumnStore {
 public:
  static constexpr napi_type_tag kTag{0x3b6e9d0a7c21f458ULL, 0xa4d27e15c98b3f60ULL};
  static constexpr const char* kKind = "column store";

  // Copies the inputs; checks lengths (STORE_LENGTH_MISMATCH) and names (STORE_DUPLICATE_TYPE).
  static std::shared_ptr<ColumnStore> Load(const std::vector<ColumnTableInput>& input, int threads);
  static std::shared_ptr<ColumnStore> FromTables(std::vector<ColumnTable> tables);

  const std::vector<ColumnTable>& tables() const { return tables_; }
  int32_t TableIndex(std::string_view nodeType, const char* arg) const;

  // Gathers `columns` (all when empty, in stored order) of `ids`; ids are bounds-checked
  // (STORE_BAD_ID), unknown names throw STORE_UNKNOWN_COLUMN.
  GatherBatch Gather(int32_t table, std::span<const int32_t> ids,
                     const std::vector<std::string>& columns, int threads) const;

 private:
  std::vector<ColumnTable> tables_;
};

}  // namespace prequel
