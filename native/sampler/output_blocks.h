// SPDX-License-Identifier: Apache-2.0
// Memory for output arrays. Each batch hands a few MB of arrays to JS, which frees them when it
// drops the batch; recycling those blocks for the next batches spares the page faults (and the
// kernel's zeroing) of fresh memory on every batch. Small arrays use the ordinary heap.
#pragma once

#include <cstddef>
#include <new>
#include <utility>
#include <vector>

namespace prequel {

// A block of at least `bytes` bytes; release it with FreeOutputBlock(p, bytes).
void* AllocateOutputBlock(size_t bytes);
void FreeOutputBlock(void* p, size_t bytes) noexcept;

// std::vector allocator over output blocks whose resize leaves new elements uninitialised: the
// merge writes every element, so zeroing first would only add a pass over the memory.
template <typename T>
struct OutputAllocator {
  using value_type = T;

  OutputAllocator() = default;
  template <typename U>
  OutputAllocator(const OutputAllocator<U>&) {}

  T* allocate(size_t n) { return static_cast<T*>(AllocateOutputBlock(n * sizeof(T))); }
  void deallocate(T* p, size_t n) noexcept { FreeOutputBlock(p, n * sizeof(T)); }

  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    if constexpr (sizeof...(Args) == 0) {
      ::new (static_cast<void*>(p)) U;
    } else {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  }

  template <typename U>
  bool operator==(const OutputAllocator<U>&) const {
    return true;
  }
};

template <typename T>
using OutArray = std::vector<T, OutputAllocator<T>>;

}  // namespace prequel
