// SPDX-License-Identifier: Apache-2.0
// Keeps scratch objects (dedup maps, buffers) between sampling requests, so a request reuses
// memory that is already mapped instead of faulting in fresh pages. Locked once per request.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

namespace prequel {

template <typename T>
class ScratchPool {
 public:
  explicit ScratchPool(size_t keep) : keep_(keep) {}

  // A pooled object, or a new one.
  std::unique_ptr<T> Acquire() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) return std::make_unique<T>();
    std::unique_ptr<T> object = std::move(free_.back());
    free_.pop_back();
    return object;
  }

  // Returns an object; beyond `keep` pooled objects it is freed.
  void Release(std::unique_ptr<T> object) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.size() < keep_) free_.push_back(std::move(object));
  }

 private:
  size_t keep_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<T>> free_;
};

}  // namespace prequel
