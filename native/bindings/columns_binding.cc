// SPDX-License-Identifier: Apache-2.0
// Raw binding for the columns domain: load, gather, save and open column stores.
#include <napi.h>

#include <cstdio>

#include "bindings/bindings.h"
#include "columns/column_builder.h"
#include "columns/column_files.h"
#include "columns/column_store.h"
#include "common/args.h"
#include "common/async.h"
#include "common/error.h"
#include "common/handle.h"
#include "common/parallel.h"

namespace prequel {

namespace {

bool Present(Napi::Value v) {
  return !v.IsUndefined() && !v.IsNull();
}

Napi::Object ObjectArg(Napi::Value v, const std::string& arg) {
  if (!v.IsObject() || v.IsArray()) Fail("NATIVE_BAD_ARGUMENT", arg, ": expected an object");
  return v.As<Napi::Object>();
}

Napi::Array ArrayArg(Napi::Value v, const std::string& arg) {
  if (!v.IsArray()) Fail("NATIVE_BAD_ARGUMENT", arg, ": expected an array");
  return v.As<Napi::Array>();
}

int ThreadsArg(Napi::Value v) {
  if (!Present(v)) return DefaultThreads();
  int64_t n = IntegerArg(v, "threads");
  if (n < 1 || n > 1024) Fail("NATIVE_BAD_ARGUMENT", "threads: expected 1..1024, got ", n);
  return static_cast<int>(n);
}

ColumnKind KindArg(Napi::Value v, const std::string& arg) {
  std::string kind = StringArg(v, arg.c_str());
  if (kind == "float") return ColumnKind::kFloat;
  if (kind == "category") return ColumnKind::kCategory;
  if (kind == "timestamp") return ColumnKind::kTimestamp;
  Fail("STORE_BAD_DEFINITION", arg, ": expected 'float', 'category' or 'timestamp', got '", kind,
       "'");
}

std::vector<ColumnTableInput> ReadTables(Napi::Value value) {
  std::vector<ColumnTableInput> out;
  Napi::Array tables = ArrayArg(value, "tables");
  for (uint32_t t = 0; t < tables.Length(); ++t) {
    std::string at = "tables[" + std::to_string(t) + "]";
    Napi::Object obj = ObjectArg(tables.Get(t), at);
    ColumnTableInput in;
    in.nodeType = StringArg(obj.Get("nodeType"), (at + ".nodeType").c_str());
    in.count = IntegerArg(obj.Get("count"), (at + ".count").c_str());
    Napi::Array cols = ArrayArg(obj.Get("columns"), at + ".columns");
    for (uint32_t c = 0; c < cols.Length(); ++c) {
      std::string cat = at + ".columns[" + std::to_string(c) + "]";
      Napi::Object co = ObjectArg(cols.Get(c), cat);
      ColumnInput ci;
      ci.name = StringArg(co.Get("name"), (cat + ".name").c_str());
      ci.kind = KindArg(co.Get("kind"), cat + ".kind");
      std::string vat = cat + ".values";
      if (ci.kind == ColumnKind::kFloat) {
        auto v = TypedArrayArg<float>(co.Get("values"), vat.c_str());
        ci.values = v.data();
        ci.length = static_cast<int64_t>(v.size());
        if (Present(co.Get("valid"))) {
          ci.valid = TypedArrayArg<uint8_t>(co.Get("valid"), (cat + ".valid").c_str());
        }
      } else if (ci.kind == ColumnKind::kCategory) {
        auto v = TypedArrayArg<int32_t>(co.Get("values"), vat.c_str());
        ci.values = v.data();
        ci.length = static_cast<int64_t>(v.size());
      } else {
        auto v = TypedArrayArg<int64_t>(co.Get("values"), vat.c_str());
        ci.values = v.data();
        ci.length = static_cast<int64_t>(v.size());
      }
      in.columns.push_back(std::move(ci));
    }
    out.push_back(std::move(in));
  }
  return out;
}

Napi::Value ColumnsLoadSync(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto tables = ReadTables(info[0]);
    return WrapHandle(info.Env(), ColumnStore::Load(tables, ThreadsArg(info[1])));
  });
}

Napi::Value ColumnsClose(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    CloseHandle<ColumnStore>(info.Env(), info[0], "columns");
    return info.Env().Undefined();
  });
}

Napi::Value ColumnsInfo(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto store = UnwrapHandle<ColumnStore>(env, info[0], "columns");
    const auto& tables = store->tables();
    Napi::Array out = Napi::Array::New(env, tables.size());
    for (size_t t = 0; t < tables.size(); ++t) {
      Napi::Object table = Napi::Object::New(env);
      table.Set("nodeType", tables[t].nodeType);
      table.Set("count", Napi::Number::New(env, static_cast<double>(tables[t].count)));
      Napi::Array cols = Napi::Array::New(env, tables[t].columns.size());
      for (size_t c = 0; c < tables[t].columns.size(); ++c) {
        const Column& col = tables[t].columns[c];
        Napi::Object co = Napi::Object::New(env);
        co.Set("name", col.name);
        co.Set("kind", ColumnKindName(col.kind));
        co.Set("hasValid", col.valid.data() != nullptr);
        cols.Set(static_cast<uint32_t>(c), co);
      }
      table.Set("columns", cols);
      out.Set(static_cast<uint32_t>(t), table);
    }
    return out;
  });
}

// Hands a vector's memory to JS without copying; the ArrayBuffer's finalizer frees it.
template <typename T, typename Array>
Napi::Value Adopt(Napi::Env env, std::vector<T>&& values) {
  auto* held = new std::vector<T>(std::move(values));
  size_t n = held->size();
  if (n == 0) {
    delete held;
    return Array::New(env, 0);
  }
  auto buffer = Napi::ArrayBuffer::New(
      env, held->data(), n * sizeof(T), [](Napi::Env, void*, std::vector<T>* v) { delete v; },
      held);
  return Array::New(env, n, buffer, 0);
}

Napi::Array Names(Napi::Env env, const std::vector<std::string>& names) {
  Napi::Array out = Napi::Array::New(env, names.size());
  for (size_t i = 0; i < names.size(); ++i) out.Set(static_cast<uint32_t>(i), names[i]);
  return out;
}

Napi::Value BatchToJs(Napi::Env env, GatherBatch& b) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("rows", Napi::Number::New(env, static_cast<double>(b.rows)));
  out.Set("floatColumns", Names(env, b.floatColumns));
  out.Set("categoryColumns", Names(env, b.categoryColumns));
  out.Set("timestampColumns", Names(env, b.timestampColumns));
  out.Set("floatValues", Adopt<float, Napi::Float32Array>(env, std::move(b.floatValues)));
  out.Set("floatIsNull", Adopt<uint8_t, Napi::Uint8Array>(env, std::move(b.floatIsNull)));
  out.Set("categoryValues", Adopt<int32_t, Napi::Int32Array>(env, std::move(b.categoryValues)));
  out.Set("timestampValues",
          Adopt<int64_t, Napi::BigInt64Array>(env, std::move(b.timestampValues)));
  return out;
}

struct GatherArgs {
  std::shared_ptr<ColumnStore> store;
  int32_t table = -1;
  std::span<const int32_t> ids;
  std::vector<std::string> columns;
  int threads = 1;
};

GatherArgs ReadGatherArgs(const Napi::CallbackInfo& info) {
  GatherArgs a;
  a.store = UnwrapHandle<ColumnStore>(info.Env(), info[0], "columns");
  a.table = a.store->TableIndex(StringArg(info[1], "nodeType"), "nodeType");
  a.ids = TypedArrayArg<int32_t>(info[2], "nodeIds");
  if (Present(info[3])) {
    Napi::Array names = ArrayArg(info[3], "columns");
    for (uint32_t i = 0; i < names.Length(); ++i) {
      a.columns.push_back(StringArg(names.Get(i), "columns[]"));
    }
  }
  a.threads = ThreadsArg(info[4]);
  return a;
}

Napi::Value ColumnsGatherSync(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    GatherArgs a = ReadGatherArgs(info);
    GatherBatch batch = a.store->Gather(a.table, a.ids, a.columns, a.threads);
    return BatchToJs(info.Env(), batch);
  });
}

Napi::Value ColumnsGather(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto a = std::make_shared<GatherArgs>(ReadGatherArgs(info));
    return RunAsync<GatherBatch>(
        info.Env(), [a] { return a->store->Gather(a->table, a->ids, a->columns, a->threads); },
        BatchToJs, {info[2]});
  });
}

Napi::Value FilesToJs(Napi::Env env, const std::vector<StoreFile>& files) {
  Napi::Array out = Napi::Array::New(env, files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    Napi::Object f = Napi::Object::New(env);
    f.Set("file", files[i].file);
    f.Set("level", files[i].level);
    f.Set("type", files[i].type);
    f.Set("array", files[i].array);
    f.Set("bytes", Napi::Number::New(env, static_cast<double>(files[i].bytes)));
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(files[i].checksum));
    f.Set("checksum", std::string(hex));
    out.Set(static_cast<uint32_t>(i), f);
  }
  return out;
}

Napi::Value ColumnsSaveSync(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto store = UnwrapHandle<ColumnStore>(info.Env(), info[0], "columns");
    std::string dir = StringArg(info[1], "dir");
    return FilesToJs(info.Env(), SaveColumnFiles(*store, dir, DefaultThreads()));
  });
}

Napi::Value ColumnsSave(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto store = UnwrapHandle<ColumnStore>(info.Env(), info[0], "columns");
    std::string dir = StringArg(info[1], "dir");
    return RunAsync<std::vector<StoreFile>>(
        info.Env(), [store, dir] { return SaveColumnFiles(*store, dir, DefaultThreads()); },
        [](Napi::Env env, std::vector<StoreFile>& files) { return FilesToJs(env, files); });
  });
}

Napi::Value ColumnsOpenSync(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    std::string dir = StringArg(info[0], "dir");
    std::vector<ColumnTableLayout> layout;
    Napi::Array tables = ArrayArg(info[1], "tables");
    for (uint32_t t = 0; t < tables.Length(); ++t) {
      std::string at = "tables[" + std::to_string(t) + "]";
      Napi::Object obj = ObjectArg(tables.Get(t), at);
      ColumnTableLayout tl;
      tl.nodeType = StringArg(obj.Get("nodeType"), (at + ".nodeType").c_str());
      tl.count = IntegerArg(obj.Get("count"), (at + ".count").c_str());
      if (tl.count < 0) Fail("STORE_BAD_DEFINITION", at, ".count: expected >= 0, got ", tl.count);
      Napi::Array cols = ArrayArg(obj.Get("columns"), at + ".columns");
      for (uint32_t c = 0; c < cols.Length(); ++c) {
        std::string cat = at + ".columns[" + std::to_string(c) + "]";
        Napi::Object co = ObjectArg(cols.Get(c), cat);
        ColumnLayout cl;
        cl.name = StringArg(co.Get("name"), (cat + ".name").c_str());
        cl.kind = KindArg(co.Get("kind"), cat + ".kind");
        cl.valuesFile = StringArg(co.Get("valuesFile"), (cat + ".valuesFile").c_str());
        if (Present(co.Get("validFile"))) {
          cl.validFile = StringArg(co.Get("validFile"), (cat + ".validFile").c_str());
        }
        tl.columns.push_back(std::move(cl));
      }
      layout.push_back(std::move(tl));
    }
    return WrapHandle(info.Env(), OpenColumnFiles(dir, layout));
  });
}

// The chunked load: declare the tables and columns, append every column chunk by chunk, then
// finish into a store.
Napi::Value ColumnsBuilderCreate(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    std::vector<ColumnTableDecl> decls;
    Napi::Array tables = ArrayArg(info[0], "tables");
    for (uint32_t t = 0; t < tables.Length(); ++t) {
      std::string at = "tables[" + std::to_string(t) + "]";
      Napi::Object obj = ObjectArg(tables.Get(t), at);
      ColumnTableDecl decl;
      decl.nodeType = StringArg(obj.Get("nodeType"), (at + ".nodeType").c_str());
      decl.count = IntegerArg(obj.Get("count"), (at + ".count").c_str());
      Napi::Array cols = ArrayArg(obj.Get("columns"), at + ".columns");
      for (uint32_t c = 0; c < cols.Length(); ++c) {
        std::string cat = at + ".columns[" + std::to_string(c) + "]";
        Napi::Object co = ObjectArg(cols.Get(c), cat);
        ColumnDecl cd;
        cd.name = StringArg(co.Get("name"), (cat + ".name").c_str());
        cd.kind = KindArg(co.Get("kind"), cat + ".kind");
        decl.columns.push_back(std::move(cd));
      }
      decls.push_back(std::move(decl));
    }
    return WrapHandle(info.Env(), std::make_shared<ColumnBuilder>(decls));
  });
}

// (builder, nodeType, column, values, validBits | null, bitOffset)
Napi::Value ColumnsBuilderAppend(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto builder = UnwrapHandle<ColumnBuilder>(info.Env(), info[0], "builder");
    int32_t t = builder->TableIndex(StringArg(info[1], "nodeType"), "nodeType");
    int32_t c = builder->ColumnIndex(t, StringArg(info[2], "column"), "column");
    ColumnChunk chunk;
    ColumnKind kind = builder->Kind(t, c);
    if (kind == ColumnKind::kFloat) {
      auto v = TypedArrayArg<float>(info[3], "values");
      chunk.values = v.data();
      chunk.length = static_cast<int64_t>(v.size());
    } else if (kind == ColumnKind::kCategory) {
      auto v = TypedArrayArg<int32_t>(info[3], "values");
      chunk.values = v.data();
      chunk.length = static_cast<int64_t>(v.size());
    } else {
      auto v = TypedArrayArg<int64_t>(info[3], "values");
      chunk.values = v.data();
      chunk.length = static_cast<int64_t>(v.size());
    }
    if (Present(info[4])) {
      auto bits = TypedArrayArg<uint8_t>(info[4], "validBits");
      chunk.validBits = bits.data();
      chunk.validBytes = static_cast<int64_t>(bits.size());
      chunk.bitOffset = IntegerArg(info[5], "bitOffset");
      if (chunk.bitOffset < 0) {
        Fail("NATIVE_BAD_ARGUMENT", "bitOffset: expected >= 0, got ", chunk.bitOffset);
      }
    }
    builder->Append(t, c, chunk);
    return info.Env().Undefined();
  });
}

Napi::Value ColumnsBuilderFinish(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto builder = UnwrapHandle<ColumnBuilder>(info.Env(), info[0], "builder");
    return WrapHandle(info.Env(), builder->Finish());
  });
}

Napi::Value ColumnsBuilderClose(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    CloseHandle<ColumnBuilder>(info.Env(), info[0], "builder");
    return info.Env().Undefined();
  });
}

}  // namespace

void InitColumnsBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("columnsLoadSync", Napi::Function::New(env, ColumnsLoadSync, "columnsLoadSync"));
  exports.Set("columnsClose", Napi::Function::New(env, ColumnsClose, "columnsClose"));
  exports.Set("columnsInfo", Napi::Function::New(env, ColumnsInfo, "columnsInfo"));
  exports.Set("columnsGather", Napi::Function::New(env, ColumnsGather, "columnsGather"));
  exports.Set("columnsGatherSync",
              Napi::Function::New(env, ColumnsGatherSync, "columnsGatherSync"));
  exports.Set("columnsSave", Napi::Function::New(env, ColumnsSave, "columnsSave"));
  exports.Set("columnsSaveSync", Napi::Function::New(env, ColumnsSaveSync, "columnsSaveSync"));
  exports.Set("columnsOpenSync", Napi::Function::New(env, ColumnsOpenSync, "columnsOpenSync"));
  exports.Set("columnsBuilderCreate",
              Napi::Function::New(env, ColumnsBuilderCreate, "columnsBuilderCreate"));
  exports.Set("columnsBuilderAppend",
              Napi::Function::New(env, ColumnsBuilderAppend, "columnsBuilderAppend"));
  exports.Set("columnsBuilderFinish",
              Napi::Function::New(env, ColumnsBuilderFinish, "columnsBuilderFinish"));
  exports.Set("columnsBuilderClose",
              Napi::Function::New(env, ColumnsBuilderClose, "columnsBuilderClose"));
}

}  // namespace prequel
