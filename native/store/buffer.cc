// SPDX-License-Identifier: Apache-2.0
// Heap and memory-mapped byte blocks.
#include "store/buffer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "common/error.h"

namespace prequel {

namespace {

// Zero-byte arrays still need a non-null address: a null pointer means "absent" in a view.
alignas(64) uint8_t kEmpty[64];
constexpr std::align_val_t kAlign{64};
constexpr size_t kLarge = size_t{4} << 20;

}  // namespace

Buffer::Buffer(Buffer&& other) noexcept
    : data_(other.data_), bytes_(other.bytes_), mapped_(other.mapped_) {
  other.data_ = nullptr;
  other.bytes_ = 0;
  other.mapped_ = false;
}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = other.data_;
    bytes_ = other.bytes_;
    mapped_ = other.mapped_;
    other.data_ = nullptr;
    other.bytes_ = 0;
    other.mapped_ = false;
  }
  return *this;
}

Buffer::~Buffer() {
  Release();
}

void Buffer::Release() {
  if (data_ == nullptr || data_ == kEmpty) {
    data_ = nullptr;
    return;
  }
  if (mapped_) {
    munmap(data_, bytes_);
  } else {
    ::operator delete[](data_, kAlign);
  }
  data_ = nullptr;
  bytes_ = 0;
}

Buffer Buffer::Allocate(size_t bytes) {
  Buffer b;
  b.bytes_ = bytes;
  if (bytes == 0) {
    b.data_ = kEmpty;
  } else if (bytes < kLarge) {
    b.data_ = static_cast<uint8_t*>(::operator new[](bytes, kAlign));
  } else {
    // Large arrays are written in scattered order during a build: huge pages spare TLB misses.
    void* addr = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (addr == MAP_FAILED) throw std::bad_alloc();
    madvise(addr, bytes, MADV_HUGEPAGE);
    b.data_ = static_cast<uint8_t*>(addr);
    b.mapped_ = true;
  }
  return b;
}

Buffer Buffer::Map(const std::string& path, size_t expectedBytes) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    Fail("STORE_FILE_MISSING", "cannot open store file ", path, ": ", std::strerror(errno));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    Fail("STORE_FILE_MISSING", "cannot stat store file ", path, ": ", std::strerror(err));
  }
  size_t actual = static_cast<size_t>(st.st_size);
  if (actual != expectedBytes) {
    close(fd);
    Fail("STORE_FILE_SIZE", "store file ", path, ": expected ", expectedBytes, " bytes, found ",
         actual);
  }
  Buffer b;
  b.bytes_ = actual;
  if (actual == 0) {
    b.data_ = kEmpty;
    close(fd);
    return b;
  }
  void* addr = mmap(nullptr, actual, PROT_READ, MAP_SHARED, fd, 0);
  int err = errno;
  close(fd);
  if (addr == MAP_FAILED) {
    Fail("STORE_FILE_MISSING", "cannot map store file ", path, ": ", std::strerror(err));
  }
  b.data_ = static_cast<uint8_t*>(addr);
  b.mapped_ = true;
  return b;
}

}  // namespace prequel
