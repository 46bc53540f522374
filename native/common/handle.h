// SPDX-License-Identifier: Apache-2.0
// Typed, tagged handles for native objects crossing to JS. A handle is a JS object tagged with
// its C++ type (napi_type_tag), so passing the wrong kind of handle, or one already closed,
// throws a coded error instead of crashing. `close()` frees eagerly; the finalizer is a backstop.
#pragma once

#include <napi.h>

#include <memory>
#include <string>

#include "common/error.h"

namespace prequel {

template <typename T>
struct HandleBox {
  std::shared_ptr<T> object;
};

// Each handled type declares: static constexpr napi_type_tag kTag and static constexpr const
// char* kKind (a human name used in errors).
template <typename T>
Napi::Object WrapHandle(Napi::Env env, std::shared_ptr<T> object) {
  auto* box = new HandleBox<T>{std::move(object)};
  Napi::Object handle = Napi::Object::New(env);
  napi_status status = napi_type_tag_object(env, handle, &T::kTag);
  if (status != napi_ok) {
    delete box;
    throw CodedError("NATIVE_INTERNAL", "could not tag native handle");
  }
  status = napi_wrap(
      env, handle, box,
      [](napi_env, void* data, void*) { delete static_cast<HandleBox<T>*>(data); }, nullptr,
      nullptr);
  if (status != napi_ok) {
    delete box;
    throw CodedError("NATIVE_INTERNAL", "could not wrap native handle");
  }
  handle.Set("kind", Napi::String::New(env, T::kKind));
  return handle;
}

// Returns the live object behind `value`, or throws NATIVE_BAD_HANDLE / NATIVE_CLOSED_HANDLE
// naming `arg` and the expected kind.
template <typename T>
std::shared_ptr<T> UnwrapHandle(Napi::Env env, Napi::Value value, const char* arg) {
  bool tagged = false;
  if (value.IsObject()) napi_check_object_type_tag(env, value, &T::kTag, &tagged);
  if (!tagged) Fail("NATIVE_BAD_HANDLE", arg, ": expected a ", T::kKind, " handle");
  void* data = nullptr;
  napi_unwrap(env, value, &data);
  auto* box = static_cast<HandleBox<T>*>(data);
  if (box == nullptr || !box->object)
    Fail("NATIVE_CLOSED_HANDLE", arg, ": the ", T::kKind, " handle is closed");
  return box->object;
}

// Releases the object behind a handle now; later use fails with NATIVE_CLOSED_HANDLE. Work
// already running holds its own shared_ptr and finishes safely.
template <typename T>
void CloseHandle(Napi::Env env, Napi::Value value, const char* arg) {
  bool tagged = false;
  if (value.IsObject()) napi_check_object_type_tag(env, value, &T::kTag, &tagged);
  if (!tagged) Fail("NATIVE_BAD_HANDLE", arg, ": expected a ", T::kKind, " handle");
  void* data = nullptr;
  napi_unwrap(env, value, &data);
  auto* box = static_cast<HandleBox<T>*>(data);
  if (box != nullptr) box->object.reset();
}

}  // namespace prequel
