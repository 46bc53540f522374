// SPDX-License-Identifier: Apache-2.0
// Raw binding for the store domain.
#include "bindings/bindings.h"

namespace prequel {

void InitStoreBinding(Napi::Env env, Napi::Object exports) {}

}  // namespace prequel
