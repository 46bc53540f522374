// SPDX-License-Identifier: Apache-2.0
// The float64 reference backend: plain loops over Float64Array, written to be obviously right
// rather than fast. It is the oracle the kernel cases and gradient checks compare against.
import { raise } from '../errors/index.js';
import {
  dropoutKeep,
  type AdamParams,
  type Backend,
  type BinaryOp,
  type SegmentReduce,
  type Storage,
} from './backend.js';
import { checkIndex, segmentBackwardF64, segmentReduceF64 } from './reference-graph.js';
import { lossDerivative, lossValue, unaryDerivative, unaryValue } from './reference-math.js';

class RefStorage implements Storage {
  readonly backend = 'reference' as const;
  released = false;
  constructor(
    readonly dtype: 'float32' | 'int32',
    readonly data: Float64Array | Int32Array,
  ) {}
  get length(): number {
    return this.data.length;
  }
}

function f(s: Storage): Float64Array {
  const r = s as RefStorage;
  if (!(r instanceof RefStorage) || r.released || r.dtype !== 'float32') {
    raise('GNN_BAD_ARGUMENT', {
      op: 'reference',
      arg: 'storage',
      expected: 'a live float storage of the reference backend',
      received: describe(s),
    });
  }
  return r.data as Float64Array;
}

function ix(s: Storage): Int32Array {
  const r = s as RefStorage;
  if (!(r instanceof RefStorage) || r.released || r.dtype !== 'int32') {
    raise('GNN_BAD_ARGUMENT', {
      op: 'reference',
      arg: 'storage',
      expected: 'a live int32 storage of the reference backend',
      received: describe(s),
    });
  }
  return r.data as Int32Array;
}

function describe(s: Storage): string {
  return `${s.backend} ${s.dtype}[${s.length}]${(s as RefStorage).released ? ' (released)' : ''}`;
}

/** Creates the float64 reference backend. */
export function createReferenceBackend(): Backend {
  let live = 0;
  let bytes = 0;
  const alloc = (n: number) => {
    live++;
    bytes += n * 8;
    return new RefStorage('float32', new Float64Array(n));
  };
  const wrap = (data: Float64Array) => {
    live++;
    bytes += data.length * 8;
    return new RefStorage('float32', data);
  };
  const allocIndex = (n: number) => {
    live++;
    bytes += n * 4;
    return new RefStorage('int32', new Int32Array(n));
  };
  const map = (x: Float64Array, fn: (v: number, i: number) => number) => {
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = fn(x[i]!, i);
    return wrap(out);
  };

  const backend: Backend = {
    name: 'reference',

    upload(data, dtype) {
      if (dtype === 'int32') {
        const s = allocIndex(data.length);
        (s.data as Int32Array).set(data);
        return s;
      }
      return wrap(Float64Array.from(data));
    },
    async download(s) {
      const r = s as RefStorage;
      return r.dtype === 'int32' ? Int32Array.from(ix(s)) : Float64Array.from(f(s));
    },
    zeros(length, dtype) {
      return dtype === 'int32' ? allocIndex(length) : alloc(length);
    },
    fill(length, value) {
      return wrap(new Float64Array(length).fill(value));
    },
    release(s) {
      const r = s as RefStorage;
      if (!(r instanceof RefStorage) || r.released) return;
      r.released = true;
      live--;
      bytes -= r.data.length * (r.dtype === 'int32' ? 4 : 8);
    },
    stats() {
      return { liveStorages: live, liveBytes: bytes };
    },

    matmul(as, aShape, transA, bs, bShape, transB) {
      const a = f(as);
      const b = f(bs);
      const [m, k] = transA ? [aShape[1], aShape[0]] : aShape;
      const n = transB ? bShape[0] : bShape[1];
      const out = new Float64Array(m * n);
      const aAt = (i: number, p: number) =>
        transA ? a[p * aShape[1] + i]! : a[i * aShape[1] + p]!;
      const bAt = (p: number, j: number) =>
        transB ? b[j * bShape[1] + p]! : b[p * bShape[1] + j]!;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let p = 0; p < k; p++) acc += aAt(i, p) * bAt(p, j);
          out[i * n + j] = acc;
        }
      }
      return wrap(out);
    },

    binary(op: BinaryOp, as, bs, rows, cols) {
      const a = f(as);
      const b = f(bs);
      const bAt =
        b.length === a.length
          ? (i: number) => b[i]!
          : b.length === 1
            ? () => b[0]!
            : (i: number) => b[i % cols]!;
      return map(a, (v, i) => {
        const w = bAt(i);
        return op === 'add' ? v + w : op === 'sub' ? v - w : op === 'mul' ? v * w : v / w;
      });
    },
    sumRows(as, rows, cols) {
      const a = f(as);
      const out = new Float64Array(cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += a[r * cols + c]!;
      return wrap(out);
    },
    unary(op, xs, alpha = 0.01) {
      return map(f(xs), (v) => unaryValue(op, v, alpha));
    },
    unaryBackward(op, xs, ys, dys, alpha = 0.01) {
      const x = f(xs);
      const y = f(ys);
      return map(f(dys), (g, i) => g * unaryDerivative(op, x[i]!, y[i]!, alpha));
    },
    scale(xs, factor) {
      return map(f(xs), (v) => v * factor);
    },
    dropout(xs, p, seed) {
      const mask = map(f(xs), (_, i) => (dropoutKeep(seed, i, p) ? 1 / (1 - p) : 0));
      const y = map(f(xs), (v, i) => v * mask.data[i]!);
      return { y, mask };
    },

    layerNorm(xs, gs, bs, rows, cols, eps) {
      const x = f(xs);
      const gamma = f(gs);
      const beta = f(bs);
      const y = new Float64Array(rows * cols);
      const mean = new Float64Array(rows);
      const rstd = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let mu = 0;
        for (let c = 0; c < cols; c++) mu += x[r * cols + c]!;
        mu /= cols;
        let v = 0;
        for (let c = 0; c < cols; c++) v += (x[r * cols + c]! - mu) ** 2;
        const rs = 1 / Math.sqrt(v / cols + eps);
        mean[r] = mu;
        rstd[r] = rs;
        for (let c = 0; c < cols; c++) {
          y[r * cols + c] = (x[r * cols + c]! - mu) * rs * gamma[c]! + beta[c]!;
        }
      }
      return { y: wrap(y), mean: wrap(mean), rstd: wrap(rstd) };
    },
    layerNormBackward(xs, gs, ms, rs, dys, rows, cols) {
      const x = f(xs);
      const gamma = f(gs);
      const mean = f(ms);
      const rstd = f(rs);
      const dy = f(dys);
      const dx = new Float64Array(rows * cols);
      const dgamma = new Float64Array(cols);
      const dbeta = new Float64Array(cols);
      for (let r = 0; r < rows; r++) {
        let sumG = 0;
        let sumGX = 0;
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const xhat = (x[i]! - mean[r]!) * rstd[r]!;
          const g = dy[i]! * gamma[c]!;
          sumG += g;
          sumGX += g * xhat;
          dgamma[c] += dy[i]! * xhat;
          dbeta[c] += dy[i]!;
        }
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const xhat = (x[i]! - mean[r]!) * rstd[r]!;
          dx[i] = rstd[r]! * (dy[i]! * gamma[c]! - sumG / cols - (xhat * sumGX) / cols);
        }
      }
      return { dx: wrap(dx), dgamma: wrap(dgamma), dbeta: wrap(dbeta) };
    },
    concatCols(parts, rows) {
      const total = parts.reduce((acc, p) => acc + p.cols, 0);
      const out = new Float64Array(rows * total);
      let offset = 0;
      for (const p of parts) {
        const x = f(p.s);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < p.cols; c++) out[r * total + offset + c] = x[r * p.cols + c]!;
        }
        offset += p.cols;
      }
      return wrap(out);
    },
    sliceCols(xs, rows, cols, start, end) {
      const x = f(xs);
      const w = end - start;
      const out = new Float64Array(rows * w);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < w; c++) out[r * w + c] = x[r * cols + start + c]!;
      return wrap(out);
    },
    gatherRows(xs, cols, is, numRows) {
      const x = f(xs);
      const index = ix(is);
      const out = new Float64Array(index.length * cols);
      index.forEach((row, i) => {
        checkIndex('gatherRows', `index[${i}]`, row, numRows);
        for (let c = 0; c < cols; c++) out[i * cols + c] = x[row * cols + c]!;
      });
      return wrap(out);
    },
    scatterAddRows(dys, cols, is, outRows) {
      const dy = f(dys);
      const index = ix(is);
      const out = new Float64Array(outRows * cols);
      index.forEach((row, i) => {
        checkIndex('scatterAddRows', `index[${i}]`, row, outRows);
        for (let c = 0; c < cols; c++) out[row * cols + c] += dy[i * cols + c]!;
      });
      return wrap(out);
    },

    segmentReduce(op: SegmentReduce, xs, cols, rps, cs, numGroups) {
      const r = segmentReduceF64(op, f(xs), cols, ix(rps), cs === null ? null : ix(cs), numGroups);
      if (r.argmax === null) return { y: wrap(r.y), argmax: null };
      const argmax = allocIndex(r.argmax.length);
      (argmax.data as Int32Array).set(r.argmax);
      return { y: wrap(r.y), argmax };
    },
    segmentReduceBackward(op, dys, cols, rps, cs, numGroups, ams, xRows) {
      const col = cs === null ? null : ix(cs);
      const argmax = ams === null ? null : ix(ams);
      return wrap(segmentBackwardF64(op, f(dys), cols, ix(rps), col, numGroups, argmax, xRows));
    },

    softmax(xs, rows, cols, log) {
      const x = f(xs);
      const out = new Float64Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        let max = -Infinity;
        for (let c = 0; c < cols; c++) max = Math.max(max, x[r * cols + c]!);
        let sum = 0;
        for (let c = 0; c < cols; c++) sum += Math.exp(x[r * cols + c]! - max);
        for (let c = 0; c < cols; c++) {
          const z = x[r * cols + c]! - max;
          out[r * cols + c] = log ? z - Math.log(sum) : Math.exp(z) / sum;
        }
      }
      return wrap(out);
    },
    softmaxBackward(ys, dys, rows, cols, log) {
      const y = f(ys);
      const dy = f(dys);
      const dx = new Float64Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        let dot = 0;
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          dot += log ? dy[i]! : dy[i]! * y[i]!;
        }
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          dx[i] = log ? dy[i]! - Math.exp(y[i]!) * dot : y[i]! * (dy[i]! - dot);
        }
      }
      return wrap(dx);
    },

    loss(kind, ps, ts, param) {
      const t = f(ts);
      return map(f(ps), (p, i) => lossValue(kind, p, t[i]!, param));
    },
    lossBackward(kind, ps, ts, param, dls) {
      const p = f(ps);
      const t = f(ts);
      return map(f(dls), (d, i) => d * lossDerivative(kind, p[i]!, t[i]!, param));
    },
    crossEntropy(ls, labs, rows, cols) {
      const lsm = backend.softmax(ls, rows, cols, true) as RefStorage;
      const labels = ix(labs);
      const out = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        checkIndex('crossEntropy', `labels[${r}]`, labels[r]!, cols);
        out[r] = -lsm.data[r * cols + labels[r]!]!;
      }
      backend.release(lsm);
      return wrap(out);
    },
    crossEntropyBackward(ls, labs, rows, cols, dls) {
      const sm = backend.softmax(ls, rows, cols, false) as RefStorage;
      const labels = ix(labs);
      const dl = f(dls);
      const dx = new Float64Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        checkIndex('crossEntropyBackward', `labels[${r}]`, labels[r]!, cols);
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          dx[i] = (sm.data[i]! - (c === labels[r] ? 1 : 0)) * dl[r]!;
        }
      }
      backend.release(sm);
      return wrap(dx);
    },

    sumAll(xs) {
      return wrap(Float64Array.of(f(xs).reduce((a, v) => a + v, 0)));
    },
    sumSquares(xs) {
      return wrap(Float64Array.of(f(xs).reduce((a, v) => a + v * v, 0)));
    },

    adamStep(ps, gs, ms, vs, p: AdamParams) {
      const param = f(ps);
      const grad = f(gs);
      const m = f(ms);
      const v = f(vs);
      const c1 = 1 - p.beta1 ** p.step;
      const c2 = 1 - p.beta2 ** p.step;
      for (let i = 0; i < param.length; i++) {
        let g = grad[i]!;
        if (p.decoupled) param[i] -= p.lr * p.weightDecay * param[i]!;
        else g += p.weightDecay * param[i]!;
        m[i] = p.beta1 * m[i]! + (1 - p.beta1) * g;
        v[i] = p.beta2 * v[i]! + (1 - p.beta2) * g * g;
        param[i] -= (p.lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + p.eps);
      }
    },

    async sync() {},
    close() {},
  };
  return backend;
}
