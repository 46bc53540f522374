// SPDX-License-Identifier: Apache-2.0
// Raw binding for the columns domain.
#include "bindings/bindings.h"

namespace prequel {

void InitColumnsBinding(Napi::Env env, Napi::Object exports) {}

}  // namespace prequel
