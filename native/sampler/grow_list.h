// SPDX-License-Identifier: Apache-2.0
// A growable array for the sampler's lists, which a step extends by the most it can add, writes
// through a plain pointer, and cuts back to what it wrote: new elements are not initialised
// (their memory is, once, when the list grows), and extending is one comparison.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace prequel {

template <typename T>
class GrowList {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return items_.size(); }
  T* data() { return items_.data(); }
  const T* data() const { return items_.data(); }
  T* begin() { return items_.data(); }
  T* end() { return items_.data() + size_; }
  const T* begin() const { return items_.data(); }
  const T* end() const { return items_.data() + size_; }
  T& operator[](size_t i) { return items_[i]; }
  const T& operator[](size_t i) const { return items_[i]; }

  void clear() { size_ = 0; }
  void push_back(const T& value) { *Extend(1) = value; }

  // Appends n unset elements and returns the first.
  T* Extend(size_t n) {
    if (size_ + n > items_.size()) items_.resize(std::max(size_ + n, 2 * items_.size()));
    T* at = items_.data() + size_;
    size_ += n;
    return at;
  }

  // Keeps the first n elements, n <= size().
  void Truncate(size_t n) { size_ = n; }

 private:
  std::vector<T> items_;  // every element is storage; the list is the first size_
  size_t size_ = 0;
};

}  // namespace prequel
