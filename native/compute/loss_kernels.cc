// SPDX-License-Identifier: Apache-2.0
// Element losses and row-wise cross-entropy, with their gradients. Parallel over elements or rows;
// every thread writes only its own range.
#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "common/parallel.h"
#include "compute/kernels.h"

namespace prequel::compute {

namespace {

constexpr int64_t kGrain = 1 << 14;

// log(1 + exp(x)) without overflow.
float Softplus(float x) {
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

float Sign(float x) {
  return x > 0 ? 1.0f : (x < 0 ? -1.0f : 0.0f);
}

float LossValue(LossKind kind, float p, float t, float param) {
  switch (kind) {
    case LossKind::kBceLogits:
      return param * t * Softplus(-p) + (1.0f - t) * Softplus(p);
    case LossKind::kMse:
      return (p - t) * (p - t);
    case LossKind::kL1:
      return std::fabs(p - t);
    case LossKind::kHuber: {
      float d = std::fabs(p - t);
      return d <= param ? 0.5f * d * d : param * (d - 0.5f * param);
    }
  }
  return 0.0f;
}

float LossDerivative(LossKind kind, float p, float t, float param) {
  switch (kind) {
    case LossKind::kBceLogits: {
      float s = 1.0f / (1.0f + std::exp(-p));
      return param * t * (s - 1.0f) + (1.0f - t) * s;
    }
    case LossKind::kMse:
      return 2.0f * (p - t);
    case LossKind::kL1:
      return Sign(p - t);
    case LossKind::kHuber: {
      float d = p - t;
      return std::fabs(d) <= param ? d : param * Sign(d);
    }
  }
  return 0.0f;
}

void CheckLabels(const char* op, const int32_t* labels, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    if (labels[r] < 0 || labels[r] >= cols) {
      Fail("GNN_INDEX_RANGE", op, ": labels[", r, "] = ", labels[r], ", classes ", cols);
    }
  }
}

}  // namespace

void Loss(LossKind kind, const float* pred, const float* target, int64_t n, float param,
          float* out) {
  ParallelFor(n, Threads(), kGrain, [&](int64_t lo, int64_t hi, int) {
    for (int64_t i = lo; i < hi; ++i) out[i] = LossValue(kind, pred[i], target[i], param);
  });
}

void LossBackward(LossKind kind, const float* pred, const float* target, int64_t n, float param,
                  const float* dloss, float* dx) {
  ParallelFor(n, Threads(), kGrain, [&](int64_t lo, int64_t hi, int) {
    for (int64_t i = lo; i < hi; ++i) {
      dx[i] = dloss[i] * LossDerivative(kind, pred[i], target[i], param);
    }
  });
}

void CrossEntropy(const float* logits, const int32_t* labels, int64_t rows, int64_t cols,
                  float* out) {
  CheckLabels("crossEntropy", labels, rows, cols);
  ParallelFor(rows, Threads(), 256, [&](int64_t lo, int64_t hi, int) {
    for (int64_t r = lo; r < hi; ++r) {
      const float* x = logits + r * cols;
      float max = *std::max_element(x, x + cols);
      double sum = 0;
      for (int64_t c = 0; c < cols; ++c) sum += std::exp(static_cast<double>(x[c] - max));
      out[r] = static_cast<float>(std::log(sum)) + max - x[labels[r]];
    }
  });
}

void CrossEntropyBackward(const float* logits, const int32_t* labels, int64_t rows, int64_t cols,
                          const float* dloss, float* dx) {
  CheckLabels("crossEntropyBackward", labels, rows, cols);
  ParallelFor(rows, Threads(), 256, [&](int64_t lo, int64_t hi, int) {
    for (int64_t r = lo; r < hi; ++r) {
      const float* x = logits + r * cols;
      float* d = dx + r * cols;
      float max = *std::max_element(x, x + cols);
      double sum = 0;
      for (int64_t c = 0; c < cols; ++c) sum += std::exp(static_cast<double>(x[c] - max));
      float inv = static_cast<float>(1.0 / sum);
      for (int64_t c = 0; c < cols; ++c) {
        float p = std::exp(x[c] - max) * inv;
        d[c] = (p - (c == labels[r] ? 1.0f : 0.0f)) * dloss[r];
      }
    }
  });
}

}  // namespace prequel::compute
