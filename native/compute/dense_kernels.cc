// SPDX-License-Identifier: Apache-2.0
// Dense kernels: BLAS products, elementwise maps, row reductions, layer norm, softmax, Adam.
// Each parallel loop hands every thread its own contiguous range; nothing is shared but reads.
#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

#include "common/parallel.h"
#include "compute/kernels.h"

namespace prequel::compute {

namespace {

std::atomic<int> g_threads{DefaultThreads()};

constexpr int64_t kElementGrain = 1 << 15;  // elementwise work below this stays on one thread
constexpr int64_t kSumBlock = 1 << 14;      // fixed blocks keep sums independent of thread count
constexpr float kSqrt2OverPi = 0.7978845608028654f;

template <typename Body>
void ForElements(int64_t n, Body&& body) {
  ParallelFor(n, Threads(), kElementGrain, [&](int64_t lo, int64_t hi, int) {
    for (int64_t i = lo; i < hi; ++i) body(i);
  });
}

template <typename Body>
void ForRows(int64_t rows, int64_t cols, Body&& body) {
  int64_t grain = std::max<int64_t>(1, kElementGrain / std::max<int64_t>(cols, 1));
  ParallelFor(rows, Threads(), grain, [&](int64_t lo, int64_t hi, int) {
    for (int64_t r = lo; r < hi; ++r) body(r);
  });
}

float UnaryValue(UnaryKind op, float x, float alpha) {
  switch (op) {
    case UnaryKind::kRelu:
      return x > 0 ? x : 0.0f;
    case UnaryKind::kLeakyRelu:
      return x > 0 ? x : alpha * x;
    case UnaryKind::kGelu:
      return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
    case UnaryKind::kSigmoid:
      return 1.0f / (1.0f + std::exp(-x));
    case UnaryKind::kTanh:
      return std::tanh(x);
    case UnaryKind::kExp:
      return std::exp(x);
    case UnaryKind::kLog:
      return std::log(x);
    case UnaryKind::kNeg:
      return -x;
  }
  return 0.0f;
}

float UnaryDerivative(UnaryKind op, float x, float y, float alpha) {
  switch (op) {
    case UnaryKind::kRelu:
      return x > 0 ? 1.0f : 0.0f;
    case UnaryKind::kLeakyRelu:
      return x > 0 ? 1.0f : alpha;
    case UnaryKind::kGelu: {
      float t = std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x));
      float du = kSqrt2OverPi * (1.0f + 3.0f * 0.044715f * x * x);
      return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * du;
    }
    case UnaryKind::kSigmoid:
      return y * (1.0f - y);
    case UnaryKind::kTanh:
      return 1.0f - y * y;
    case UnaryKind::kExp:
      return y;
    case UnaryKind::kLog:
      return 1.0f / x;
    case UnaryKind::kNeg:
      return -1.0f;
  }
  return 0.0f;
}

// The dropout hash every backend shares (see src/gnn/backend.ts dropoutKeep).
bool DropoutKeep(uint32_t seed, uint32_t i, double p) {
  uint32_t x = seed ^ (i * 0x9e3779b9u);
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return static_cast<double>(x >> 8) / 16777216.0 >= p;  // exact, as in JS
}

}  // namespace

int Threads() {
  return g_threads.load();
}

void SetThreads(int threads) {
  g_threads.store(std::max(1, threads));
#ifndef PREQUEL_ACCELERATE
  openblas_set_num_threads(std::max(1, threads));
#endif
}

void Matmul(const float* a, int64_t a_rows, int64_t a_cols, bool trans_a, const float* b,
            int64_t b_rows, int64_t b_cols, bool trans_b, float* c) {
  int64_t m = trans_a ? a_cols : a_rows;
  int64_t k = trans_a ? a_rows : a_cols;
  int64_t n = trans_b ? b_rows : b_cols;
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::fill(c, c + m * n, 0.0f);
    return;
  }
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
              static_cast<int>(k), 1.0f, a, static_cast<int>(a_cols), b, static_cast<int>(b_cols),
              0.0f, c, static_cast<int>(n));
}

void Binary(BinaryKind op, const float* a, int64_t n, const float* b, int64_t b_len, int64_t cols,
            float* out) {
  auto apply = [op](float x, float y) {
    switch (op) {
      case BinaryKind::kAdd:
        return x + y;
      case BinaryKind::kSub:
        return x - y;
      case BinaryKind::kMul:
        return x * y;
      case BinaryKind::kDiv:
        return x / y;
    }
    return 0.0f;
  };
  if (b_len == n) {
    ForElements(n, [&](int64_t i) { out[i] = apply(a[i], b[i]); });
  } else if (b_len == 1) {
    float s = b[0];
    ForElements(n, [&](int64_t i) { out[i] = apply(a[i], s); });
  } else {
    ForRows(n / cols, cols, [&](int64_t r) {
      for (int64_t c = 0; c < cols; ++c) out[r * cols + c] = apply(a[r * cols + c], b[c]);
    });
  }
}

void SumRows(const float* a, int64_t rows, int64_t cols, float* out) {
  // Column strips per thread: each thread owns whole output columns, rows summed in order.
  ParallelFor(cols, Threads(), 16, [&](int64_t lo, int64_t hi, int) {
    std::vector<double> acc(hi - lo, 0.0);
    for (int64_t r = 0; r < rows; ++r) {
      const float* row = a + r * cols;
      for (int64_t c = lo; c < hi; ++c) acc[c - lo] += row[c];
    }
    for (int64_t c = lo; c < hi; ++c) out[c] = static_cast<float>(acc[c - lo]);
  });
}

void Unary(UnaryKind op, const float* x, int64_t n, float alpha, float* y) {
  ForElements(n, [&](int64_t i) { y[i] = UnaryValue(op, x[i], alpha); });
}

void UnaryBackward(UnaryKind op, const float* x, const float* y, const float* dy, int64_t n,
                   float alpha, float* dx) {
  ForElements(n, [&](int64_t i) { dx[i] = dy[i] * UnaryDerivative(op, x[i], y[i], alpha); });
}

void Scale(const float* x, int64_t n, float factor, float* y) {
  ForElements(n, [&](int64_t i) { y[i] = x[i] * factor; });
}

void Dropout(const float* x, int64_t n, double p, uint32_t seed, float* y, float* mask) {
  float keep = static_cast<float>(1.0 / (1.0 - p));
  ForElements(n, [&](int64_t i) {
    mask[i] = DropoutKeep(seed, static_cast<uint32_t>(i), p) ? keep : 0.0f;
    y[i] = x[i] * mask[i];
  });
}

void LayerNorm(const float* x, const float* gamma, const float* beta, int64_t rows, int64_t cols,
               float eps, float* y, float* mean, float* rstd) {
  ForRows(rows, cols, [&](int64_t r) {
    const float* xr = x + r * cols;
    double mu = 0;
    for (int64_t c = 0; c < cols; ++c) mu += xr[c];
    mu /= static_cast<double>(cols);
    double var = 0;
    for (int64_t c = 0; c < cols; ++c) var += (xr[c] - mu) * (xr[c] - mu);
    float rs = static_cast<float>(1.0 / std::sqrt(var / static_cast<double>(cols) + eps));
    mean[r] = static_cast<float>(mu);
    rstd[r] = rs;
    for (int64_t c = 0; c < cols; ++c) {
      y[r * cols + c] = (xr[c] - mean[r]) * rs * gamma[c] + beta[c];
    }
  });
}

void LayerNormBackward(const float* x, const float* gamma, const float* mean, const float* rstd,
                       const float* dy, int64_t rows, int64_t cols, float* dx, float* dgamma,
                       float* dbeta) {
  ForRows(rows, cols, [&](int64_t r) {
    double sum_g = 0, sum_gx = 0;
    for (int64_t c = 0; c < cols; ++c) {
      int64_t i = r * cols + c;
      float xhat = (x[i] - mean[r]) * rstd[r];
      float g = dy[i] * gamma[c];
      sum_g += g;
      sum_gx += g * xhat;
    }
    float mg = static_cast<float>(sum_g / cols);
    float mgx = static_cast<float>(sum_gx / cols);
    for (int64_t c = 0; c < cols; ++c) {
      int64_t i = r * cols + c;
      float xhat = (x[i] - mean[r]) * rstd[r];
      dx[i] = rstd[r] * (dy[i] * gamma[c] - mg - xhat * mgx);
    }
  });

  // dgamma and dbeta: column strips, rows in order.
  ParallelFor(cols, Threads(), 16, [&](int64_t lo, int64_t hi, int) {
    std::vector<double> dg(hi - lo, 0.0), db(hi - lo, 0.0);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = lo; c < hi; ++c) {
        int64_t i = r * cols + c;
        dg[c - lo] += dy[i] * (x[i] - mean[r]) * rstd[r];
        db[c - lo] += dy[i];
      }
    }
    for (int64_t c = lo; c < hi; ++c) {
      dgamma[c] = static_cast<float>(dg[c - lo]);
      dbeta[c] = static_cast<float>(db[c - lo]);
    }
  });
}

void ConcatCols(const std::vector<const float*>& parts, const std::vector<int64_t>& cols,
                int64_t rows, float* out) {
  int64_t total = 0;
  for (int64_t c : cols) total += c;
  ForRows(rows, total, [&](int64_t r) {
    float* dst = out + r * total;
    for (size_t p = 0; p < parts.size(); ++p) {
      std::memcpy(dst, parts[p] + r * cols[p], sizeof(float) * cols[p]);
      dst += cols[p];
    }
  });
}

void SliceCols(const float* x, int64_t rows, int64_t cols, int64_t start, int64_t end, float* out) {
  int64_t width = end - start;
  ForRows(rows, width, [&](int64_t r) {
    std::memcpy(out + r * width, x + r * cols + start, sizeof(float) * width);
  });
}

void Softmax(const float* x, int64_t rows, int64_t cols, bool log, float* y) {
  ForRows(rows, cols, [&](int64_t r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float max = -INFINITY;
    for (int64_t c = 0; c < cols; ++c) max = std::max(max, xr[c]);
    double sum = 0;
    for (int64_t c = 0; c < cols; ++c) sum += std::exp(static_cast<double>(xr[c] - max));
    float log_sum = static_cast<float>(std::log(sum));
    float inv = static_cast<float>(1.0 / sum);
    for (int64_t c = 0; c < cols; ++c) {
      float z = xr[c] - max;
      yr[c] = log ? z - log_sum : std::exp(z) * inv;
    }
  });
}

void SoftmaxBackward(const float* y, const float* dy, int64_t rows, int64_t cols, bool log,
                     float* dx) {
  ForRows(rows, cols, [&](int64_t r) {
    int64_t base = r * cols;
    double dot = 0;
    for (int64_t c = 0; c < cols; ++c) dot += log ? dy[base + c] : dy[base + c] * y[base + c];
    float d = static_cast<float>(dot);
    for (int64_t c = 0; c < cols; ++c) {
      int64_t i = base + c;
      dx[i] = log ? dy[i] - std::exp(y[i]) * d : y[i] * (dy[i] - d);
    }
  });
}

double SumAll(const float* x, int64_t n, bool squares) {
  int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
  std::vector<double> partial(blocks, 0.0);
  ParallelFor(blocks, Threads(), 4, [&](int64_t lo, int64_t hi, int) {
    for (int64_t b = lo; b < hi; ++b) {
      double acc = 0;
      int64_t end = std::min(n, (b + 1) * kSumBlock);
      for (int64_t i = b * kSumBlock; i < end; ++i) acc += squares ? double(x[i]) * x[i] : x[i];
      partial[b] = acc;
    }
  });
  double total = 0;
  for (double p : partial) total += p;
  return total;
}

void AdamStep(float* param, const float* grad, float* m, float* v, int64_t n, const AdamConfig& k) {
  float c1 = static_cast<float>(1.0 - std::pow(static_cast<double>(k.beta1), k.step));
  float c2 = static_cast<float>(1.0 - std::pow(static_cast<double>(k.beta2), k.step));
  ForElements(n, [&](int64_t i) {
    float g = grad[i];
    if (k.decoupled) {
      param[i] -= k.lr * k.weight_decay * param[i];
    } else {
      g += k.weight_decay * param[i];
    }
    m[i] = k.beta1 * m[i] + (1.0f - k.beta1) * g;
    v[i] = k.beta2 * v[i] + (1.0f - k.beta2) * g * g;
    param[i] -= k.lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + k.eps);
  });
}

}  // namespace prequel::compute
