// SPDX-License-Identifier: Apache-2.0
// Recycled output blocks: free lists by power-of-two size class, bounded in total bytes.
#include "sampler/output_blocks.h"

#include <bit>
#include <cstdlib>
#include <mutex>

namespace prequel {
namespace {

constexpr size_t kSmall = size_t{64} << 10;       // below this, the ordinary heap
constexpr size_t kKeepBytes = size_t{128} << 20;  // most bytes kept for reuse
constexpr int kClasses = 48;

struct Blocks {
  std::mutex mutex;
  std::vector<void*> free[kClasses];
  size_t kept = 0;
};

Blocks& blocks() {
  static Blocks* b = new Blocks();  // never destroyed: finalizers may run during exit
  return *b;
}

int ClassOf(size_t bytes) {
  return std::bit_width(bytes - 1);
}

}  // namespace

void* AllocateOutputBlock(size_t bytes) {
  if (bytes < kSmall) return ::operator new(bytes);
  const int c = ClassOf(bytes);
  {
    Blocks& b = blocks();
    std::lock_guard<std::mutex> lock(b.mutex);
    if (!b.free[c].empty()) {
      void* p = b.free[c].back();
      b.free[c].pop_back();
      b.kept -= size_t{1} << c;
      return p;
    }
  }
  return ::operator new (size_t{1} << c);
}

void FreeOutputBlock(void* p, size_t bytes) noexcept {
  if (bytes < kSmall) {
    ::operator delete(p);
    return;
  }
  const int c = ClassOf(bytes);
  Blocks& b = blocks();
  {
    std::lock_guard<std::mutex> lock(b.mutex);
    if (b.kept + (size_t{1} << c) <= kKeepBytes) {
      b.free[c].push_back(p);
      b.kept += size_t{1} << c;
      return;
    }
  }
  ::operator delete(p);
}

}  // namespace prequel
