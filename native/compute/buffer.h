// SPDX-License-Identifier: Apache-2.0
// Native tensor storage behind a tagged handle: float32 or int32 elements in one uninitialised
// block. Large blocks come from a size-class pool: a training loop frees and reallocates the same
// shapes every step, and reusing warm pages avoids the page faults of fresh allocations (several
// times the cost of the kernels that fill them). Live and pooled counts are process-wide.
#pragma once

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>

namespace prequel::compute {

enum class DType { kFloat32, kInt32 };

struct BufferCounters {
  static std::atomic<int64_t>& Live() {
    static std::atomic<int64_t> live{0};
    return live;
  }
  static std::atomic<int64_t>& Bytes() {
    static std::atomic<int64_t> bytes{0};
    return bytes;
  }
};

// Free blocks of at least kMinPooled elements, by capacity, up to kMaxBytes in all.
class BlockPool {
 public:
  static constexpr int64_t kMinPooled = 1 << 16;
  static constexpr int64_t kMaxBytes = int64_t{1} << 30;

  static BlockPool& Get() {
    static BlockPool* pool = new BlockPool();  // never destroyed: buffers may outlive statics
    return *pool;
  }

  // Capacity used for `elements`: rounded up to a quarter of its power of two (<= 25% waste).
  static int64_t Capacity(int64_t elements) {
    if (elements < kMinPooled) return elements > 0 ? elements : 1;
    int64_t p = 1;
    while (p * 2 <= elements) p *= 2;
    int64_t step = p / 4;
    return (elements + step - 1) / step * step;
  }

  uint32_t* Take(int64_t capacity) {
    if (capacity >= kMinPooled) {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = free_.find(capacity);
      if (it != free_.end()) {
        uint32_t* block = it->second;
        free_.erase(it);
        bytes_ -= capacity * 4;
        return block;
      }
    }
    return new uint32_t[capacity];
  }

  void Give(uint32_t* block, int64_t capacity) {
    if (capacity >= kMinPooled) {
      std::lock_guard<std::mutex> lock(mu_);
      if (bytes_ + capacity * 4 <= kMaxBytes) {
        free_.emplace(capacity, block);
        bytes_ += capacity * 4;
        return;
      }
    }
    delete[] block;
  }

  // Frees every pooled block.
  void Trim() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [capacity, block] : free_) delete[] block;
    free_.clear();
    bytes_ = 0;
  }

  int64_t PooledBytes() {
    std::lock_guard<std::mutex> lock(mu_);
    return bytes_;
  }

 private:
  std::mutex mu_;
  std::multimap<int64_t, uint32_t*> free_;
  int64_t bytes_ = 0;
};

class Buffer {
 public:
  static constexpr napi_type_tag kTag = {0x70726571756c636fULL, 0x6d70627566663031ULL};
  static constexpr const char* kKind = "compute buffer";

  Buffer(DType dtype, int64_t length)
      : dtype_(dtype),
        length_(length),
        capacity_(BlockPool::Capacity(length)),
        data_(BlockPool::Get().Take(capacity_)) {
    BufferCounters::Live()++;
    BufferCounters::Bytes() += length * 4;
  }
  ~Buffer() {
    BlockPool::Get().Give(data_, capacity_);
    BufferCounters::Live()--;
    BufferCounters::Bytes() -= length_ * 4;
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  DType dtype() const { return dtype_; }
  int64_t length() const { return length_; }
  float* f() { return reinterpret_cast<float*>(data_); }
  int32_t* i() { return reinterpret_cast<int32_t*>(data_); }
  void* bytes() { return data_; }

 private:
  DType dtype_;
  int64_t length_;
  int64_t capacity_;
  uint32_t* data_;
};

using BufferPtr = std::shared_ptr<Buffer>;

}  // namespace prequel::compute
