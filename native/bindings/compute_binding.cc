// SPDX-License-Identifier: Apache-2.0
// Raw binding for the compute domain.
#include "bindings/bindings.h"

namespace prequel {

void InitComputeBinding(Napi::Env env, Napi::Object exports) {}

}  // namespace prequel
