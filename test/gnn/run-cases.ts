// SPDX-License-Identifier: Apache-2.0
// Runs the kernel cases of test/gnn/cases/*.json on any Backend. A case names a Backend method
// (`op`), its inputs as flat arrays, its scalar params, the expected outputs and a tolerance;
// a case with `error` expects that registry code instead. Forward state a backward kernel needs
// (the argmax of a max, the mean and rstd of a layer norm, y of a unary or softmax) is computed
// by the runner with the same backend, so the cases stay backend-neutral.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend, Storage } from '../../src/gnn/backend.js';
import { raise } from '../../src/errors/index.js';

export interface CaseInput {
  dtype: 'float32' | 'int32';
  data: number[];
}

export interface KernelCase {
  name: string;
  op: string;
  params: Record<string, unknown>;
  inputs: Record<string, CaseInput | null>;
  /** Output name -> flat values (float outputs compared with tolerance, int outputs exactly). */
  expected?: Record<string, number[]>;
  tolerance?: { abs: number; rel: number };
  /** Registry code the case must fail with (from the call, or from a download / sync after it). */
  error?: string;
}

export const casesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cases');

/** Every case of every file in test/gnn/cases, file name prefixed to the case name. */
export function loadKernelCases(dir = casesDir): KernelCase[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      const cases = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as KernelCase[];
      return cases.map((c) => ({ ...c, name: `${file.replace(/\.json$/, '')}: ${c.name}` }));
    });
}

type Outputs = Record<string, Storage | null>;

/** Runs one case and downloads its outputs; releases every storage it made. */
export async function runKernelCase(b: Backend, c: KernelCase): Promise<Record<string, number[]>> {
  const made: Storage[] = [];
  const keep = (s: Storage | null) => {
    if (s !== null) made.push(s);
    return s;
  };
  try {
    const input: Record<string, Storage | null> = {};
    for (const [k, v] of Object.entries(c.inputs)) {
      input[k] =
        v === null
          ? null
          : keep(
              b.upload(
                v.dtype === 'int32' ? Int32Array.from(v.data) : Float32Array.from(v.data),
                v.dtype,
              ),
            );
    }
    const outs = dispatch(b, c, input as Record<string, Storage>, keep);
    for (const s of Object.values(outs)) keep(s);
    await b.sync();
    const result: Record<string, number[]> = {};
    for (const [k, s] of Object.entries(outs)) {
      if (s !== null) result[k] = Array.from(await b.download(s));
    }
    return result;
  } finally {
    for (const s of made) b.release(s);
  }
}

function dispatch(
  b: Backend,
  c: KernelCase,
  i: Record<string, Storage>,
  keep: (s: Storage | null) => Storage | null,
): Outputs {
  const p = c.params as Record<string, any>;
  switch (c.op) {
    case 'matmul':
      return { y: b.matmul(i.a!, p.aShape, p.transA, i.b!, p.bShape, p.transB) };
    case 'binary':
      return { y: b.binary(p.op, i.a!, i.b!, p.rows, p.cols) };
    case 'sumRows':
      return { y: b.sumRows(i.x!, p.rows, p.cols) };
    case 'unary':
      return { y: b.unary(p.op, i.x!, p.alpha) };
    case 'unaryBackward': {
      const y = keep(b.unary(p.op, i.x!, p.alpha))!;
      return { dx: b.unaryBackward(p.op, i.x!, y, i.dy!, p.alpha) };
    }
    case 'scale':
      return { y: b.scale(i.x!, p.factor) };
    case 'dropout': {
      const { y, mask } = b.dropout(i.x!, p.p, p.seed);
      return { y, mask };
    }
    case 'layerNorm': {
      const r = b.layerNorm(i.x!, i.gamma!, i.beta!, p.rows, p.cols, p.eps);
      return { y: r.y, mean: r.mean, rstd: r.rstd };
    }
    case 'layerNormBackward': {
      const f = b.layerNorm(i.x!, i.gamma!, i.beta!, p.rows, p.cols, p.eps);
      keep(f.y);
      keep(f.mean);
      keep(f.rstd);
      const r = b.layerNormBackward(i.x!, i.gamma!, f.mean, f.rstd, i.dy!, p.rows, p.cols);
      return { dx: r.dx, dgamma: r.dgamma, dbeta: r.dbeta };
    }
    case 'concatCols': {
      const parts = (p.cols as number[]).map((cols, k) => ({ s: i[`x${k}`]!, cols }));
      return { y: b.concatCols(parts, p.rows) };
    }
    case 'sliceCols':
      return { y: b.sliceCols(i.x!, p.rows, p.cols, p.start, p.end) };
    case 'gatherRows':
      return { y: b.gatherRows(i.x!, p.cols, i.index!, p.numRows) };
    case 'scatterAddRows':
      return { y: b.scatterAddRows(i.dy!, p.cols, i.index!, p.outRows) };
    case 'segmentReduce': {
      const r = b.segmentReduce(p.op, i.x!, p.cols, i.rowptr!, i.col ?? null, p.numGroups);
      return { y: r.y, argmax: r.argmax };
    }
    case 'segmentReduceBackward': {
      let argmax: Storage | null = null;
      if (p.op === 'max') {
        const f = b.segmentReduce('max', i.x!, p.cols, i.rowptr!, i.col ?? null, p.numGroups);
        keep(f.y);
        argmax = keep(f.argmax);
      }
      const dx = b.segmentReduceBackward(
        p.op,
        i.dy!,
        p.cols,
        i.rowptr!,
        i.col ?? null,
        p.numGroups,
        argmax,
        p.xRows,
      );
      return { dx };
    }
    case 'softmax':
      return { y: b.softmax(i.x!, p.rows, p.cols, p.log) };
    case 'softmaxBackward': {
      const y = keep(b.softmax(i.x!, p.rows, p.cols, p.log))!;
      return { dx: b.softmaxBackward(y, i.dy!, p.rows, p.cols, p.log) };
    }
    case 'loss':
      return { y: b.loss(p.kind, i.pred!, i.target!, p.param) };
    case 'lossBackward':
      return { dx: b.lossBackward(p.kind, i.pred!, i.target!, p.param, i.dloss!) };
    case 'crossEntropy':
      return { y: b.crossEntropy(i.logits!, i.labels!, p.rows, p.cols) };
    case 'crossEntropyBackward':
      return { dx: b.crossEntropyBackward(i.logits!, i.labels!, p.rows, p.cols, i.dloss!) };
    case 'sumAll':
      return { y: b.sumAll(i.x!) };
    case 'sumSquares':
      return { y: b.sumSquares(i.x!) };
    default:
      return raise('GNN_UNKNOWN_CASE_OP', { case: c.name, op: c.op });
  }
}

/** adamStep updates its inputs in place; the runner reports them as outputs. */
async function runAdamCase(b: Backend, c: KernelCase): Promise<Record<string, number[]>> {
  const s: Record<string, Storage> = {};
  try {
    for (const k of ['param', 'grad', 'm', 'v']) {
      s[k] = b.upload(Float32Array.from(c.inputs[k]!.data), 'float32');
    }
    b.adamStep(s.param!, s.grad!, s.m!, s.v!, c.params as never);
    await b.sync();
    const out: Record<string, number[]> = {};
    for (const k of ['param', 'm', 'v']) out[k] = Array.from(await b.download(s[k]!));
    return out;
  } finally {
    for (const v of Object.values(s)) b.release(v);
  }
}

/** Compares outputs with the expected values; returns one line per mismatch (first 5 per output). */
export function compareKernelCase(c: KernelCase, got: Record<string, number[]>): string[] {
  const tol = c.tolerance ?? { abs: 1e-5, rel: 1e-4 };
  const problems: string[] = [];
  for (const [k, want] of Object.entries(c.expected ?? {})) {
    const have = got[k];
    if (have === undefined) {
      problems.push(`${k}: missing output`);
      continue;
    }
    if (have.length !== want.length) {
      problems.push(`${k}: length ${have.length}, expected ${want.length}`);
      continue;
    }
    let shown = 0;
    for (let j = 0; j < want.length && shown < 5; j++) {
      const ok = Math.abs(have[j]! - want[j]!) <= tol.abs + tol.rel * Math.abs(want[j]!);
      if (!ok) {
        problems.push(`${k}[${j}] = ${have[j]}, expected ${want[j]}`);
        shown++;
      }
    }
  }
  return problems;
}

/**
 * Runs a case and throws an Error listing the mismatches (or the missing / wrong error code).
 * This is what a backend's test calls for every case of loadKernelCases().
 */
export async function checkKernelCase(b: Backend, c: KernelCase): Promise<void> {
  let got: Record<string, number[]> | undefined;
  try {
    got = c.op === 'adamStep' ? await runAdamCase(b, c) : await runKernelCase(b, c);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (c.error !== undefined && code === c.error) return;
    throw err;
  }
  if (c.error !== undefined) throw new Error(`${c.name}: expected error ${c.error}, got none`);
  const problems = compareKernelCase(c, got);
  if (problems.length > 0) throw new Error(`${c.name} on ${b.name}:\n  ${problems.join('\n  ')}`);
}
