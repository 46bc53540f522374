// SPDX-License-Identifier: Apache-2.0
// Raw binding for the sampler domain.
#include "bindings/bindings.h"

namespace prequel {

void InitSamplerBinding(Napi::Env env, Napi::Object exports) {}

}  // namespace prequel
