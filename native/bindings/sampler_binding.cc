// SPDX-License-Identifier: Apache-2.0
// Raw binding for the sampler domain: sample(store, request) returns a Promise (the work runs
// off the JS thread); sampleSync blocks. Output arrays are handed to JS without a copy.
#include <napi.h>

#include <memory>
#include <utility>

#include "bindings/bindings.h"
#include "common/args.h"
#include "common/async.h"
#include "common/error.h"
#include "common/handle.h"
#include "sampler/sampler.h"
#include "store/graph_store.h"

namespace prequel {
namespace {

bool Present(Napi::Value v) {
  return !v.IsUndefined() && !v.IsNull();
}

template <typename T>
std::vector<T> CopyArray(Napi::Value value, const char* arg) {
  std::span<T> span = TypedArrayArg<T>(value, arg);
  return std::vector<T>(span.begin(), span.end());
}

// Reads `fanouts`: one Int32Array for every edge type, or an object mapping edge type names to
// Int32Arrays of one length (edge types it leaves out are skipped).
void ReadFanouts(Napi::Value value, const GraphStore& store, SampleRequest& r) {
  const size_t numEdgeTypes = store.view().edgeTypes.size();
  if (value.IsTypedArray()) {
    std::vector<int32_t> perHop = CopyArray<int32_t>(value, "fanouts");
    r.hops = static_cast<int32_t>(perHop.size());
    r.fanouts.resize(numEdgeTypes * perHop.size());
    for (size_t e = 0; e < numEdgeTypes; ++e) {
      std::copy(perHop.begin(), perHop.end(), r.fanouts.begin() + e * perHop.size());
    }
    return;
  }
  if (!value.IsObject() || value.IsArray()) {
    Fail("SAMPLER_BAD_FANOUTS",
         "fanouts: expected an Int32Array or an object of Int32Arrays by "
         "edge type");
  }
  Napi::Object byType = value.As<Napi::Object>();
  Napi::Array names = byType.GetPropertyNames();
  std::vector<std::pair<int32_t, std::vector<int32_t>>> lists;
  for (uint32_t i = 0; i < names.Length(); ++i) {
    std::string name = names.Get(i).As<Napi::String>().Utf8Value();
    int32_t e = store.FindEdgeType(name);
    if (e < 0) Fail("SAMPLER_UNKNOWN_EDGE_TYPE", "fanouts: no edge type named '", name, "'");
    std::string arg = "fanouts['" + name + "']";
    lists.emplace_back(e, CopyArray<int32_t>(byType.Get(names.Get(i)), arg.c_str()));
    if (lists.back().second.size() != lists.front().second.size()) {
      Fail("SAMPLER_BAD_FANOUTS", arg, ": expected ", lists.front().second.size(),
           " hops like the other edge types, got ", lists.back().second.size());
    }
  }
  r.hops = lists.empty() ? 0 : static_cast<int32_t>(lists.front().second.size());
  r.fanouts.assign(numEdgeTypes * r.hops, 0);
  for (auto& [e, list] : lists) std::copy(list.begin(), list.end(), r.fanouts.begin() + e * r.hops);
}

SampleRequest ReadRequest(Napi::Value value, const GraphStore& store) {
  if (!value.IsObject()) Fail("NATIVE_BAD_ARGUMENT", "request: expected an object");
  Napi::Object req = value.As<Napi::Object>();
  SampleRequest r;

  std::string seedType = StringArg(req.Get("seedType"), "seedType");
  r.seedType = store.FindNodeType(seedType);
  if (r.seedType < 0)
    Fail("SAMPLER_UNKNOWN_NODE_TYPE", "seedType: no node type named '", seedType, "'");
  r.seeds = CopyArray<int32_t>(req.Get("seeds"), "seeds");
  if (Present(req.Get("seedTimes")))
    r.seedTimes = CopyArray<int64_t>(req.Get("seedTimes"), "seedTimes");
  ReadFanouts(req.Get("fanouts"), store, r);

  std::string strategy = StringArg(req.Get("strategy"), "strategy");
  if (strategy == "uniform") {
    r.strategy = Strategy::kUniform;
  } else if (strategy == "last") {
    r.strategy = Strategy::kLast;
  } else {
    Fail("SAMPLER_BAD_OPTION", "strategy: expected 'uniform' or 'last', got '", strategy, "'");
  }
  std::string dedup = StringArg(req.Get("dedup"), "dedup");
  if (dedup == "tree") {
    r.dedup = Dedup::kTree;
  } else if (dedup == "batch") {
    r.dedup = Dedup::kBatch;
  } else {
    Fail("SAMPLER_BAD_OPTION", "dedup: expected 'tree' or 'batch', got '", dedup, "'");
  }
  r.randomSeed = static_cast<uint64_t>(IntegerArg(req.Get("randomSeed"), "randomSeed"));
  std::string streams = StringArg(req.Get("streams"), "streams");
  if (streams == "position") {
    r.streamsBySeed = false;
  } else if (streams == "seed") {
    r.streamsBySeed = true;
  } else {
    Fail("SAMPLER_BAD_OPTION", "streams: expected 'position' or 'seed', got '", streams, "'");
  }
  r.threads = static_cast<int32_t>(IntegerArg(req.Get("threads"), "threads"));
  r.edgeIds = req.Get("edgeIds").ToBoolean().Value();
  ValidateRequest(store.view(), r);
  return r;
}

// A typed array over the vector's memory, which the array's finalizer frees. V8 is told of the
// memory so that its collector frees spent batches promptly.
template <typename T, typename Alloc>
Napi::Value Adopt(Napi::Env env, std::vector<T, Alloc>&& values, napi_typedarray_type type) {
  const size_t n = values.size();
  if (n == 0) return Napi::TypedArrayOf<T>::New(env, 0, type);
  auto* owned = new std::vector<T, Alloc>(std::move(values));
  const int64_t bytes = static_cast<int64_t>(n * sizeof(T));
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(
      env, owned->data(), n * sizeof(T),
      [](Napi::Env env, void*, std::vector<T, Alloc>* data) {
        Napi::MemoryManagement::AdjustExternalMemory(
            env, -static_cast<int64_t>(data->size() * sizeof(T)));
        delete data;
      },
      owned);
  Napi::MemoryManagement::AdjustExternalMemory(env, bytes);
  return Napi::TypedArrayOf<T>::New(env, n, buffer, 0, type);
}

Napi::Value ToJs(Napi::Env env, const GraphView& view, bool edgeIds, SampleResult& result) {
  Napi::Array nodes = Napi::Array::New(env, result.nodes.size());
  for (size_t t = 0; t < result.nodes.size(); ++t) {
    SampledNodes& n = result.nodes[t];
    Napi::Object o = Napi::Object::New(env);
    o.Set("type", view.nodeTypes[t].name);
    o.Set("ids", Adopt(env, std::move(n.ids), napi_int32_array));
    o.Set("batch", Adopt(env, std::move(n.batch), napi_int32_array));
    o.Set("time", view.nodeTypes[t].time == nullptr
                      ? env.Null()
                      : Adopt(env, std::move(n.time), napi_bigint64_array));
    o.Set("perHop", Adopt(env, std::move(n.perHop), napi_int32_array));
    nodes.Set(static_cast<uint32_t>(t), o);
  }
  Napi::Array edges = Napi::Array::New(env, result.edges.size());
  for (size_t e = 0; e < result.edges.size(); ++e) {
    SampledEdges& s = result.edges[e];
    Napi::Object o = Napi::Object::New(env);
    o.Set("type", view.edgeTypes[e].name);
    o.Set("src", Adopt(env, std::move(s.src), napi_int32_array));
    o.Set("dst", Adopt(env, std::move(s.dst), napi_int32_array));
    o.Set("edgeIds", edgeIds ? Adopt(env, std::move(s.edgeIds), napi_int32_array) : env.Null());
    o.Set("perHop", Adopt(env, std::move(s.perHop), napi_int32_array));
    edges.Set(static_cast<uint32_t>(e), o);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("nodes", nodes);
  out.Set("edges", edges);
  return out;
}

Napi::Value SamplerSampleSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    auto store = UnwrapHandle<GraphStore>(env, info[0], "store");
    SampleRequest request = ReadRequest(info[1], *store);
    SampleResult result = Sample(store->view(), request);
    return ToJs(env, store->view(), request.edgeIds, result);
  });
}

Napi::Value SamplerSample(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    auto store = UnwrapHandle<GraphStore>(env, info[0], "store");
    auto request = std::make_shared<SampleRequest>(ReadRequest(info[1], *store));
    return RunAsync<SampleResult>(
        env, [store, request] { return Sample(store->view(), *request); },
        [store, request](Napi::Env env, SampleResult& result) {
          return ToJs(env, store->view(), request->edgeIds, result);
        });
  });
}

}  // namespace

void InitSamplerBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("samplerSample", Napi::Function::New(env, SamplerSample, "samplerSample"));
  exports.Set("samplerSampleSync",
              Napi::Function::New(env, SamplerSampleSync, "samplerSampleSync"));
}

}  // namespace prequel
