// SPDX-License-Identifier: Apache-2.0
// Writes the generated kernel cases (test/gnn/cases/gen-*.json): seeded random inputs rounded to
// float32, expected outputs from the float64 reference backend. Hand-checked cases live in
// cases/hand.json. Run: npx tsx test/gnn/generate-cases.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { Rng } from '../../src/gnn/random.js';
import { createReferenceBackend } from '../../src/gnn/reference-backend.js';
import { casesDir, runKernelCase, type KernelCase } from './run-cases.js';

const rng = new Rng(20261203);
const F = (n: number, lo = -2, hi = 2) => ({
  dtype: 'float32' as const,
  // Multiples of 1/256: exact in float32 and short in JSON.
  data: Array.from({ length: n }, () => Math.round(rng.range(lo, hi) * 256) / 256),
});
const I = (data: number[]) => ({ dtype: 'int32' as const, data });
const randIndex = (n: number, limit: number) => I(Array.from({ length: n }, () => rng.int(limit)));

/** CSR over `groups` groups with degrees in [0, maxDeg], some groups forced empty. */
function csr(groups: number, maxDeg: number, emptyEvery = 4) {
  const rowptr = [0];
  for (let g = 0; g < groups; g++) {
    const d = g % emptyEvery === 1 ? 0 : rng.int(maxDeg + 1);
    rowptr.push(rowptr[g]! + d);
  }
  return rowptr;
}

const cases: Record<string, Omit<KernelCase, 'expected'>[]> = {
  dense: [],
  activation: [],
  graph: [],
  loss: [],
};
const tol = { abs: 2e-5, rel: 2e-4 };

// Dense algebra: shapes not multiples of 16 or 64, single rows, all transposes.
for (const [m, k, n] of [
  [1, 1, 1],
  [1, 7, 5],
  [17, 33, 9],
  [65, 20, 3],
  [3, 130, 67],
] as const) {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    if (k > 100 && ta !== tb) continue; // the large shape runs with both or neither transposed
    cases.dense!.push({
      name: `matmul ${m}x${k}x${n} ta=${ta} tb=${tb}`,
      op: 'matmul',
      params: {
        aShape: ta ? [k, m] : [m, k],
        transA: ta,
        bShape: tb ? [n, k] : [k, n],
        transB: tb,
      },
      inputs: { a: F(m * k), b: F(k * n) },
      tolerance: { abs: 1e-4, rel: 1e-4 },
    });
  }
}
for (const op of ['add', 'sub', 'mul', 'div']) {
  for (const [rows, cols, bl] of [
    [5, 7, 35],
    [5, 7, 7],
    [66, 3, 1],
  ]) {
    const b = op === 'div' ? F(bl!, 0.5, 2) : F(bl!);
    cases.dense!.push({
      name: `binary ${op} ${rows}x${cols} b=${bl}`,
      op: 'binary',
      params: { op, rows, cols },
      inputs: { a: F(rows! * cols!), b },
      tolerance: tol,
    });
  }
}
for (const [rows, cols] of [
  [1, 5],
  [67, 3],
  [67, 65],
]) {
  cases.dense!.push({
    name: `sumRows ${rows}x${cols}`,
    op: 'sumRows',
    params: { rows, cols },
    inputs: { x: F(rows! * cols!) },
    tolerance: tol,
  });
  cases.dense!.push({
    name: `sumAll ${rows}x${cols}`,
    op: 'sumAll',
    params: {},
    inputs: { x: F(rows! * cols!) },
    tolerance: { abs: 1e-4, rel: 1e-4 },
  });
  cases.dense!.push({
    name: `sumSquares ${rows}x${cols}`,
    op: 'sumSquares',
    params: {},
    inputs: { x: F(rows! * cols!) },
    tolerance: { abs: 1e-4, rel: 1e-4 },
  });
  cases.dense!.push({
    name: `scale ${rows}x${cols}`,
    op: 'scale',
    params: { factor: -0.37 },
    inputs: { x: F(rows! * cols!) },
    tolerance: tol,
  });
  cases.dense!.push({
    name: `concatCols ${rows} rows [${cols}, 1, 4]`,
    op: 'concatCols',
    params: { rows, cols: [cols, 1, 4] },
    inputs: { x0: F(rows! * cols!), x1: F(rows!), x2: F(rows! * 4) },
    tolerance: tol,
  });
  cases.dense!.push({
    name: `sliceCols ${rows}x${cols + 3} [1, ${cols + 1})`,
    op: 'sliceCols',
    params: { rows, cols: cols! + 3, start: 1, end: cols! + 1 },
    inputs: { x: F(rows! * (cols! + 3)) },
    tolerance: tol,
  });
}

// Activations, softmax, layer norm, dropout.
for (const op of ['relu', 'leakyRelu', 'gelu', 'sigmoid', 'tanh', 'exp', 'log', 'neg']) {
  const n = 67;
  const x = op === 'log' ? F(n, 0.1, 3) : F(n, -4, 4);
  cases.activation!.push({
    name: `unary ${op}`,
    op: 'unary',
    params: { op, alpha: 0.2 },
    inputs: { x },
    tolerance: tol,
  });
  cases.activation!.push({
    name: `unaryBackward ${op}`,
    op: 'unaryBackward',
    params: { op, alpha: 0.2 },
    inputs: { x, dy: F(n) },
    tolerance: tol,
  });
}
for (const [rows, cols] of [
  [1, 1],
  [1, 9],
  [7, 65],
  [33, 3],
]) {
  for (const log of [false, true]) {
    cases.activation!.push({
      name: `softmax ${rows}x${cols} log=${log}`,
      op: 'softmax',
      params: { rows, cols, log },
      inputs: { x: F(rows! * cols!, -5, 5) },
      tolerance: tol,
    });
    cases.activation!.push({
      name: `softmaxBackward ${rows}x${cols} log=${log}`,
      op: 'softmaxBackward',
      params: { rows, cols, log },
      inputs: { x: F(rows! * cols!, -5, 5), dy: F(rows! * cols!) },
      tolerance: tol,
    });
  }
  const ln = { x: F(rows! * cols!), gamma: F(cols!, 0.5, 1.5), beta: F(cols!) };
  cases.activation!.push({
    name: `layerNorm ${rows}x${cols}`,
    op: 'layerNorm',
    params: { rows, cols, eps: 1e-5 },
    inputs: ln,
    tolerance: { abs: 1e-4, rel: 1e-4 },
  });
  cases.activation!.push({
    name: `layerNormBackward ${rows}x${cols}`,
    op: 'layerNormBackward',
    params: { rows, cols, eps: 1e-5 },
    inputs: { ...ln, dy: F(rows! * cols!) },
    tolerance: { abs: 2e-4, rel: 2e-4 },
  });
}
for (const [n, p, seed] of [
  [1, 0.5, 1],
  [200, 0.3, 42],
  [65, 0, 7],
]) {
  cases.activation!.push({
    name: `dropout n=${n} p=${p}`,
    op: 'dropout',
    params: { p, seed },
    inputs: { x: F(n!) },
    tolerance: tol,
  });
}

// Graph kernels: empty segments, single rows, identity and gathered CSR, odd widths.
for (const [xRows, cols, idx] of [
  [1, 1, 1],
  [10, 3, 25],
  [67, 65, 33],
]) {
  cases.graph!.push({
    name: `gatherRows ${idx} of ${xRows}x${cols}`,
    op: 'gatherRows',
    params: { cols, numRows: xRows },
    inputs: { x: F(xRows! * cols!), index: randIndex(idx!, xRows!) },
    tolerance: tol,
  });
  cases.graph!.push({
    name: `scatterAddRows ${idx} into ${xRows}x${cols}`,
    op: 'scatterAddRows',
    params: { cols, outRows: xRows },
    inputs: { dy: F(idx! * cols!), index: randIndex(idx!, xRows!) },
    tolerance: tol,
  });
}
for (const op of ['sum', 'mean', 'max']) {
  for (const [groups, maxDeg, cols, withCol] of [
    [1, 1, 1, false],
    [9, 4, 3, false],
    [9, 4, 3, true],
    [21, 6, 65, true],
    [5, 0, 2, true],
  ] as const) {
    const rowptr = csr(groups, maxDeg);
    const entries = rowptr[groups]!;
    const xRows = withCol ? 13 : entries;
    const col = withCol ? randIndex(entries, xRows) : null;
    const base = { rowptr: I(rowptr), col };
    const what = `${op} ${groups} groups, ${entries} entries, ${cols} cols${withCol ? ', col' : ''}`;
    cases.graph!.push({
      name: `segmentReduce ${what}`,
      op: 'segmentReduce',
      params: { op, cols, numGroups: groups },
      inputs: { ...base, x: F(xRows * cols) },
      tolerance: tol,
    });
    cases.graph!.push({
      name: `segmentReduceBackward ${what}`,
      op: 'segmentReduceBackward',
      params: { op, cols, numGroups: groups, xRows },
      inputs: { ...base, x: F(xRows * cols), dy: F(groups * cols) },
      tolerance: tol,
    });
  }
}
// Bad indices: every backend must reject them with GNN_INDEX_RANGE.
const bad = { error: 'GNN_INDEX_RANGE' };
cases.graph!.push({
  name: 'gatherRows index too large',
  op: 'gatherRows',
  params: { cols: 2, numRows: 3 },
  inputs: { x: F(6), index: I([0, 3]) },
  ...bad,
});
cases.graph!.push({
  name: 'gatherRows negative index',
  op: 'gatherRows',
  params: { cols: 2, numRows: 3 },
  inputs: { x: F(6), index: I([-1]) },
  ...bad,
});
cases.graph!.push({
  name: 'scatterAddRows index too large',
  op: 'scatterAddRows',
  params: { cols: 1, outRows: 2 },
  inputs: { dy: F(2), index: I([1, 2]) },
  ...bad,
});
cases.graph!.push({
  name: 'segmentReduce col out of range',
  op: 'segmentReduce',
  params: { op: 'sum', cols: 1, numGroups: 2 },
  inputs: { x: F(3), rowptr: I([0, 1, 2]), col: I([0, 3]) },
  ...bad,
});
cases.graph!.push({
  name: 'segmentReduce rowptr decreasing',
  op: 'segmentReduce',
  params: { op: 'mean', cols: 1, numGroups: 2 },
  inputs: { x: F(3), rowptr: I([0, 2, 1]), col: null },
  ...bad,
});
cases.graph!.push({
  name: 'segmentReduce rowptr past the rows',
  op: 'segmentReduce',
  params: { op: 'max', cols: 1, numGroups: 1 },
  inputs: { x: F(3), rowptr: I([0, 4]), col: null },
  ...bad,
});
cases.graph!.push({
  name: 'crossEntropy label out of range',
  op: 'crossEntropy',
  params: { rows: 2, cols: 3 },
  inputs: { logits: F(6), labels: I([0, 3]) },
  ...bad,
});

// Losses.
for (const [kind, param] of [
  ['bceLogits', 1],
  ['bceLogits', 3.5],
  ['mse', 0],
  ['l1', 0],
  ['huber', 1],
  ['huber', 0.3],
] as const) {
  const n = 67;
  const target =
    kind === 'bceLogits'
      ? I([]) && { dtype: 'float32' as const, data: Array.from({ length: n }, () => rng.int(2)) }
      : F(n);
  const pred = F(n, -6, 6);
  cases.loss!.push({
    name: `loss ${kind} ${param}`,
    op: 'loss',
    params: { kind, param },
    inputs: { pred, target },
    tolerance: tol,
  });
  cases.loss!.push({
    name: `lossBackward ${kind} ${param}`,
    op: 'lossBackward',
    params: { kind, param },
    inputs: { pred, target, dloss: F(n) },
    tolerance: tol,
  });
}
for (const [rows, cols] of [
  [1, 1],
  [1, 5],
  [66, 7],
]) {
  const labels = randIndex(rows!, cols!);
  cases.loss!.push({
    name: `crossEntropy ${rows}x${cols}`,
    op: 'crossEntropy',
    params: { rows, cols },
    inputs: { logits: F(rows! * cols!, -5, 5), labels },
    tolerance: tol,
  });
  cases.loss!.push({
    name: `crossEntropyBackward ${rows}x${cols}`,
    op: 'crossEntropyBackward',
    params: { rows, cols },
    inputs: { logits: F(rows! * cols!, -5, 5), labels, dloss: F(rows!) },
    tolerance: tol,
  });
}
for (const [decoupled, weightDecay, step] of [
  [false, 0, 1],
  [false, 0.01, 3],
  [true, 0.1, 10],
] as const) {
  const n = 67;
  cases.loss!.push({
    name: `adamStep decoupled=${decoupled} wd=${weightDecay} step=${step}`,
    op: 'adamStep',
    params: { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, decoupled, step },
    inputs: { param: F(n), grad: F(n), m: F(n, -0.1, 0.1), v: F(n, 0, 0.1) },
    tolerance: { abs: 1e-5, rel: 1e-4 },
  });
}

// Expected outputs from the reference, rounded to 8 significant digits.
const ref = createReferenceBackend();
const round = (v: number) => Number(v.toPrecision(8));
for (const [file, list] of Object.entries(cases)) {
  const out: KernelCase[] = [];
  for (const c of list) {
    if ((c as KernelCase).error !== undefined) {
      out.push(c as KernelCase);
      continue;
    }
    const got =
      c.op === 'adamStep'
        ? await adamExpected(c as KernelCase)
        : await runKernelCase(ref, c as KernelCase);
    const expected = Object.fromEntries(Object.entries(got).map(([k, v]) => [k, v.map(round)]));
    out.push({ ...c, expected });
  }
  const text = await prettier.format(JSON.stringify(out), { parser: 'json', printWidth: 100 });
  writeFileSync(path.join(casesDir, `gen-${file}.json`), text);
}

async function adamExpected(c: KernelCase): Promise<Record<string, number[]>> {
  const s = Object.fromEntries(
    ['param', 'grad', 'm', 'v'].map((k) => [
      k,
      ref.upload(Float32Array.from(c.inputs[k]!.data), 'float32'),
    ]),
  );
  ref.adamStep(s.param!, s.grad!, s.m!, s.v!, c.params as never);
  const out: Record<string, number[]> = {};
  for (const k of ['param', 'm', 'v']) out[k] = Array.from(await ref.download(s[k]!));
  for (const v of Object.values(s)) ref.release(v);
  return out;
}
