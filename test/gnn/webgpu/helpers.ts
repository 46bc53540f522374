// SPDX-License-Identifier: Apache-2.0
// Helpers for the WebGPU backend tests: seeded data, float64 loops to compare against, and a
// closeness check that names the first element off.
import { expect } from 'vitest';
import type { Backend, Storage } from '../../../src/gnn/backend.js';
import { Rng } from '../../../src/gnn/random.js';

export function randomFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.range(lo, hi));
}

export function randomInts(n: number, limit: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  return Int32Array.from({ length: n }, () => rng.int(limit));
}

/** op(a) @ op(b) in float64. */
export function matmul64(
  a: ArrayLike<number>,
  [ar, ac]: [number, number],
  transA: boolean,
  b: ArrayLike<number>,
  [br, bc]: [number, number],
  transB: boolean,
): Float64Array {
  const [m, k] = transA ? [ac, ar] : [ar, ac];
  const n = transB ? br : bc;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) {
        s += (transA ? a[t * ac + i] : a[i * ac + t]) * (transB ? b[j * bc + t] : b[t * bc + j]);
      }
      out[i * n + j] = s;
    }
  }
  return out;
}

/** Asserts |got - want| <= abs + rel |want| elementwise. */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  abs = 1e-5,
  rel = 1e-4,
): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= abs + rel * Math.abs(want[i]))) {
      expect.fail(`element ${i}: got ${got[i]}, want ${want[i]}`);
    }
  }
}

/** Downloads and releases. */
export async function take(b: Backend, s: Storage): Promise<number[]> {
  try {
    return Array.from(await b.download(s));
  } finally {
    b.release(s);
  }
}

/** Calls `fn` and returns the registry code it throws (undefined when it does not throw). */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? `uncoded: ${String(err)}`;
  }
  return undefined;
}
