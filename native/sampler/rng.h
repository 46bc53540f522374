// SPDX-License-Identifier: Apache-2.0
// Seed-indexed random streams for the sampler. Every stream is a SplitMix64 generator whose
// state is derived from (random seed, stream id), so the draws made for one seed (or one
// frontier node) do not depend on which thread runs it or how many threads there are.
#pragma once

#include <cstdint>

namespace prequel {

// The SplitMix64 finaliser: a bijective 64-bit mix with good avalanche.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class RandomStream {
 public:
  // The stream `id` of the generator family `seed`.
  RandomStream(uint64_t seed, uint64_t id) : state_(Mix64(seed ^ Mix64(id + kGamma))) {}

  uint64_t Next() {
    state_ += kGamma;
    return Mix64(state_);
  }

  // A uniform integer in [0, bound), bound > 0, without modulo bias (Lemire's method).
  uint64_t Below(uint64_t bound) {
    unsigned __int128 m = static_cast<unsigned __int128>(Next()) * bound;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < bound) {
      uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(Next()) * bound;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

 private:
  static constexpr uint64_t kGamma = 0x9e3779b97f4a7c15ULL;
  uint64_t state_;
};

}  // namespace prequel
