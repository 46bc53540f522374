// SPDX-License-Identifier: Apache-2.0
// Seeded parameter initialisation as commonly practised: Glorot (Xavier) uniform for layers
// followed by tanh / sigmoid / linear heads, Kaiming (He) for ReLU layers, zeros for biases.
import type { Backend } from './backend.js';
import { Rng } from './random.js';
import { parameter, type Tensor } from './tensor.js';

export type InitKind =
  'glorotUniform' | 'glorotNormal' | 'kaimingUniform' | 'kaimingNormal' | 'zeros';

/** Host values for a [fanIn, fanOut] weight drawn with `kind` from rng. */
export function initValues(kind: InitKind, fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const out = new Float32Array(fanIn * fanOut);
  if (kind === 'zeros') return out;
  const glorot = kind.startsWith('glorot');
  const variance = glorot ? 2 / (fanIn + fanOut) : 2 / fanIn;
  if (kind.endsWith('Uniform')) {
    const limit = Math.sqrt(3 * variance);
    for (let i = 0; i < out.length; i++) out[i] = rng.range(-limit, limit);
  } else {
    const std = Math.sqrt(variance);
    for (let i = 0; i < out.length; i++) out[i] = rng.normal() * std;
  }
  return out;
}

/** A trainable [fanIn, fanOut] weight. */
export function initWeight(
  backend: Backend,
  kind: InitKind,
  fanIn: number,
  fanOut: number,
  rng: Rng,
): Tensor {
  return parameter(backend, initValues(kind, fanIn, fanOut, rng), [fanIn, fanOut]);
}

/** A trainable [1, n] bias filled with value (0 by default). */
export function initBias(backend: Backend, n: number, value = 0): Tensor {
  return parameter(backend, new Float32Array(n).fill(value), [1, n]);
}
