// SPDX-License-Identifier: Apache-2.0
// Finite-difference gradient checks on any Backend. `checkGradients` builds a scalar loss
// sum(f(inputs) * R) with a fixed random R, takes the autograd gradient of every input, and
// compares sampled entries with central differences. Float32 backends need a larger step and
// looser tolerance than the float64 reference; `gradTolerance` gives both.
import type { Backend } from '../../src/gnn/backend.js';
import { backward, densify } from '../../src/gnn/autograd.js';
import { mul, sum } from '../../src/gnn/ops.js';
import { Rng } from '../../src/gnn/random.js';
import { Tensor, parameter, scope, tensor } from '../../src/gnn/tensor.js';

export interface GradInput {
  shape: [number, number];
  data: Float64Array;
}

export interface GradTolerance {
  /** Finite-difference step. */
  eps: number;
  abs: number;
  rel: number;
  /** Entries checked per input (sampled, always including the first and last). */
  samples: number;
}

export function gradTolerance(backend: Backend): GradTolerance {
  return backend.name === 'reference'
    ? { eps: 1e-6, abs: 1e-6, rel: 1e-5, samples: 24 }
    : { eps: 3e-3, abs: 4e-3, rel: 3e-2, samples: 12 };
}

async function lossValue(
  backend: Backend,
  f: (xs: Tensor[]) => Tensor,
  inputs: GradInput[],
  r: Float64Array,
): Promise<number> {
  return scope(async () => {
    const xs = inputs.map((i) => tensor(backend, i.data, i.shape));
    const y = f(xs);
    return (await sum(mul(y, tensor(backend, r, [y.rows, y.cols]))).item()) as number;
  });
}

/**
 * Compares autograd with central differences for every input of f; returns one line per
 * mismatch (empty when all agree). Leaves no tensor behind.
 */
export async function checkGradients(
  backend: Backend,
  f: (xs: Tensor[]) => Tensor,
  inputs: GradInput[],
  seed = 1,
  tol = gradTolerance(backend),
): Promise<string[]> {
  const rng = new Rng(seed);

  // Output shape and projection R.
  const outShape = await scope(async () => {
    const y = f(inputs.map((i) => tensor(backend, i.data, i.shape)));
    return [y.rows, y.cols] as const;
  });
  const r = Float64Array.from({ length: outShape[0] * outShape[1] }, () => rng.range(-1, 1));

  // Analytic gradients.
  const analytic = await scope(async () => {
    const params = inputs.map((i) => parameter(backend, i.data, i.shape));
    try {
      const y = f(params);
      const loss = sum(mul(y, tensor(backend, r, [y.rows, y.cols])));
      const grads = backward(loss, params);
      const out: (Float32Array | Float64Array | Int32Array | null)[] = [];
      for (const p of params) {
        const g = grads.get(p);
        out.push(g === undefined ? null : await densify(g).data());
      }
      return out;
    } finally {
      for (const p of params) p.dispose();
    }
  });

  const problems: string[] = [];
  for (let k = 0; k < inputs.length; k++) {
    const input = inputs[k]!;
    const n = input.data.length;
    const picks = new Set([0, n - 1]);
    while (picks.size < Math.min(n, tol.samples)) picks.add(rng.int(n));
    for (const i of picks) {
      const orig = input.data[i]!;
      input.data[i] = orig + tol.eps;
      const up = await lossValue(backend, f, inputs, r);
      input.data[i] = orig - tol.eps;
      const down = await lossValue(backend, f, inputs, r);
      input.data[i] = orig;
      const numeric = (up - down) / (2 * tol.eps);
      const got = analytic[k]?.[i] ?? 0;
      if (!(Math.abs(got - numeric) <= tol.abs + tol.rel * Math.abs(numeric))) {
        problems.push(`input ${k}[${i}]: autograd ${got}, finite difference ${numeric}`);
      }
    }
  }
  return problems;
}
