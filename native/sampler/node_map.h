// SPDX-License-Identifier: Apache-2.0
// A small open-addressing hash map from a (node type, node id) key to a local reference, cleared
// in O(1) by bumping a generation stamp. One per thread: each sampled tree clears it and reuses
// the same memory, so dedup costs one probe into a table that stays in cache.
#pragma once

#include <cstdint>
#include <vector>

namespace prequel {

class NodeMap {
 public:
  static uint64_t Key(int32_t type, int32_t id) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(type)) << 32) | static_cast<uint32_t>(id);
  }

  // Forgets every entry.
  void Clear() {
    size_ = 0;
    if (++stamp_ == 0) {
      for (auto& slot : slots_) slot.stamp = 0;
      stamp_ = 1;
    }
  }

  // Starts loading the slot where a lookup of `key` begins.
  void PrefetchKey(uint64_t key) const {
#if defined(__GNUC__) || defined(__clang__)
    if (!slots_.empty()) __builtin_prefetch(&slots_[Hash(key) & (slots_.size() - 1)], 0, 1);
#endif
  }

  // Makes room for `more` insertions by FindOrAdd and counts them now: a FindOrAdd that finds
  // its key leaves the count above the true size, which only makes the map grow sooner.
  void Reserve(size_t more) {
    while ((size_ + more) * 2 > slots_.size()) Grow();
    size_ += more;
  }

  // The value stored for `key`, or, when absent, stores `value` and returns it. The caller has
  // made room with Reserve.
  uint32_t FindOrAdd(uint64_t key, uint32_t value) {
    Slot* slots = slots_.data();
    const size_t mask = slots_.size() - 1;
    const uint32_t stamp = stamp_;
    for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
      if (slots[i].stamp != stamp) {
        slots[i] = Slot{key, value, stamp};
        return value;
      }
      if (slots[i].key == key) return slots[i].value;
    }
  }

  // The value stored for `key`, or, when absent, stores make() and returns it.
  template <typename Make>
  uint32_t FindOrInsert(uint64_t key, Make&& make) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.stamp != stamp_) {
        slot = Slot{key, make(), stamp_};
        ++size_;
        return slot.value;
      }
      if (slot.key == key) return slot.value;
    }
  }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t value = 0;
    uint32_t stamp = 0;
  };

  static size_t Hash(uint64_t key) {
    return static_cast<size_t>((key * 0x9e3779b97f4a7c15ULL) >> 20);
  }

  void Grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 256 : old.size() * 2, Slot{});
    size_t mask = slots_.size() - 1;
    uint32_t stamp = stamp_;
    for (const Slot& s : old) {
      if (s.stamp != stamp) continue;
      size_t i = Hash(s.key) & mask;
      while (slots_[i].stamp == stamp) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
  uint32_t stamp_ = 1;
};

}  // namespace prequel
