// SPDX-License-Identifier: Apache-2.0
// Kernel entry points of the compute binding. Each reads and checks its arguments on the JS
// thread, allocates its outputs, submits the kernel to the stream and returns the output handles
// at once; the stream runs it inline (small) or on its worker (large).
#include <vector>

#include "compute/entry.h"
#include "compute/kernels.h"

namespace prequel::compute {

namespace {

Napi::Object Pair(Napi::Env env, const char* k1, Napi::Value v1, const char* k2, Napi::Value v2) {
  Napi::Object o = Napi::Object::New(env);
  o.Set(k1, v1);
  o.Set(k2, v2);
  return o;
}

// computeMatmul(a, aRows, aCols, transA, b, bRows, bCols, transB)
Napi::Value MatmulEntry(const Napi::CallbackInfo& info) {
  int64_t ar = SizeArg(info, 1, "aRows"), ac = SizeArg(info, 2, "aCols");
  int64_t br = SizeArg(info, 5, "bRows"), bc = SizeArg(info, 6, "bCols");
  bool ta = BoolArg(info, 3, "transA"), tb = BoolArg(info, 7, "transB");
  BufferPtr a = FloatArg(info, 0, "a", ar * ac);
  BufferPtr b = FloatArg(info, 4, "b", br * bc);
  int64_t m = ta ? ac : ar, k = ta ? ar : ac, k2 = tb ? bc : br, n = tb ? br : bc;
  if (k != k2) Fail("GNN_SHAPE_MISMATCH", "matmul: inner sizes ", k, " and ", k2, " differ");
  BufferPtr c = NewFloat(m * n);
  Context(info).stream.Submit([=] { Matmul(a->f(), ar, ac, ta, b->f(), br, bc, tb, c->f()); },
                              m * n + m * k + k * n);
  return Wrap(info.Env(), c);
}

// computeBinary(op, a, b, rows, cols)
Napi::Value BinaryEntry(const Napi::CallbackInfo& info) {
  auto op = EnumArg<BinaryKind>(info, 0, "op", 4);
  int64_t rows = SizeArg(info, 3, "rows"), cols = SizeArg(info, 4, "cols");
  BufferPtr a = FloatArg(info, 1, "a", rows * cols);
  BufferPtr b = FloatArg(info, 2, "b");
  int64_t n = rows * cols, bl = b->length();
  if (bl != n && bl != cols && bl != 1) {
    Fail("GNN_SHAPE_MISMATCH", "binary: b has ", bl, " elements for a [", rows, ", ", cols, "]");
  }
  BufferPtr y = NewFloat(n);
  Context(info).stream.Submit([=] { Binary(op, a->f(), n, b->f(), bl, cols, y->f()); }, n);
  return Wrap(info.Env(), y);
}

// computeSumRows(a, rows, cols)
Napi::Value SumRowsEntry(const Napi::CallbackInfo& info) {
  int64_t rows = SizeArg(info, 1, "rows"), cols = SizeArg(info, 2, "cols");
  BufferPtr a = FloatArg(info, 0, "a", rows * cols);
  BufferPtr y = NewFloat(cols);
  Context(info).stream.Submit([=] { SumRows(a->f(), rows, cols, y->f()); }, rows * cols);
  return Wrap(info.Env(), y);
}

// computeUnary(op, x, alpha)
Napi::Value UnaryEntry(const Napi::CallbackInfo& info) {
  auto op = EnumArg<UnaryKind>(info, 0, "op", 8);
  BufferPtr x = FloatArg(info, 1, "x");
  float alpha = FloatValueArg(info, 2, "alpha");
  BufferPtr y = NewFloat(x->length());
  Context(info).stream.Submit([=] { Unary(op, x->f(), x->length(), alpha, y->f()); }, x->length());
  return Wrap(info.Env(), y);
}

// computeUnaryBackward(op, x, y, dy, alpha)
Napi::Value UnaryBackwardEntry(const Napi::CallbackInfo& info) {
  auto op = EnumArg<UnaryKind>(info, 0, "op", 8);
  BufferPtr x = FloatArg(info, 1, "x");
  BufferPtr y = FloatArg(info, 2, "y", x->length());
  BufferPtr dy = FloatArg(info, 3, "dy", x->length());
  float alpha = FloatValueArg(info, 4, "alpha");
  BufferPtr dx = NewFloat(x->length());
  Context(info).stream.Submit(
      [=] { UnaryBackward(op, x->f(), y->f(), dy->f(), x->length(), alpha, dx->f()); },
      x->length());
  return Wrap(info.Env(), dx);
}

// computeScale(x, factor)
Napi::Value ScaleEntry(const Napi::CallbackInfo& info) {
  BufferPtr x = FloatArg(info, 0, "x");
  float factor = FloatValueArg(info, 1, "factor");
  BufferPtr y = NewFloat(x->length());
  Context(info).stream.Submit([=] { Scale(x->f(), x->length(), factor, y->f()); }, x->length());
  return Wrap(info.Env(), y);
}

// computeDropout(x, p, seed): { y, mask }
Napi::Value DropoutEntry(const Napi::CallbackInfo& info) {
  BufferPtr x = FloatArg(info, 0, "x");
  if (!info[1].IsNumber()) Fail("NATIVE_BAD_ARGUMENT", "p: expected a number");
  double p = info[1].As<Napi::Number>().DoubleValue();
  if (!(p >= 0 && p < 1)) Fail("NATIVE_BAD_ARGUMENT", "p: expected [0, 1), got ", p);
  auto seed = static_cast<uint32_t>(IntegerArg(info[2], "seed"));
  BufferPtr y = NewFloat(x->length()), mask = NewFloat(x->length());
  Context(info).stream.Submit([=] { Dropout(x->f(), x->length(), p, seed, y->f(), mask->f()); },
                              x->length());
  return Pair(info.Env(), "y", Wrap(info.Env(), y), "mask", Wrap(info.Env(), mask));
}

// computeLayerNorm(x, gamma, beta, rows, cols, eps): { y, mean, rstd }
Napi::Value LayerNormEntry(const Napi::CallbackInfo& info) {
  int64_t rows = SizeArg(info, 3, "rows"), cols = SizeArg(info, 4, "cols");
  BufferPtr x = FloatArg(info, 0, "x", rows * cols);
  BufferPtr gamma = FloatArg(info, 1, "gamma", cols), beta = FloatArg(info, 2, "beta", cols);
  float eps = FloatValueArg(info, 5, "eps");
  BufferPtr y = NewFloat(rows * cols), mean = NewFloat(rows), rstd = NewFloat(rows);
  Context(info).stream.Submit(
      [=] {
        LayerNorm(x->f(), gamma->f(), beta->f(), rows, cols, eps, y->f(), mean->f(), rstd->f());
      },
      rows * cols);
  Napi::Object o = Pair(info.Env(), "y", Wrap(info.Env(), y), "mean", Wrap(info.Env(), mean));
  o.Set("rstd", Wrap(info.Env(), rstd));
  return o;
}

// computeLayerNormBackward(x, gamma, mean, rstd, dy, rows, cols): { dx, dgamma, dbeta }
Napi::Value LayerNormBackwardEntry(const Napi::CallbackInfo& info) {
  int64_t rows = SizeArg(info, 5, "rows"), cols = SizeArg(info, 6, "cols");
  BufferPtr x = FloatArg(info, 0, "x", rows * cols), gamma = FloatArg(info, 1, "gamma", cols);
  BufferPtr mean = FloatArg(info, 2, "mean", rows), rstd = FloatArg(info, 3, "rstd", rows);
  BufferPtr dy = FloatArg(info, 4, "dy", rows * cols);
  BufferPtr dx = NewFloat(rows * cols), dgamma = NewFloat(cols), dbeta = NewFloat(cols);
  Context(info).stream.Submit(
      [=] {
        LayerNormBackward(x->f(), gamma->f(), mean->f(), rstd->f(), dy->f(), rows, cols, dx->f(),
                          dgamma->f(), dbeta->f());
      },
      rows * cols);
  Napi::Object o = Pair(info.Env(), "dx", Wrap(info.Env(), dx), "dgamma", Wrap(info.Env(), dgamma));
  o.Set("dbeta", Wrap(info.Env(), dbeta));
  return o;
}

// computeConcatCols(parts: buffer[], cols: number[], rows)
Napi::Value ConcatColsEntry(const Napi::CallbackInfo& info) {
  if (!info[0].IsArray() || !info[1].IsArray()) {
    Fail("NATIVE_BAD_ARGUMENT", "parts, cols: expected two arrays");
  }
  auto parts = info[0].As<Napi::Array>();
  auto widths = info[1].As<Napi::Array>();
  int64_t rows = SizeArg(info, 2, "rows");
  if (parts.Length() != widths.Length()) Fail("NATIVE_BAD_ARGUMENT", "cols: one width per part");
  std::vector<BufferPtr> held;
  std::vector<int64_t> cols;
  int64_t total = 0;
  for (uint32_t p = 0; p < parts.Length(); ++p) {
    int64_t w = IntegerArg(widths.Get(p), "cols[]");
    BufferPtr b = UnwrapHandle<Buffer>(info.Env(), parts.Get(p), "parts[]");
    if (b->dtype() != DType::kFloat32 || b->length() != rows * w) {
      Fail("GNN_SHAPE_MISMATCH", "concatCols: part ", p, " has ", b->length(), " elements, not ",
           rows, " x ", w);
    }
    held.push_back(b);
    cols.push_back(w);
    total += w;
  }
  BufferPtr y = NewFloat(rows * total);
  Context(info).stream.Submit(
      [=] {
        std::vector<const float*> ptrs;
        for (const auto& b : held) ptrs.push_back(b->f());
        ConcatCols(ptrs, cols, rows, y->f());
      },
      rows * total);
  return Wrap(info.Env(), y);
}

// computeSliceCols(x, rows, cols, start, end)
Napi::Value SliceColsEntry(const Napi::CallbackInfo& info) {
  int64_t rows = SizeArg(info, 1, "rows"), cols = SizeArg(info, 2, "cols");
  int64_t start = SizeArg(info, 3, "start"), end = SizeArg(info, 4, "end");
  if (start > end || end > cols) Fail("GNN_SHAPE_MISMATCH", "sliceCols: [", start, ", ", end, ")");
  BufferPtr x = FloatArg(info, 0, "x", rows * cols);
  BufferPtr y = NewFloat(rows * (end - start));
  Context(info).stream.Submit([=] { SliceCols(x->f(), rows, cols, start, end, y->f()); },
                              rows * (end - start));
  return Wrap(info.Env(), y);
}

// computeGatherRows(x, cols, index, numRows)
Napi::Value GatherRowsEntry(const Napi::CallbackInfo& info) {
  int64_t cols = SizeArg(info, 1, "cols"), num_rows = SizeArg(info, 3, "numRows");
  BufferPtr x = FloatArg(info, 0, "x", num_rows * cols);
  BufferPtr index = IndexArg(info, 2, "index");
  int64_t n = index->length();
  BufferPtr y = NewFloat(n * cols);
  Context(info).stream.Submit(
      [=] { GatherRows("gatherRows", x->f(), cols, index->i(), n, num_rows, y->f()); }, n * cols);
  return Wrap(info.Env(), y);
}

// computeScatterAddRows(dy, cols, index, outRows)
Napi::Value ScatterAddRowsEntry(const Napi::CallbackInfo& info) {
  int64_t cols = SizeArg(info, 1, "cols"), out_rows = SizeArg(info, 3, "outRows");
  BufferPtr index = IndexArg(info, 2, "index");
  int64_t n = index->length();
  BufferPtr dy = FloatArg(info, 0, "dy", n * cols);
  BufferPtr y = NewFloat(out_rows * cols);
  Context(info).stream.Submit(
      [=] { ScatterAddRows(dy->f(), cols, index->i(), n, out_rows, y->f()); },
      (n + out_rows) * cols);
  return Wrap(info.Env(), y);
}

// computeSegmentReduce(op, x, cols, rowptr, col | null, numGroups): { y, argmax | null }
Napi::Value SegmentReduceEntry(const Napi::CallbackInfo& info) {
  auto op = EnumArg<ReduceKind>(info, 0, "op", 3);
  BufferPtr x = FloatArg(info, 1, "x");
  int64_t cols = SizeArg(info, 2, "cols"), groups = SizeArg(info, 5, "numGroups");
  BufferPtr rowptr = IndexArg(info, 3, "rowptr", groups + 1);
  BufferPtr col = OptionalIndexArg(info, 4, "col");
  int64_t x_rows = cols > 0 ? x->length() / cols : 0;
  BufferPtr y = NewFloat(groups * cols);
  BufferPtr argmax;
  if (op == ReduceKind::kMax) argmax = std::make_shared<Buffer>(DType::kInt32, groups * cols);
  int64_t entries = col ? col->length() : x_rows;
  Context(info).stream.Submit(
      [=] {
        const int32_t* c = col ? col->i() : nullptr;
        CheckCsr("segmentReduce", rowptr->i(), groups, c, entries, x_rows);
        SegmentReduce(op, x->f(), cols, rowptr->i(), c, groups, y->f(),
                      argmax ? argmax->i() : nullptr);
      },
      (groups + entries) * cols);
  Napi::Env env = info.Env();
  return Pair(env, "y", Wrap(env, y), "argmax",
              argmax ? Napi::Value(Wrap(env, argmax)) : env.Null());
}

// computeSegmentReduceBackward(op, dy, cols, rowptr, col | null, numGroups, argmax | null, xRows)
Napi::Value SegmentReduceBackwardEntry(const Napi::CallbackInfo& info) {
  auto op = EnumArg<ReduceKind>(info, 0, "op", 3);
  int64_t cols = SizeArg(info, 2, "cols"), groups = SizeArg(info, 5, "numGroups");
  int64_t x_rows = SizeArg(info, 7, "xRows");
  BufferPtr dy = FloatArg(info, 1, "dy", groups * cols);
  BufferPtr rowptr = IndexArg(info, 3, "rowptr", groups + 1);
  BufferPtr col = OptionalIndexArg(info, 4, "col");
  BufferPtr argmax = OptionalIndexArg(info, 6, "argmax");
  if (op == ReduceKind::kMax && (!argmax || argmax->length() != groups * cols)) {
    Fail("GNN_SHAPE_MISMATCH", "segmentReduceBackward: max needs the forward argmax [", groups,
         ", ", cols, "]");
  }
  int64_t entries = col ? col->length() : x_rows;
  BufferPtr dx = NewFloat(x_rows * cols);
  Context(info).stream.Submit(
      [=] {
        const int32_t* c = col ? col->i() : nullptr;
        CheckCsr("segmentReduceBackward", rowptr->i(), groups, c, entries, x_rows);
        SegmentReduceBackward(op, dy->f(), cols, rowptr->i(), c, groups,
                              argmax ? argmax->i() : nullptr, x_rows, dx->f());
      },
      (x_rows + entries) * cols);
  return Wrap(info.Env(), dx);
}

// computeSoftmax(x, rows, cols, log)
Napi::Value SoftmaxEntry(const Napi::CallbackInfo& info) {
  int64_t rows = SizeArg(info, 1, "rows"), cols = SizeArg(info, 2, "cols");
  BufferPtr x = FloatArg(info, 0, "x", rows * cols);
  bool log = BoolArg(info, 3, "log");
  BufferPtr y = NewFloat(rows * cols);
  Context(info).stream.Submit([=] { Softmax(x->f(), rows, cols, log, y->f()); }, rows * cols);
  return Wrap(info.Env(), y);
}

// computeSoftmaxBackward(y, dy, rows, cols, log)
Napi::Value SoftmaxBackwardEntry(const Napi::CallbackInfo& info) {
  int64_t rows = SizeArg(info, 2, "rows"), cols = SizeArg(info, 3, "cols");
  BufferPtr y = FloatArg(info, 0, "y", rows * cols), dy = FloatArg(info, 1, "dy", rows * cols);
  bool log = BoolArg(info, 4, "log");
  BufferPtr dx = NewFloat(rows * cols);
  Context(info).stream.Submit([=] { SoftmaxBackward(y->f(), dy->f(), rows, cols, log, dx->f()); },
                              rows * cols);
  return Wrap(info.Env(), dx);
}

// computeLoss(kind, pred, target, param)
Napi::Value LossEntry(const Napi::CallbackInfo& info) {
  auto kind = EnumArg<LossKind>(info, 0, "kind", 4);
  BufferPtr pred = FloatArg(info, 1, "pred");
  BufferPtr target = FloatArg(info, 2, "target", pred->length());
  float param = FloatValueArg(info, 3, "param");
  BufferPtr y = NewFloat(pred->length());
  Context(info).stream.Submit(
      [=] { Loss(kind, pred->f(), target->f(), pred->length(), param, y->f()); }, pred->length());
  return Wrap(info.Env(), y);
}

// computeLossBackward(kind, pred, target, param, dloss)
Napi::Value LossBackwardEntry(const Napi::CallbackInfo& info) {
  auto kind = EnumArg<LossKind>(info, 0, "kind", 4);
  BufferPtr pred = FloatArg(info, 1, "pred");
  int64_t n = pred->length();
  BufferPtr target = FloatArg(info, 2, "target", n);
  float param = FloatValueArg(info, 3, "param");
  BufferPtr dloss = FloatArg(info, 4, "dloss", n);
  BufferPtr dx = NewFloat(n);
  Context(info).stream.Submit(
      [=] { LossBackward(kind, pred->f(), target->f(), n, param, dloss->f(), dx->f()); }, n);
  return Wrap(info.Env(), dx);
}

// computeCrossEntropy(logits, labels, rows, cols)
Napi::Value CrossEntropyEntry(const Napi::CallbackInfo& info) {
  int64_t rows = SizeArg(info, 2, "rows"), cols = SizeArg(info, 3, "cols");
  BufferPtr logits = FloatArg(info, 0, "logits", rows * cols);
  BufferPtr labels = IndexArg(info, 1, "labels", rows);
  BufferPtr y = NewFloat(rows);
  Context(info).stream.Submit([=] { CrossEntropy(logits->f(), labels->i(), rows, cols, y->f()); },
                              rows * cols);
  return Wrap(info.Env(), y);
}

// computeCrossEntropyBackward(logits, labels, rows, cols, dloss)
Napi::Value CrossEntropyBackwardEntry(const Napi::CallbackInfo& info) {
  int64_t rows = SizeArg(info, 2, "rows"), cols = SizeArg(info, 3, "cols");
  BufferPtr logits = FloatArg(info, 0, "logits", rows * cols);
  BufferPtr labels = IndexArg(info, 1, "labels", rows);
  BufferPtr dloss = FloatArg(info, 4, "dloss", rows);
  BufferPtr dx = NewFloat(rows * cols);
  Context(info).stream.Submit(
      [=] { CrossEntropyBackward(logits->f(), labels->i(), rows, cols, dloss->f(), dx->f()); },
      rows * cols);
  return Wrap(info.Env(), dx);
}

// computeSumAll(x, squares): a one-element buffer holding the sum (of squares).
Napi::Value SumAllEntry(const Napi::CallbackInfo& info) {
  BufferPtr x = FloatArg(info, 0, "x");
  bool squares = BoolArg(info, 1, "squares");
  BufferPtr y = NewFloat(1);
  Context(info).stream.Submit(
      [=] { y->f()[0] = static_cast<float>(SumAll(x->f(), x->length(), squares)); }, x->length());
  return Wrap(info.Env(), y);
}

// computeAdamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step)
Napi::Value AdamStepEntry(const Napi::CallbackInfo& info) {
  BufferPtr param = FloatArg(info, 0, "param");
  int64_t n = param->length();
  BufferPtr grad = FloatArg(info, 1, "grad", n), m = FloatArg(info, 2, "m", n);
  BufferPtr v = FloatArg(info, 3, "v", n);
  AdamConfig k{FloatValueArg(info, 4, "lr"),          FloatValueArg(info, 5, "beta1"),
               FloatValueArg(info, 6, "beta2"),       FloatValueArg(info, 7, "eps"),
               FloatValueArg(info, 8, "weightDecay"), BoolArg(info, 9, "decoupled"),
               IntegerArg(info[10], "step")};
  Context(info).stream.Submit([=] { AdamStep(param->f(), grad->f(), m->f(), v->f(), n, k); }, n);
  return info.Env().Undefined();
}

}  // namespace

void RegisterComputeOps(Napi::Env env, Napi::Object exports, ComputeContext* context) {
  Register<MatmulEntry>(env, exports, "computeMatmul", context);
  Register<BinaryEntry>(env, exports, "computeBinary", context);
  Register<SumRowsEntry>(env, exports, "computeSumRows", context);
  Register<UnaryEntry>(env, exports, "computeUnary", context);
  Register<UnaryBackwardEntry>(env, exports, "computeUnaryBackward", context);
  Register<ScaleEntry>(env, exports, "computeScale", context);
  Register<DropoutEntry>(env, exports, "computeDropout", context);
  Register<LayerNormEntry>(env, exports, "computeLayerNorm", context);
  Register<LayerNormBackwardEntry>(env, exports, "computeLayerNormBackward", context);
  Register<ConcatColsEntry>(env, exports, "computeConcatCols", context);
  Register<SliceColsEntry>(env, exports, "computeSliceCols", context);
  Register<GatherRowsEntry>(env, exports, "computeGatherRows", context);
  Register<ScatterAddRowsEntry>(env, exports, "computeScatterAddRows", context);
  Register<SegmentReduceEntry>(env, exports, "computeSegmentReduce", context);
  Register<SegmentReduceBackwardEntry>(env, exports, "computeSegmentReduceBackward", context);
  Register<SoftmaxEntry>(env, exports, "computeSoftmax", context);
  Register<SoftmaxBackwardEntry>(env, exports, "computeSoftmaxBackward", context);
  Register<LossEntry>(env, exports, "computeLoss", context);
  Register<LossBackwardEntry>(env, exports, "computeLossBackward", context);
  Register<CrossEntropyEntry>(env, exports, "computeCrossEntropy", context);
  Register<CrossEntropyBackwardEntry>(env, exports, "computeCrossEntropyBackward", context);
  Register<SumAllEntry>(env, exports, "computeSumAll", context);
  Register<AdamStepEntry>(env, exports, "computeAdamStep", context);
}

}  // namespace prequel::compute
