// SPDX-License-Identifier: Apache-2.0
// Module entry point of the prequel native addon.
#include <napi.h>

#include "bindings/bindings.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  prequel::InitStoreBinding(env, exports);
  prequel::InitColumnsBinding(env, exports);
  prequel::InitSamplerBinding(env, exports);
  prequel::InitComputeBinding(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(prequel_native, Init)
