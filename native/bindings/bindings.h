// SPDX-License-Identifier: Apache-2.0
// The raw binding: one Init function per domain, each adding its entry points to `exports`.
// TypeScript declares the same surface in src/native/*-binding.ts.
#pragma once

#include <napi.h>

namespace prequel {

void InitStoreBinding(Napi::Env env, Napi::Object exports);
void InitColumnsBinding(Napi::Env env, Napi::Object exports);
void InitSamplerBinding(Napi::Env env, Napi::Object exports);
void InitComputeBinding(Napi::Env env, Napi::Object exports);

}  // namespace prequel
