// SPDX-License-Identifier: Apache-2.0
// Argument readers for binding entry points. Each names the argument and the expected type in
// its error, and returns a view of typed-array memory without copying it.
#pragma once

#include <napi.h>

#include <cstdint>
#include <span>
#include <string>
#include <type_traits>

#include "common/error.h"

namespace prequel {

template <typename T>
constexpr napi_typedarray_type TypedArrayTypeOf() {
  if constexpr (std::is_same_v<T, int8_t>) return napi_int8_array;
  if constexpr (std::is_same_v<T, uint8_t>) return napi_uint8_array;
  if constexpr (std::is_same_v<T, int16_t>) return napi_int16_array;
  if constexpr (std::is_same_v<T, uint16_t>) return napi_uint16_array;
  if constexpr (std::is_same_v<T, int32_t>) return napi_int32_array;
  if constexpr (std::is_same_v<T, uint32_t>) return napi_uint32_array;
  if constexpr (std::is_same_v<T, float>) return napi_float32_array;
  if constexpr (std::is_same_v<T, double>) return napi_float64_array;
  if constexpr (std::is_same_v<T, int64_t>) return napi_bigint64_array;
  if constexpr (std::is_same_v<T, uint64_t>) return napi_biguint64_array;
}

template <typename T>
constexpr const char* TypedArrayNameOf() {
  if constexpr (std::is_same_v<T, int8_t>) return "Int8Array";
  if constexpr (std::is_same_v<T, uint8_t>) return "Uint8Array";
  if constexpr (std::is_same_v<T, int16_t>) return "Int16Array";
  if constexpr (std::is_same_v<T, uint16_t>) return "Uint16Array";
  if constexpr (std::is_same_v<T, int32_t>) return "Int32Array";
  if constexpr (std::is_same_v<T, uint32_t>) return "Uint32Array";
  if constexpr (std::is_same_v<T, float>) return "Float32Array";
  if constexpr (std::is_same_v<T, double>) return "Float64Array";
  if constexpr (std::is_same_v<T, int64_t>) return "BigInt64Array";
  if constexpr (std::is_same_v<T, uint64_t>) return "BigUint64Array";
}

// A view of a JS typed array of element type T; throws NATIVE_BAD_ARGUMENT naming `arg`.
template <typename T>
std::span<T> TypedArrayArg(Napi::Value value, const char* arg) {
  if (!value.IsTypedArray()) Fail("NATIVE_BAD_ARGUMENT", arg, ": expected ", TypedArrayNameOf<T>());
  auto array = value.As<Napi::TypedArray>();
  if (array.TypedArrayType() != TypedArrayTypeOf<T>()) {
    Fail("NATIVE_BAD_ARGUMENT", arg, ": expected ", TypedArrayNameOf<T>());
  }
  auto typed = value.As<Napi::TypedArrayOf<T>>();
  return std::span<T>(typed.Data(), typed.ElementLength());
}

inline int64_t IntegerArg(Napi::Value value, const char* arg) {
  if (value.IsBigInt()) {
    bool lossless = false;
    int64_t v = value.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) Fail("NATIVE_BAD_ARGUMENT", arg, ": integer out of int64 range");
    return v;
  }
  if (!value.IsNumber()) Fail("NATIVE_BAD_ARGUMENT", arg, ": expected an integer");
  double d = value.As<Napi::Number>().DoubleValue();
  if (!(d == static_cast<double>(static_cast<int64_t>(d)))) {
    Fail("NATIVE_BAD_ARGUMENT", arg, ": expected an integer, got ", d);
  }
  return static_cast<int64_t>(d);
}

inline std::string StringArg(Napi::Value value, const char* arg) {
  if (!value.IsString()) Fail("NATIVE_BAD_ARGUMENT", arg, ": expected a string");
  return value.As<Napi::String>().Utf8Value();
}

}  // namespace prequel
