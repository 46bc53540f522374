// SPDX-License-Identifier: Apache-2.0
// Loading and gathering columns. The gather splits the requested rows into one contiguous chunk
// per thread; each thread writes only the output rows of its chunk.
#include "columns/column_store.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "common/error.h"
#include "common/parallel.h"
#include "store/graph_view.h"

namespace prequel {

namespace {

size_t ElementBytes(ColumnKind kind) {
  return kind == ColumnKind::kFloat      ? sizeof(float)
         : kind == ColumnKind::kCategory ? sizeof(int32_t)
                                         : sizeof(int64_t);
}

}  // namespace

const char* ColumnKindName(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kFloat:
      return "float";
    case ColumnKind::kCategory:
      return "category";
    case ColumnKind::kTimestamp:
      return "timestamp";
  }
  return "float";
}

std::shared_ptr<ColumnStore> ColumnStore::Load(const std::vector<ColumnTableInput>& input,
                                               int threads) {
  std::vector<ColumnTable> tables;
  std::unordered_set<std::string> seenTables;
  for (size_t t = 0; t < input.size(); ++t) {
    const ColumnTableInput& in = input[t];
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
      const ColumnInput& ci = in.columns[c];
      if (ci.name.empty() || !seen.insert(ci.name).second) {
        Fail("STORE_DUPLICATE_TYPE", "tables[", t, "].columns[", c, "].name: '", ci.name,
             "' is empty or given twice in ", in.nodeType);
      }
      if (ci.length != in.count) {
        Fail("STORE_LENGTH_MISMATCH", "column ", in.nodeType, ".", ci.name, ": expected ", in.count,
             " rows, got ", ci.length);
      }
      if (!ci.valid.empty() && static_cast<int64_t>(ci.valid.size()) != in.count) {
        Fail("STORE_LENGTH_MISMATCH", "column ", in.nodeType, ".", ci.name, ": valid has ",
             ci.valid.size(), " entries, expected ", in.count);
      }
      Column col;
      col.name = ci.name;
      col.kind = ci.kind;
      size_t bytes = ElementBytes(ci.kind) * static_cast<size_t>(in.count);
      col.values = Buffer::Allocate(bytes);
      ParallelFor(static_cast<int64_t>(bytes), threads, 1 << 20, [&](int64_t b, int64_t e, int) {
        std::memcpy(col.values.data() + b, static_cast<const uint8_t*>(ci.values) + b, e - b);
      });
      if (!ci.valid.empty()) {
        col.valid = Buffer::Allocate(ci.valid.size());
        std::memcpy(col.valid.data(), ci.valid.data(), ci.valid.size());
      }
      table.columns.push_back(std::move(col));
    }
    tables.push_back(std::move(table));
  }
  return FromTables(std::move(tables));
}

std::shared_ptr<ColumnStore> ColumnStore::FromTables(std::vector<ColumnTable> tables) {
  auto store = std::make_shared<ColumnStore>();
  store->tables_ = std::move(tables);
  return store;
}

int32_t ColumnStore::TableIndex(std::string_view nodeType, const char* arg) const {
  for (size_t t = 0; t < tables_.size(); ++t)
    if (tables_[t].nodeType == nodeType) return static_cast<int32_t>(t);
  Fail("STORE_UNKNOWN_NODE_TYPE", arg, ": the column store has no node type '", nodeType, "'");
}

GatherBatch ColumnStore::Gather(int32_t tableIndex, std::span<const int32_t> ids,
                                const std::vector<std::string>& names, int threads) const {
  const ColumnTable& table = tables_[tableIndex];

  // Plan: which columns, grouped by kind in request order (all columns when none are named).
  std::vector<const Column*> floats, categories, timestamps;
  auto add = [&](const Column& c) {
    auto& group = c.kind == ColumnKind::kFloat      ? floats
                  : c.kind == ColumnKind::kCategory ? categories
                                                    : timestamps;
    group.push_back(&c);
  };
  if (names.empty()) {
    for (const Column& c : table.columns) add(c);
  } else {
    for (const std::string& name : names) {
      auto it = std::find_if(table.columns.begin(), table.columns.end(),
                             [&](const Column& c) { return c.name == name; });
      if (it == table.columns.end()) {
        Fail("STORE_UNKNOWN_COLUMN", "columns: node type ", table.nodeType,
             " has no column named '", name, "'");
      }
      add(*it);
    }
  }

  GatherBatch out;
  int64_t n = static_cast<int64_t>(ids.size());
  out.rows = n;
  for (auto* c : floats) out.floatColumns.push_back(c->name);
  for (auto* c : categories) out.categoryColumns.push_back(c->name);
  for (auto* c : timestamps) out.timestampColumns.push_back(c->name);
  size_t nf = floats.size(), nc = categories.size(), nt = timestamps.size();
  out.floatValues.resize(n * nf);
  out.floatIsNull.resize(n * nf);
  out.categoryValues.resize(n * nc);
  out.timestampValues.resize(n * nt);

  // Run: each thread fills whole output rows of its chunk.
  ParallelFor(n, threads, 4096, [&](int64_t begin, int64_t end, int) {
    for (int64_t r = begin; r < end; ++r) {
      int32_t id = ids[r];
      if (id < 0 || id >= table.count) {
        Fail("STORE_BAD_ID", "nodeIds[", r, "] = ", id, ", expected 0..", table.count - 1, " (",
             table.nodeType, ")");
      }
      for (size_t j = 0; j < nf; ++j) {
        const Column& c = *floats[j];
        bool isNull = c.valid.data() != nullptr && c.valid.data()[id] == 0;
        float v = c.values.as<const float>()[id];
        isNull = isNull || v != v;
        out.floatValues[r * nf + j] = isNull ? 0.0f : v;
        out.floatIsNull[r * nf + j] = isNull ? 1 : 0;
      }
      for (size_t j = 0; j < nc; ++j) {
        out.categoryValues[r * nc + j] = categories[j]->values.as<const int32_t>()[id];
      }
      for (size_t j = 0; j < nt; ++j) {
        out.timestampValues[r * nt + j] = timestamps[j]->values.as<const int64_t>()[id];
      }
    }
  });
  return out;
}

}  // namespace prequel
