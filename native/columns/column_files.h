// SPDX-License-Identifier: Apache-2.0
// The on-disk form of a column store (the columns/ directory of a saved store): one raw
// little-endian file per column buffer. Its manifest is written by src/store/column-store.ts.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "columns/column_store.h"
#include "store/store_files.h"

namespace prequel {

// Writes every buffer into the existing directory `dir`; `type` of each file is the node type,
// `array` is "<column>:values" or "<column>:valid".
std::vector<StoreFile> SaveColumnFiles(const ColumnStore& store, const std::string& dir,
                                       int threads);

struct ColumnLayout {
  std::string name;
  ColumnKind kind = ColumnKind::kFloat;
  std::string valuesFile;
  std::string validFile;  // "" when the column has no validity mask
};

struct ColumnTableLayout {
  std::string nodeType;
  int64_t count = 0;
  std::vector<ColumnLayout> columns;
};

// Maps the files read-only, checking each size against the row count (STORE_FILE_SIZE).
std::shared_ptr<ColumnStore> OpenColumnFiles(const std::string& dir,
                                             const std::vector<ColumnTableLayout>& layout);

}  // namespace prequel
