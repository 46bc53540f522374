// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the compute binding's entry points: argument readers for buffer handles,
// the per-environment stream, and registration. Entry points read and check every argument on
// the JS thread, allocate their outputs, then submit the kernel to the stream.
#pragma once

#include <napi.h>

#include <string>

#include "common/args.h"
#include "common/error.h"
#include "common/handle.h"
#include "compute/buffer.h"
#include "compute/stream.h"

namespace prequel::compute {

// State of one JS environment: its ordered work stream.
struct ComputeContext {
  Stream stream;
};

inline ComputeContext& Context(const Napi::CallbackInfo& info) {
  return *static_cast<ComputeContext*>(info.Data());
}

// A live buffer of `dtype`; `length` >= 0 also checks its element count.
inline BufferPtr BufferArg(const Napi::CallbackInfo& info, size_t at, const char* arg, DType dtype,
                           int64_t length = -1) {
  BufferPtr b = UnwrapHandle<Buffer>(info.Env(), info[at], arg);
  if (b->dtype() != dtype) {
    Fail("GNN_DTYPE_MISMATCH", arg, ": expected ", dtype == DType::kFloat32 ? "float32" : "int32",
         " storage");
  }
  if (length >= 0 && b->length() != length) {
    Fail("GNN_SHAPE_MISMATCH", arg, ": expected ", length, " elements, got ", b->length());
  }
  return b;
}

inline BufferPtr FloatArg(const Napi::CallbackInfo& info, size_t at, const char* arg,
                          int64_t length = -1) {
  return BufferArg(info, at, arg, DType::kFloat32, length);
}

inline BufferPtr IndexArg(const Napi::CallbackInfo& info, size_t at, const char* arg,
                          int64_t length = -1) {
  return BufferArg(info, at, arg, DType::kInt32, length);
}

// An int32 buffer, or null when the argument is null or undefined.
inline BufferPtr OptionalIndexArg(const Napi::CallbackInfo& info, size_t at, const char* arg) {
  if (info[at].IsNull() || info[at].IsUndefined()) return nullptr;
  return IndexArg(info, at, arg);
}

inline int64_t SizeArg(const Napi::CallbackInfo& info, size_t at, const char* arg) {
  int64_t v = IntegerArg(info[at], arg);
  if (v < 0) Fail("NATIVE_BAD_ARGUMENT", arg, ": expected a size >= 0, got ", v);
  return v;
}

inline float FloatValueArg(const Napi::CallbackInfo& info, size_t at, const char* arg) {
  if (!info[at].IsNumber()) Fail("NATIVE_BAD_ARGUMENT", arg, ": expected a number");
  return info[at].As<Napi::Number>().FloatValue();
}

inline bool BoolArg(const Napi::CallbackInfo& info, size_t at, const char* arg) {
  if (!info[at].IsBoolean()) Fail("NATIVE_BAD_ARGUMENT", arg, ": expected a boolean");
  return info[at].As<Napi::Boolean>().Value();
}

// An enum passed as its index; `count` is the number of members.
template <typename E>
E EnumArg(const Napi::CallbackInfo& info, size_t at, const char* arg, int64_t count) {
  int64_t v = IntegerArg(info[at], arg);
  if (v < 0 || v >= count)
    Fail("NATIVE_BAD_ARGUMENT", arg, ": expected 0..", count - 1, ", got ", v);
  return static_cast<E>(v);
}

inline BufferPtr NewFloat(int64_t length) {
  return std::make_shared<Buffer>(DType::kFloat32, length);
}

inline Napi::Object Wrap(Napi::Env env, BufferPtr b) {
  return WrapHandle<Buffer>(env, std::move(b));
}

using Entry = Napi::Value (*)(const Napi::CallbackInfo&);

// Adds `fn` to exports as `name`, guarded so C++ errors become coded JS errors.
template <Entry fn>
void Register(Napi::Env env, Napi::Object exports, const char* name, ComputeContext* context) {
  exports.Set(name, Napi::Function::New(
                        env,
                        [](const Napi::CallbackInfo& info) -> Napi::Value {
                          return Guard(info.Env(), [&] { return fn(info); });
                        },
                        name, context));
}

// Registers the kernel entry points (op_entries.cc).
void RegisterComputeOps(Napi::Env env, Napi::Object exports, ComputeContext* context);

}  // namespace prequel::compute
