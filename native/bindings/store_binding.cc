// SPDX-License-Identifier: Apache-2.0
// Raw binding for the store domain: build, inspect, save and open graph stores. Arguments are
// checked for shape here; the store checks ids, lengths and times itself.
#include <napi.h>

#include <cstdio>

#include "bindings/bindings.h"
#include "common/args.h"
#include "common/async.h"
#include "common/error.h"
#include "common/handle.h"
#include "common/parallel.h"
#include "store/graph_builder.h"
#include "store/graph_store.h"
#include "store/store_files.h"

namespace prequel {

namespace {

Napi::Value Field(Napi::Object obj, const char* key) {
  return obj.Get(key);
}

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

// Reads the build definition; `keep` collects the typed arrays the build borrows.
GraphInput ReadGraphInput(Napi::Value value, std::vector<Napi::Value>& keep) {
  Napi::Object def = ObjectArg(value, "definition");
  GraphInput input;
  Napi::Array nodes = ArrayArg(Field(def, "nodeTypes"), "definition.nodeTypes");
  for (uint32_t i = 0; i < nodes.Length(); ++i) {
    std::string at = "nodeTypes[" + std::to_string(i) + "]";
    Napi::Object n = ObjectArg(nodes.Get(i), at);
    NodeTypeInput in;
    in.name = StringArg(Field(n, "name"), (at + ".name").c_str());
    in.count = IntegerArg(Field(n, "count"), (at + ".count").c_str());
    Napi::Value time = Field(n, "time");
    if (Present(time)) {
      in.time = TypedArrayArg<int64_t>(time, (at + ".time").c_str());
      in.hasTime = true;
      keep.push_back(time);
    }
    input.nodeTypes.push_back(std::move(in));
  }
  Napi::Array edges = ArrayArg(Field(def, "edgeTypes"), "definition.edgeTypes");
  for (uint32_t i = 0; i < edges.Length(); ++i) {
    std::string at = "edgeTypes[" + std::to_string(i) + "]";
    Napi::Object e = ObjectArg(edges.Get(i), at);
    EdgeTypeInput in;
    in.src = StringArg(Field(e, "src"), (at + ".src").c_str());
    in.relation = StringArg(Field(e, "relation"), (at + ".relation").c_str());
    in.dst = StringArg(Field(e, "dst"), (at + ".dst").c_str());
    in.srcIds = TypedArrayArg<int32_t>(Field(e, "srcIds"), (at + ".srcIds").c_str());
    in.dstIds = TypedArrayArg<int32_t>(Field(e, "dstIds"), (at + ".dstIds").c_str());
    keep.push_back(Field(e, "srcIds"));
    keep.push_back(Field(e, "dstIds"));
    Napi::Value time = Field(e, "time");
    if (Present(time)) {
      in.time = TypedArrayArg<int64_t>(time, (at + ".time").c_str());
      in.hasTime = true;
      keep.push_back(time);
    }
    in.keepEdgeIds = Field(e, "keepEdgeIds").ToBoolean().Value();
    input.edgeTypes.push_back(std::move(in));
  }
  return input;
}

Napi::Value StoreBuildSync(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    std::vector<Napi::Value> keep;
    GraphInput input = ReadGraphInput(info[0], keep);
    return WrapHandle(info.Env(), GraphStore::Build(input, ThreadsArg(info[1])));
  });
}

Napi::Value StoreBuild(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    std::vector<Napi::Value> keep;
    auto input = std::make_shared<GraphInput>(ReadGraphInput(info[0], keep));
    int threads = ThreadsArg(info[1]);
    return RunAsync<std::shared_ptr<GraphStore>>(
        info.Env(), [input, threads] { return GraphStore::Build(*input, threads); },
        [](Napi::Env env, std::shared_ptr<GraphStore>& store) -> Napi::Value {
          return WrapHandle(env, store);
        },
        keep);
  });
}

Napi::Value StoreClose(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    CloseHandle<GraphStore>(info.Env(), info[0], "store");
    return info.Env().Undefined();
  });
}

Napi::Value StoreInfo(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto store = UnwrapHandle<GraphStore>(env, info[0], "store");
    const GraphView& view = store->view();
    Napi::Array nodes = Napi::Array::New(env, view.nodeTypes.size());
    for (size_t t = 0; t < view.nodeTypes.size(); ++t) {
      Napi::Object n = Napi::Object::New(env);
      n.Set("name", view.nodeTypes[t].name);
      n.Set("count", Napi::Number::New(env, static_cast<double>(view.nodeTypes[t].count)));
      n.Set("hasTime", view.nodeTypes[t].time != nullptr);
      nodes.Set(static_cast<uint32_t>(t), n);
    }
    Napi::Array edges = Napi::Array::New(env, view.edgeTypes.size());
    for (size_t t = 0; t < view.edgeTypes.size(); ++t) {
      const EdgeTypeView& ev = view.edgeTypes[t];
      Napi::Object e = Napi::Object::New(env);
      e.Set("name", ev.name);
      e.Set("src", ev.src);
      e.Set("relation", ev.relation);
      e.Set("dst", ev.dst);
      e.Set("numEdges", Napi::Number::New(env, static_cast<double>(ev.numEdges)));
      e.Set("hasEdgeTime", ev.edgeTime != nullptr);
      e.Set("hasEdgeId", ev.edgeId != nullptr);
      edges.Set(static_cast<uint32_t>(t), e);
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("nodeTypes", nodes);
    out.Set("edgeTypes", edges);
    return out;
  });
}

template <typename T, typename Array>
Napi::Value CopyOut(Napi::Env env, const T* data, int64_t n) {
  if (data == nullptr) return env.Null();
  auto out = Array::New(env, static_cast<size_t>(n));
  std::copy(data, data + n, out.Data());
  return out;
}

// The stored arrays of one edge type, copied (for tests and inspection).
Napi::Value StoreEdgeArrays(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto store = UnwrapHandle<GraphStore>(env, info[0], "store");
    int32_t t = store->EdgeTypeIndex(StringArg(info[1], "edgeType"), "edgeType");
    const EdgeTypeView& ev = store->view().edgeTypes[t];
    int64_t dstCount = store->view().nodeTypes[ev.dstType].count;
    Napi::Object out = Napi::Object::New(env);
    out.Set("rowptr", CopyOut<int64_t, Napi::BigInt64Array>(env, ev.rowptr, dstCount + 1));
    out.Set("col", CopyOut<int32_t, Napi::Int32Array>(env, ev.col, ev.numEdges));
    out.Set("edgeTime", CopyOut<int64_t, Napi::BigInt64Array>(env, ev.edgeTime, ev.numEdges));
    out.Set("edgeId", CopyOut<int32_t, Napi::Int32Array>(env, ev.edgeId, ev.numEdges));
    return out;
  });
}

// The in-neighbors of one destination node in stored order, copied.
Napi::Value StoreNeighbors(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto store = UnwrapHandle<GraphStore>(env, info[0], "store");
    int32_t t = store->EdgeTypeIndex(StringArg(info[1], "edgeType"), "edgeType");
    const EdgeTypeView& ev = store->view().edgeTypes[t];
    int64_t dstCount = store->view().nodeTypes[ev.dstType].count;
    int64_t d = IntegerArg(info[2], "dst");
    if (d < 0 || d >= dstCount) {
      Fail("STORE_BAD_ID", "dst: expected 0..", dstCount - 1, " (", ev.dst, "), got ", d);
    }
    int64_t lo = ev.rowptr[d], n = ev.rowptr[d + 1] - lo;
    Napi::Object out = Napi::Object::New(env);
    out.Set("src", CopyOut<int32_t, Napi::Int32Array>(env, ev.col + lo, n));
    out.Set("edgeTime", ev.edgeTime == nullptr
                            ? env.Null()
                            : CopyOut<int64_t, Napi::BigInt64Array>(env, ev.edgeTime + lo, n));
    out.Set("edgeId", ev.edgeId == nullptr
                          ? env.Null()
                          : CopyOut<int32_t, Napi::Int32Array>(env, ev.edgeId + lo, n));
    return out;
  });
}

Napi::Value StoreNodeTime(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto store = UnwrapHandle<GraphStore>(env, info[0], "store");
    int32_t t = store->NodeTypeIndex(StringArg(info[1], "nodeType"), "nodeType");
    const NodeTypeView& nv = store->view().nodeTypes[t];
    return CopyOut<int64_t, Napi::BigInt64Array>(env, nv.time, nv.count);
  });
}

Napi::Value StoreMemory(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto store = UnwrapHandle<GraphStore>(env, info[0], "store");
    auto memory = store->EdgeMemory();
    Napi::Array edges = Napi::Array::New(env, memory.size());
    for (size_t t = 0; t < memory.size(); ++t) {
      Napi::Object e = Napi::Object::New(env);
      e.Set("name", memory[t].name);
      e.Set("numEdges", Napi::Number::New(env, static_cast<double>(memory[t].numEdges)));
      e.Set("bytes", Napi::Number::New(env, static_cast<double>(memory[t].bytes)));
      edges.Set(static_cast<uint32_t>(t), e);
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("edgeTypes", edges);
    out.Set("nodeTimeBytes", Napi::Number::New(env, static_cast<double>(store->NodeTimeBytes())));
    return out;
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

Napi::Value StoreSaveSync(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto store = UnwrapHandle<GraphStore>(info.Env(), info[0], "store");
    std::string dir = StringArg(info[1], "dir");
    return FilesToJs(info.Env(), SaveStoreFiles(*store, dir, DefaultThreads()));
  });
}

Napi::Value StoreSave(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto store = UnwrapHandle<GraphStore>(info.Env(), info[0], "store");
    std::string dir = StringArg(info[1], "dir");
    return RunAsync<std::vector<StoreFile>>(
        info.Env(), [store, dir] { return SaveStoreFiles(*store, dir, DefaultThreads()); },
        [](Napi::Env env, std::vector<StoreFile>& files) { return FilesToJs(env, files); });
  });
}

Napi::Value StoreChecksums(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto store = UnwrapHandle<GraphStore>(info.Env(), info[0], "store");
    return FilesToJs(info.Env(), ChecksumStoreFiles(*store, DefaultThreads()));
  });
}

std::string OptionalString(Napi::Value v, const std::string& arg) {
  if (!Present(v)) return "";
  return StringArg(v, arg.c_str());
}

Napi::Value StoreOpenSync(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    Napi::Object def = ObjectArg(info[0], "layout");
    StoreLayout layout;
    layout.dir = StringArg(Field(def, "dir"), "layout.dir");
    Napi::Array nodes = ArrayArg(Field(def, "nodeTypes"), "layout.nodeTypes");
    for (uint32_t i = 0; i < nodes.Length(); ++i) {
      std::string at = "layout.nodeTypes[" + std::to_string(i) + "]";
      Napi::Object n = ObjectArg(nodes.Get(i), at);
      NodeTypeLayout nl;
      nl.name = StringArg(Field(n, "name"), (at + ".name").c_str());
      nl.count = IntegerArg(Field(n, "count"), (at + ".count").c_str());
      if (nl.count < 0) Fail("STORE_BAD_DEFINITION", at, ".count: expected >= 0, got ", nl.count);
      nl.timeFile = OptionalString(Field(n, "timeFile"), at + ".timeFile");
      layout.nodeTypes.push_back(std::move(nl));
    }
    Napi::Array edges = ArrayArg(Field(def, "edgeTypes"), "layout.edgeTypes");
    for (uint32_t i = 0; i < edges.Length(); ++i) {
      std::string at = "layout.edgeTypes[" + std::to_string(i) + "]";
      Napi::Object e = ObjectArg(edges.Get(i), at);
      EdgeTypeLayout el;
      el.src = StringArg(Field(e, "src"), (at + ".src").c_str());
      el.relation = StringArg(Field(e, "relation"), (at + ".relation").c_str());
      el.dst = StringArg(Field(e, "dst"), (at + ".dst").c_str());
      el.numEdges = IntegerArg(Field(e, "numEdges"), (at + ".numEdges").c_str());
      if (el.numEdges < 0 || el.numEdges > INT32_MAX) {
        Fail("STORE_BAD_DEFINITION", at, ".numEdges: expected 0..", INT32_MAX, ", got ",
             el.numEdges);
      }
      el.rowptrFile = StringArg(Field(e, "rowptrFile"), (at + ".rowptrFile").c_str());
      el.colFile = StringArg(Field(e, "colFile"), (at + ".colFile").c_str());
      el.edgeTimeFile = OptionalString(Field(e, "edgeTimeFile"), at + ".edgeTimeFile");
      el.edgeIdFile = OptionalString(Field(e, "edgeIdFile"), at + ".edgeIdFile");
      layout.edgeTypes.push_back(std::move(el));
    }
    bool checkEdges = info[1].ToBoolean().Value();
    return WrapHandle(info.Env(), OpenStoreFiles(layout, checkEdges));
  });
}

// The chunked build: declare the types, give node times and every edge chunk twice (count,
// then fill), then finish into a store.
Napi::Value StoreBuilderCreate(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    Napi::Object def = ObjectArg(info[0], "definition");
    std::vector<NodeTypeDecl> nodeTypes;
    Napi::Array nodes = ArrayArg(Field(def, "nodeTypes"), "definition.nodeTypes");
    for (uint32_t i = 0; i < nodes.Length(); ++i) {
      std::string at = "nodeTypes[" + std::to_string(i) + "]";
      Napi::Object n = ObjectArg(nodes.Get(i), at);
      NodeTypeDecl decl;
      decl.name = StringArg(Field(n, "name"), (at + ".name").c_str());
      decl.count = IntegerArg(Field(n, "count"), (at + ".count").c_str());
      decl.hasTime = Field(n, "hasTime").ToBoolean().Value();
      nodeTypes.push_back(std::move(decl));
    }
    std::vector<EdgeTypeDecl> edgeTypes;
    Napi::Array edges = ArrayArg(Field(def, "edgeTypes"), "definition.edgeTypes");
    for (uint32_t i = 0; i < edges.Length(); ++i) {
      std::string at = "edgeTypes[" + std::to_string(i) + "]";
      Napi::Object e = ObjectArg(edges.Get(i), at);
      EdgeTypeDecl decl;
      decl.src = StringArg(Field(e, "src"), (at + ".src").c_str());
      decl.relation = StringArg(Field(e, "relation"), (at + ".relation").c_str());
      decl.dst = StringArg(Field(e, "dst"), (at + ".dst").c_str());
      decl.hasTime = Field(e, "hasTime").ToBoolean().Value();
      decl.keepEdgeIds = Field(e, "keepEdgeIds").ToBoolean().Value();
      edgeTypes.push_back(std::move(decl));
    }
    auto builder = std::make_shared<GraphBuilder>(std::move(nodeTypes), std::move(edgeTypes),
                                                  ThreadsArg(info[1]));
    return WrapHandle(info.Env(), builder);
  });
}

Napi::Value StoreBuilderNodeTime(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto builder = UnwrapHandle<GraphBuilder>(info.Env(), info[0], "builder");
    int32_t t = builder->NodeTypeIndex(StringArg(info[1], "nodeType"), "nodeType");
    builder->AppendNodeTime(t, TypedArrayArg<int64_t>(info[2], "time"));
    return info.Env().Undefined();
  });
}

// (builder, edgeType, srcIds, dstIds, time | null): one chunk of one pass.
template <void (GraphBuilder::*Pass)(int32_t, const EdgeChunk&)>
Napi::Value StoreBuilderPass(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto builder = UnwrapHandle<GraphBuilder>(info.Env(), info[0], "builder");
    int32_t t = builder->EdgeTypeIndex(StringArg(info[1], "edgeType"), "edgeType");
    EdgeChunk chunk;
    chunk.srcIds = TypedArrayArg<int32_t>(info[2], "srcIds");
    chunk.dstIds = TypedArrayArg<int32_t>(info[3], "dstIds");
    if (Present(info[4])) {
      chunk.time = TypedArrayArg<int64_t>(info[4], "time");
      chunk.hasTime = true;
    }
    ((*builder).*Pass)(t, chunk);
    return info.Env().Undefined();
  });
}

Napi::Value StoreBuilderFinish(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto builder = UnwrapHandle<GraphBuilder>(info.Env(), info[0], "builder");
    builder->Seal();
    return RunAsync<std::shared_ptr<GraphStore>>(
        info.Env(), [builder] { return builder->Finish(); },
        [](Napi::Env env, std::shared_ptr<GraphStore>& store) -> Napi::Value {
          return WrapHandle(env, store);
        });
  });
}

Napi::Value StoreBuilderClose(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    CloseHandle<GraphBuilder>(info.Env(), info[0], "builder");
    return info.Env().Undefined();
  });
}

}  // namespace

void InitStoreBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("storeBuild", Napi::Function::New(env, StoreBuild, "storeBuild"));
  exports.Set("storeBuildSync", Napi::Function::New(env, StoreBuildSync, "storeBuildSync"));
  exports.Set("storeClose", Napi::Function::New(env, StoreClose, "storeClose"));
  exports.Set("storeInfo", Napi::Function::New(env, StoreInfo, "storeInfo"));
  exports.Set("storeEdgeArrays", Napi::Function::New(env, StoreEdgeArrays, "storeEdgeArrays"));
  exports.Set("storeNeighbors", Napi::Function::New(env, StoreNeighbors, "storeNeighbors"));
  exports.Set("storeNodeTime", Napi::Function::New(env, StoreNodeTime, "storeNodeTime"));
  exports.Set("storeMemory", Napi::Function::New(env, StoreMemory, "storeMemory"));
  exports.Set("storeSave", Napi::Function::New(env, StoreSave, "storeSave"));
  exports.Set("storeSaveSync", Napi::Function::New(env, StoreSaveSync, "storeSaveSync"));
  exports.Set("storeOpenSync", Napi::Function::New(env, StoreOpenSync, "storeOpenSync"));
  exports.Set("storeChecksums", Napi::Function::New(env, StoreChecksums, "storeChecksums"));
  exports.Set("storeBuilderCreate",
              Napi::Function::New(env, StoreBuilderCreate, "storeBuilderCreate"));
  exports.Set("storeBuilderNodeTime",
              Napi::Function::New(env, StoreBuilderNodeTime, "storeBuilderNodeTime"));
  exports.Set("storeBuilderCount", Napi::Function::New(env, StoreBuilderPass<&GraphBuilder::Count>,
                                                       "storeBuilderCount"));
  exports.Set("storeBuilderFill",
              Napi::Function::New(env, StoreBuilderPass<&GraphBuilder::Fill>, "storeBuilderFill"));
  exports.Set("storeBuilderFinish",
              Napi::Function::New(env, StoreBuilderFinish, "storeBuilderFinish"));
  exports.Set("storeBuilderClose",
              Napi::Function::New(env, StoreBuilderClose, "storeBuilderClose"));
}

}  // namespace prequel
