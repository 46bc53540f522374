// SPDX-License-Identifier: Apache-2.0
// The gradient-check cases: one or more per differentiable operation, on random shapes drawn
// from a seeded RNG, including single rows, empty segments and sizes that are not multiples of
// 64. `runGradCases(backend)` is what each backend's test calls.
import type { Backend } from '../../src/gnn/backend.js';
import * as G from '../../src/gnn/graph-ops.js';
import * as L from '../../src/gnn/loss-ops.js';
import * as O from '../../src/gnn/ops.js';
import { Rng } from '../../src/gnn/random.js';
import { Tensor, indexTensor, tensor } from '../../src/gnn/tensor.js';
import { checkGradients, type GradInput } from './gradcheck.js';

export interface GradCase {
  name: string;
  inputs: GradInput[];
  f: (xs: Tensor[]) => Tensor;
}

/** Values in +-[0.2, 2]: away from the kinks of relu, l1 and huber. */
function away(rng: Rng, rows: number, cols: number): GradInput {
  const data = Float64Array.from(
    { length: rows * cols },
    () => (rng.uniform() < 0.5 ? -1 : 1) * rng.range(0.2, 2),
  );
  return { shape: [rows, cols], data };
}

/** Distinct values 0.05 apart, shuffled: no max ties within a finite-difference step. */
function distinct(rng: Rng, rows: number, cols: number): GradInput {
  const n = rows * cols;
  const data = Float64Array.from({ length: n }, (_, i) => (i - n / 2) * 0.05);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [data[i], data[j]] = [data[j]!, data[i]!];
  }
  return { shape: [rows, cols], data };
}

function csrData(rng: Rng, groups: number, maxDeg: number, xRows: number | null) {
  const rowptr = [0];
  for (let g = 0; g < groups; g++)
    rowptr.push(rowptr[g]! + (g % 3 === 1 ? 0 : rng.int(maxDeg + 1)));
  const entries = rowptr[groups]!;
  const col = xRows === null ? null : Array.from({ length: entries }, () => rng.int(xRows));
  return { rowptr, col, entries };
}

export function gradCases(backend: Backend, seed = 7): GradCase[] {
  const rng = new Rng(seed);
  const dim = (lo: number, hi: number) => lo + rng.int(hi - lo + 1);
  const cases: GradCase[] = [];
  const b = backend;

  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    const [m, k, n] = [dim(1, 6), dim(1, 7), dim(1, 5)];
    cases.push({
      name: `matmul ${m}x${k}x${n} ta=${ta} tb=${tb}`,
      inputs: [away(rng, ta ? k : m, ta ? m : k), away(rng, tb ? n : k, tb ? k : n)],
      f: ([a, c]) => O.matmul(a!, c!, ta, tb),
    });
  }
  for (const op of ['add', 'sub', 'mul', 'div'] as const) {
    const [rows, cols] = [dim(1, 5), dim(1, 6)];
    for (const bShape of [
      [rows, cols],
      [1, cols],
      [1, 1],
    ] as [number, number][]) {
      cases.push({
        name: `${op} [${rows}, ${cols}] by [${bShape.join(', ')}]`,
        inputs: [away(rng, rows, cols), away(rng, bShape[0], bShape[1])],
        f: ([x, y]) => O[op](x!, y!),
      });
    }
  }
  const unary: [string, (x: Tensor) => Tensor][] = [
    ['relu', O.relu],
    ['leakyRelu', (x) => O.leakyRelu(x, 0.1)],
    ['gelu', O.gelu],
    ['sigmoid', O.sigmoid],
    ['tanh', O.tanh],
    ['exp', O.exp],
    ['log', (x) => O.log(O.exp(x))],
    ['neg', O.neg],
    ['scale', (x) => O.scale(x, -1.7)],
    ['softmax', O.softmax],
    ['logSoftmax', O.logSoftmax],
    ['sum', O.sum],
    ['mean', O.mean],
    ['dropout', (x) => O.dropout(x, 0.4, 99)],
    ['slice', (x) => O.slice(x, 1, Math.max(1, x.cols - 1))],
  ];
  for (const [name, fn] of unary) {
    const [rows, cols] = [dim(1, 4), dim(2, 7)];
    cases.push({
      name: `${name} [${rows}, ${cols}]`,
      inputs: [away(rng, rows, cols)],
      f: ([x]) => fn(x!),
    });
  }
  {
    const [rows, cols] = [dim(1, 4), dim(2, 9)];
    cases.push({
      name: `layerNorm [${rows}, ${cols}]`,
      inputs: [away(rng, rows, cols), away(rng, 1, cols), away(rng, 1, cols)],
      f: ([x, g, be]) => O.layerNorm(x!, g!, be!),
    });
    cases.push({
      name: `concat [${rows}, 3 | 1 | ${cols}]`,
      inputs: [away(rng, rows, 3), away(rng, rows, 1), away(rng, rows, cols)],
      f: (xs) => O.concat(xs),
    });
  }

  // Graph ops.
  for (const [xRows, cols, n] of [
    [1, 1, 1],
    [5, 3, 9],
    [67, 2, 5],
  ]) {
    const index = Array.from({ length: n! }, () => rng.int(xRows!));
    cases.push({
      name: `gatherRows ${n} of [${xRows}, ${cols}]`,
      inputs: [away(rng, xRows!, cols!)],
      f: ([x]) => G.gatherRows(x!, indexTensor(b, index)),
    });
    cases.push({
      name: `embedding ${n} ids of [${xRows}, ${cols}]`,
      inputs: [away(rng, xRows!, cols!)],
      f: ([x]) => G.embedding(x!, Int32Array.from(index)),
    });
  }
  for (const op of ['sum', 'mean', 'max'] as const) {
    for (const withCol of [false, true]) {
      const groups = dim(1, 7);
      const cols = dim(1, 4);
      const xRowsFixed = withCol ? dim(1, 6) : null;
      const { rowptr, col, entries } = csrData(rng, groups, 4, xRowsFixed);
      const xRows = xRowsFixed ?? Math.max(entries, 1);
      const input = op === 'max' ? distinct(rng, xRows, cols) : away(rng, xRows, cols);
      cases.push({
        name: `segment ${op} ${groups} groups of [${xRows}, ${cols}]${withCol ? ' through col' : ''}`,
        inputs: [input],
        f: ([x]) =>
          G.segment(op, x!, {
            rowptr: indexTensor(b, rowptr),
            col: col === null ? null : indexTensor(b, col),
            numGroups: groups,
          }),
      });
    }
  }

  // Losses (each returns a [1, 1] mean).
  {
    const [rows, cols] = [dim(1, 5), dim(1, 4)];
    const t01 = Float64Array.from({ length: rows * cols }, () => rng.int(2));
    const t = away(rng, rows, cols).data;
    const far = Float64Array.from(t, (v) => v + 3);
    const tt = (data: Float64Array) => tensor(b, data, [rows, cols]);
    cases.push({
      name: 'bceWithLogits',
      inputs: [away(rng, rows, cols)],
      f: ([x]) => L.bceWithLogits(x!, tt(t01)),
    });
    cases.push({
      name: 'bceWithLogits posWeight 3',
      inputs: [away(rng, rows, cols)],
      f: ([x]) => L.bceWithLogits(x!, tt(t01), 3),
    });
    cases.push({
      name: 'mseLoss',
      inputs: [away(rng, rows, cols)],
      f: ([x]) => L.mseLoss(x!, tt(t)),
    });
    cases.push({
      name: 'l1Loss',
      inputs: [away(rng, rows, cols)],
      f: ([x]) => L.l1Loss(x!, tt(far)),
    });
    cases.push({
      name: 'huberLoss both sides',
      inputs: [away(rng, rows, cols)],
      f: ([x]) => L.huberLoss(x!, tt(far), 3.1),
    });
    const labels = Array.from({ length: rows }, () => rng.int(cols + 2));
    cases.push({
      name: `crossEntropy [${rows}, ${cols + 2}]`,
      inputs: [away(rng, rows, cols + 2)],
      f: ([x]) => L.crossEntropy(x!, indexTensor(b, labels)),
    });
  }
  return cases;
}

/** Runs every gradient case on a backend; returns the failures, one line each. */
export async function runGradCases(backend: Backend): Promise<string[]> {
  const failures: string[] = [];
  for (const c of gradCases(backend)) {
    const problems = await checkGradients(backend, c.f, c.inputs);
    for (const p of problems) failures.push(`${c.name}: ${p}`);
  }
  return failures;
}
