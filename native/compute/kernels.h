// SPDX-License-Identifier: Apache-2.0
// CPU compute kernels over raw float32 / int32 memory. Every kernel writes a fresh output the
// caller allocated; none keeps pointers after returning. Dense products go to BLAS; the graph
// kernels are ours, parallel over output rows with ParallelFor, and deterministic: results do not
// depend on the thread count (reductions merge fixed-size blocks in a fixed order, scatters run
// over a transposed CSR built by a stable counting sort).
#pragma once

#include <cstdint>
#include <vector>

namespace prequel::compute {

enum class BinaryKind { kAdd, kSub, kMul, kDiv };
enum class UnaryKind { kRelu, kLeakyRelu, kGelu, kSigmoid, kTanh, kExp, kLog, kNeg };
enum class ReduceKind { kSum, kMean, kMax };
enum class LossKind { kBceLogits, kMse, kL1, kHuber };

struct AdamConfig {
  float lr, beta1, beta2, eps, weight_decay;
  bool decoupled;
  int64_t step;
};

// Threads used by the graph kernels and BLAS.
int Threads();
void SetThreads(int threads);

// c[m, n] = op(a) @ op(b); a is stored [a_rows, a_cols], b is stored [b_rows, b_cols].
void Matmul(const float* a, int64_t a_rows, int64_t a_cols, bool trans_a, const float* b,
            int64_t b_rows, int64_t b_cols, bool trans_b, float* c);

// out = a (op) b where b has n, cols (row broadcast) or 1 elements.
void Binary(BinaryKind op, const float* a, int64_t n, const float* b, int64_t b_len, int64_t cols,
            float* out);
// out[cols] = sum over rows of a.
void SumRows(const float* a, int64_t rows, int64_t cols, float* out);
void Unary(UnaryKind op, const float* x, int64_t n, float alpha, float* y);
void UnaryBackward(UnaryKind op, const float* x, const float* y, const float* dy, int64_t n,
                   float alpha, float* dx);
void Scale(const float* x, int64_t n, float factor, float* y);
void Dropout(const float* x, int64_t n, double p, uint32_t seed, float* y, float* mask);

void LayerNorm(const float* x, const float* gamma, const float* beta, int64_t rows, int64_t cols,
               float eps, float* y, float* mean, float* rstd);
void LayerNormBackward(const float* x, const float* gamma, const float* mean, const float* rstd,
                       const float* dy, int64_t rows, int64_t cols, float* dx, float* dgamma,
                       float* dbeta);
void ConcatCols(const std::vector<const float*>& parts, const std::vector<int64_t>& cols,
                int64_t rows, float* out);
void SliceCols(const float* x, int64_t rows, int64_t cols, int64_t start, int64_t end, float* out);

// out[i] = x[index[i]]; throws GNN_INDEX_RANGE naming `op` for an index outside [0, num_rows).
void GatherRows(const char* op, const float* x, int64_t cols, const int32_t* index, int64_t n,
                int64_t num_rows, float* out);
// out[index[i]] += dy[i] over out_rows rows (out is overwritten).
void ScatterAddRows(const float* dy, int64_t cols, const int32_t* index, int64_t n,
                    int64_t out_rows, float* out);

// Checks rowptr (monotone, within `entries`) and col (within x_rows); throws GNN_INDEX_RANGE.
void CheckCsr(const char* op, const int32_t* rowptr, int64_t num_groups, const int32_t* col,
              int64_t entries, int64_t x_rows);
void SegmentReduce(ReduceKind op, const float* x, int64_t cols, const int32_t* rowptr,
                   const int32_t* col, int64_t num_groups, float* y, int32_t* argmax);
void SegmentReduceBackward(ReduceKind op, const float* dy, int64_t cols, const int32_t* rowptr,
                           const int32_t* col, int64_t num_groups, const int32_t* argmax,
                           int64_t x_rows, float* dx);

void Softmax(const float* x, int64_t rows, int64_t cols, bool log, float* y);
void SoftmaxBackward(const float* y, const float* dy, int64_t rows, int64_t cols, bool log,
                     float* dx);
void Loss(LossKind kind, const float* pred, const float* target, int64_t n, float param,
          float* out);
void LossBackward(LossKind kind, const float* pred, const float* target, int64_t n, float param,
                  const float* dloss, float* dx);
void CrossEntropy(const float* logits, const int32_t* labels, int64_t rows, int64_t cols,
                  float* out);
void CrossEntropyBackward(const float* logits, const int32_t* labels, int64_t rows, int64_t cols,
                          const float* dloss, float* dx);

// Sum (or sum of squares) of x, accumulated in double over fixed blocks.
double SumAll(const float* x, int64_t n, bool squares);
void AdamStep(float* param, const float* grad, float* m, float* v, int64_t n,
              const AdamConfig& config);

}  // namespace prequel::compute
