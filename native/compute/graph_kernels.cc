// SPDX-License-Identifier: Apache-2.0
// Graph kernels: gather, scatter-add, segment reductions over CSR groups and their backward.
// Forward kernels run in parallel over output rows (each thread writes only its own rows).
// Scatters are made deterministic with a transposed CSR: a stable counting sort lists, for every
// destination row, its sources in ascending order; each destination then sums its own list, so
// the result is bit-identical for any thread count.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "common/error.h"
#include "common/parallel.h"
#include "compute/kernels.h"

namespace prequel::compute {

namespace {

// Rows per thread chunk: about 32K elements, so small kernels stay on the calling thread.
int64_t RowGrain(int64_t cols) {
  return std::max<int64_t>(1, (int64_t{1} << 15) / std::max<int64_t>(cols, 1));
}

// dst[c] += w * src[c]; restrict lets the compiler vectorise.
inline void AddRow(float* __restrict dst, const float* __restrict src, int64_t cols,
                   float w = 1.0f) {
  for (int64_t c = 0; c < cols; ++c) dst[c] += w * src[c];
}

// Rows this far ahead are prefetched in indirect loops: random 512-byte rows are latency-bound,
// and asking for the next rows early overlaps their misses (about 1.5x on segment mean).
constexpr int64_t kPrefetchAhead = 8;

inline void PrefetchRow(const float* row, int64_t cols) {
#if defined(__GNUC__) || defined(__clang__)
  const char* p = reinterpret_cast<const char*>(row);
  for (int64_t b = 0; b < cols * 4; b += 64) __builtin_prefetch(p + b);
#endif
}

// Sources grouped by destination: for destination d, order[start[d] .. start[d+1]) are the source
// positions i (ascending) with dest[i] == d.
struct Transposed {
  std::vector<int64_t> start;
  std::vector<int64_t> order;
};

Transposed Transpose(const int32_t* dest, int64_t n, int64_t rows) {
  Transposed t;
  t.start.assign(rows + 1, 0);
  for (int64_t i = 0; i < n; ++i) ++t.start[dest[i] + 1];
  for (int64_t r = 0; r < rows; ++r) t.start[r + 1] += t.start[r];
  std::vector<int64_t> next(t.start.begin(), t.start.end() - 1);
  t.order.resize(n);
  for (int64_t i = 0; i < n; ++i) t.order[next[dest[i]]++] = i;
  return t;
}

void CheckIndices(const char* op, const char* what, const int32_t* index, int64_t n,
                  int64_t limit) {
  for (int64_t i = 0; i < n; ++i) {
    if (index[i] < 0 || index[i] >= limit) {
      Fail("GNN_INDEX_RANGE", op, ": ", what, "[", i, "] = ", index[i], ", limit ", limit);
    }
  }
}

template <typename Body>
void ForRows(int64_t rows, int64_t cols, Body&& body) {
  ParallelFor(rows, Threads(), RowGrain(cols), [&](int64_t lo, int64_t hi, int) {
    for (int64_t r = lo; r < hi; ++r) body(r);
  });
}

}  // namespace

void GatherRows(const char* op, const float* x, int64_t cols, const int32_t* index, int64_t n,
                int64_t num_rows, float* out) {
  CheckIndices(op, "index", index, n, num_rows);
  ForRows(n, cols, [&](int64_t i) {
    if (i + kPrefetchAhead < n) PrefetchRow(x + int64_t{index[i + kPrefetchAhead]} * cols, cols);
    std::memcpy(out + i * cols, x + static_cast<int64_t>(index[i]) * cols, sizeof(float) * cols);
  });
}

void ScatterAddRows(const float* dy, int64_t cols, const int32_t* index, int64_t n,
                    int64_t out_rows, float* out) {
  CheckIndices("scatterAddRows", "index", index, n, out_rows);
  Transposed t = Transpose(index, n, out_rows);
  ForRows(out_rows, cols, [&](int64_t r) {
    float* dst = out + r * cols;
    std::fill(dst, dst + cols, 0.0f);
    for (int64_t k = t.start[r]; k < t.start[r + 1]; ++k) {
      if (k + kPrefetchAhead < n) PrefetchRow(dy + t.order[k + kPrefetchAhead] * cols, cols);
      AddRow(dst, dy + t.order[k] * cols, cols);
    }
  });
}

void CheckCsr(const char* op, const int32_t* rowptr, int64_t num_groups, const int32_t* col,
              int64_t entries, int64_t x_rows) {
  if (num_groups > 0 && rowptr[0] != 0) Fail("GNN_INDEX_RANGE", op, ": rowptr[0] = ", rowptr[0]);
  for (int64_t g = 0; g < num_groups; ++g) {
    if (rowptr[g + 1] < rowptr[g] || rowptr[g + 1] > entries) {
      Fail("GNN_INDEX_RANGE", op, ": rowptr[", g + 1, "] = ", rowptr[g + 1], " after ", rowptr[g],
           ", entries ", entries);
    }
  }
  if (col != nullptr) CheckIndices(op, "col", col, rowptr[num_groups], x_rows);
}

void SegmentReduce(ReduceKind op, const float* x, int64_t cols, const int32_t* rowptr,
                   const int32_t* col, int64_t num_groups, float* y, int32_t* argmax) {
  ForRows(num_groups, cols, [&](int64_t g) {
    float* yg = y + g * cols;
    int64_t lo = rowptr[g], hi = rowptr[g + 1];
    auto row = [&](int64_t e) { return x + (col ? static_cast<int64_t>(col[e]) : e) * cols; };
    int64_t end = rowptr[num_groups];
    auto prefetch = [&](int64_t e) {
      if (col != nullptr && e + kPrefetchAhead < end) PrefetchRow(row(e + kPrefetchAhead), cols);
    };

    if (op != ReduceKind::kMax) {
      std::fill(yg, yg + cols, 0.0f);
      for (int64_t e = lo; e < hi; ++e) {
        prefetch(e);
        AddRow(yg, row(e), cols);
      }
      if (op == ReduceKind::kMean && hi > lo) {
        float inv = 1.0f / static_cast<float>(hi - lo);
        for (int64_t c = 0; c < cols; ++c) yg[c] *= inv;
      }
      return;
    }

    // Max: the first maximum wins; empty groups give 0 and argmax -1.
    int32_t* ag = argmax + g * cols;
    if (hi == lo) {
      std::fill(yg, yg + cols, 0.0f);
      std::fill(ag, ag + cols, -1);
      return;
    }
    std::memcpy(yg, row(lo), sizeof(float) * cols);
    std::fill(ag, ag + cols, static_cast<int32_t>(lo));
    for (int64_t e = lo + 1; e < hi; ++e) {
      prefetch(e);
      const float* xr = row(e);
      for (int64_t c = 0; c < cols; ++c) {
        if (xr[c] > yg[c]) {
          yg[c] = xr[c];
          ag[c] = static_cast<int32_t>(e);
        }
      }
    }
  });
}

void SegmentReduceBackward(ReduceKind op, const float* dy, int64_t cols, const int32_t* rowptr,
                           const int32_t* col, int64_t num_groups, const int32_t* argmax,
                           int64_t x_rows, float* dx) {
  int64_t entries = rowptr[num_groups];
  auto weight = [&](int64_t g) {
    int64_t deg = rowptr[g + 1] - rowptr[g];
    return op == ReduceKind::kMean ? 1.0f / static_cast<float>(deg) : 1.0f;
  };
  // The contribution of CSR position e (in group g) to its x row.
  auto add = [&](float* dst, int64_t g, int64_t e) {
    const float* dg = dy + g * cols;
    if (op == ReduceKind::kMax) {
      const int32_t* ag = argmax + g * cols;
      for (int64_t c = 0; c < cols; ++c)
        if (ag[c] == e) dst[c] += dg[c];
      return;
    }
    AddRow(dst, dg, cols, weight(g));
  };

  std::fill(dx, dx + x_rows * cols, 0.0f);
  if (col == nullptr) {
    // Identity CSR: every x row belongs to at most one group, so groups write disjoint rows.
    ForRows(num_groups, cols, [&](int64_t g) {
      for (int64_t e = rowptr[g]; e < rowptr[g + 1]; ++e) add(dx + e * cols, g, e);
    });
    return;
  }

  std::vector<int32_t> group_of(entries);
  for (int64_t g = 0; g < num_groups; ++g) {
    for (int64_t e = rowptr[g]; e < rowptr[g + 1]; ++e) group_of[e] = static_cast<int32_t>(g);
  }
  Transposed t = Transpose(col, entries, x_rows);
  ForRows(x_rows, cols, [&](int64_t r) {
    for (int64_t k = t.start[r]; k < t.start[r + 1]; ++k) {
      if (k + kPrefetchAhead < entries) {
        PrefetchRow(dy + int64_t{group_of[t.order[k + kPrefetchAhead]]} * cols, cols);
      }
      int64_t e = t.order[k];
      add(dx + r * cols, group_of[e], e);
    }
  });
}

}  // namespace prequel::compute
