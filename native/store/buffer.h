// SPDX-License-Identifier: Apache-2.0
// A block of bytes owned by a store: heap memory after a build, a read-only memory map after an
// open. Stores keep their arrays in these so a view's pointers stay valid while the store lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace prequel {

class Buffer {
 public:
  Buffer() = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  ~Buffer();

  // Writable memory of `bytes` bytes, uninitialised (large blocks are anonymous maps).
  static Buffer Allocate(size_t bytes);
  // Maps `path` read-only; throws STORE_FILE_MISSING when it cannot be opened and
  // STORE_FILE_SIZE when its size is not `expectedBytes`.
  static Buffer Map(const std::string& path, size_t expectedBytes);

  uint8_t* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  // True when the block is a memory map (of a file, or anonymous for large blocks).
  bool mapped() const { return mapped_; }
  template <typename T>
  T* as() const {
    return reinterpret_cast<T*>(data_);
  }

 private:
  uint8_t* data_ = nullptr;
  size_t bytes_ = 0;
  bool mapped_ = false;
  void Release();
};

}  // namespace prequel
