// SPDX-License-Identifier: Apache-2.0
// Raw binding for the compute domain: buffer memory, the work stream and the kernel entry points
// (registered from native/compute/op_entries.cc). Buffers are native memory behind tagged
// handles; bulk data crosses only in upload and download, as typed arrays.
#include <cstring>

#include "bindings/bindings.h"
#include "common/async.h"
#include "compute/entry.h"
#include "compute/kernels.h"

namespace prequel {

namespace {

using compute::Buffer;
using compute::BufferPtr;
using compute::Context;
using compute::DType;

DType TypedArrayDType(Napi::Value value, const char* arg) {
  if (value.IsTypedArray()) {
    auto type = value.As<Napi::TypedArray>().TypedArrayType();
    if (type == napi_float32_array) return DType::kFloat32;
    if (type == napi_int32_array) return DType::kInt32;
  }
  Fail("NATIVE_BAD_ARGUMENT", arg, ": expected a Float32Array or Int32Array");
}

// computeUpload(data: Float32Array | Int32Array): a new buffer holding a copy of data.
Napi::Value Upload(const Napi::CallbackInfo& info) {
  DType dtype = TypedArrayDType(info[0], "data");
  auto array = info[0].As<Napi::TypedArray>();
  auto b = std::make_shared<Buffer>(dtype, static_cast<int64_t>(array.ElementLength()));
  const auto* src = static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  if (array.ByteLength() > 0) std::memcpy(b->bytes(), src, array.ByteLength());
  return compute::Wrap(info.Env(), b);
}

// computeFill(length, value, int32): a new buffer with every element set to value.
Napi::Value Fill(const Napi::CallbackInfo& info) {
  int64_t length = compute::SizeArg(info, 0, "length");
  float value = compute::FloatValueArg(info, 1, "value");
  bool int32 = compute::BoolArg(info, 2, "int32");
  auto b = std::make_shared<Buffer>(int32 ? DType::kInt32 : DType::kFloat32, length);
  Context(info).stream.Submit(
      [b, value, int32, length] {
        if (int32) {
          std::fill(b->i(), b->i() + length, static_cast<int32_t>(value));
        } else {
          std::fill(b->f(), b->f() + length, value);
        }
      },
      length);
  return compute::Wrap(info.Env(), b);
}

// computeRelease(buffer): frees the buffer once queued work using it is done.
Napi::Value Release(const Napi::CallbackInfo& info) {
  CloseHandle<Buffer>(info.Env(), info[0], "buffer");
  return info.Env().Undefined();
}

BufferPtr DownloadTarget(const Napi::CallbackInfo& info) {
  BufferPtr b = UnwrapHandle<Buffer>(info.Env(), info[0], "buffer");
  DType dtype = TypedArrayDType(info[1], "out");
  auto out = info[1].As<Napi::TypedArray>();
  if (dtype != b->dtype() || static_cast<int64_t>(out.ElementLength()) != b->length()) {
    Fail("NATIVE_BAD_ARGUMENT", "out: expected a typed array of ", b->length(), " ",
         b->dtype() == DType::kInt32 ? "int32" : "float32", " elements");
  }
  return b;
}

void* OutData(Napi::Value value) {
  auto out = value.As<Napi::TypedArray>();
  return static_cast<uint8_t*>(out.ArrayBuffer().Data()) + out.ByteOffset();
}

// computeDownload(buffer, out): copies the buffer into out after queued work; a Promise.
Napi::Value Download(const Napi::CallbackInfo& info) {
  BufferPtr b = DownloadTarget(info);
  void* dst = OutData(info[1]);
  compute::Stream& stream = Context(info).stream;
  uint64_t ticket = stream.LastTicket();
  return RunAsync<bool>(
      info.Env(),
      [&stream, b, dst, ticket] {
        stream.WaitFor(ticket);
        if (b->length() > 0) std::memcpy(dst, b->bytes(), static_cast<size_t>(b->length()) * 4);
        return true;
      },
      [](Napi::Env env, bool&) { return env.Undefined(); }, {info[0], info[1]});
}

// computeDownloadSync(buffer, out): the blocking form of computeDownload.
Napi::Value DownloadSync(const Napi::CallbackInfo& info) {
  BufferPtr b = DownloadTarget(info);
  compute::Stream& stream = Context(info).stream;
  stream.WaitFor(stream.LastTicket());
  if (b->length() > 0) std::memcpy(OutData(info[1]), b->bytes(), size_t(b->length()) * 4);
  return info.Env().Undefined();
}

// computeFinish(): a Promise settled when all queued work ran (rejected with its first error).
Napi::Value Finish(const Napi::CallbackInfo& info) {
  compute::Stream& stream = Context(info).stream;
  uint64_t ticket = stream.LastTicket();
  return RunAsync<bool>(
      info.Env(),
      [&stream, ticket] {
        stream.WaitFor(ticket);
        return true;
      },
      [](Napi::Env env, bool&) { return env.Undefined(); });
}

// computeFinishSync(): blocks until all queued work ran.
Napi::Value FinishSync(const Napi::CallbackInfo& info) {
  compute::Stream& stream = Context(info).stream;
  stream.WaitFor(stream.LastTicket());
  return info.Env().Undefined();
}

// computeStats(): live native buffers and bytes, pooled free bytes (process-wide), queued tasks
// and threads.
Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("liveBuffers", Napi::Number::New(env, double(compute::BufferCounters::Live().load())));
  o.Set("liveBytes", Napi::Number::New(env, double(compute::BufferCounters::Bytes().load())));
  o.Set("pooledBytes", Napi::Number::New(env, double(compute::BlockPool::Get().PooledBytes())));
  o.Set("pendingTasks", Napi::Number::New(env, double(Context(info).stream.Pending())));
  o.Set("threads", Napi::Number::New(env, compute::Threads()));
  return o;
}

// computeTrimPool(): frees the cached blocks of released buffers.
Napi::Value TrimPool(const Napi::CallbackInfo& info) {
  compute::BlockPool::Get().Trim();
  return info.Env().Undefined();
}

// computeSetThreads(threads): sets the kernel and BLAS thread count; returns it.
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  int64_t n = IntegerArg(info[0], "threads");
  if (n < 1 || n > 1024) Fail("NATIVE_BAD_ARGUMENT", "threads: expected 1..1024, got ", n);
  compute::Stream& stream = Context(info).stream;
  stream.WaitFor(stream.LastTicket());
  compute::SetThreads(static_cast<int>(n));
  return Napi::Number::New(info.Env(), compute::Threads());
}

}  // namespace

void InitComputeBinding(Napi::Env env, Napi::Object exports) {
  auto* context = new compute::ComputeContext();
  napi_add_env_cleanup_hook(
      env, [](void* data) { delete static_cast<compute::ComputeContext*>(data); }, context);

  compute::Register<Upload>(env, exports, "computeUpload", context);
  compute::Register<Fill>(env, exports, "computeFill", context);
  compute::Register<Release>(env, exports, "computeRelease", context);
  compute::Register<Download>(env, exports, "computeDownload", context);
  compute::Register<DownloadSync>(env, exports, "computeDownloadSync", context);
  compute::Register<Finish>(env, exports, "computeFinish", context);
  compute::Register<FinishSync>(env, exports, "computeFinishSync", context);
  compute::Register<Stats>(env, exports, "computeStats", context);
  compute::Register<SetThreads>(env, exports, "computeSetThreads", context);
  compute::Register<TrimPool>(env, exports, "computeTrimPool", context);
  compute::RegisterComputeOps(env, exports, context);
}

}  // namespace prequel
