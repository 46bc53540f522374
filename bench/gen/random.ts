// SPDX-License-Identifier: Apache-2.0
// Seeded random numbers for the benchmark generator: a 32-bit small-fast-counter generator
// (sfc32), Zipf-like ranks by inverting the continuous power-law CDF, and permutations.

/** A deterministic stream of uniform numbers. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.uint32();
  }

  /** A uniform integer in [0, 2^32). */
  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A uniform double in [0, 1). */
  uniform(): number {
    return this.uint32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

/** A random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/**
 * Samples `count` node ids with Zipf-like popularity: rank r in 1..n has probability about
 * r^-exponent (continuous approximation, exponent < 1), and ranks map to ids through `perm`.
 */
export function zipfIds(count: number, n: number, exponent: number, perm: Int32Array, rng: Rng) {
  const out = new Int32Array(count);
  const q = 1 - exponent;
  const top = Math.pow(n + 1, q) - 1;
  const inv = 1 / q;
  for (let i = 0; i < count; i++) {
    const rank = Math.floor(Math.pow(1 + rng.uniform() * top, inv)) - 1;
    out[i] = perm[rank < n ? rank : n - 1]!;
  }
  return out;
}

/** `count` int64 times uniform in [start, start + span), written without per-element BigInts. */
export function uniformTimes(count: number, start: number, span: number, rng: Rng) {
  const out = new BigInt64Array(count);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < count; i++) {
    // Times stay below 2^31, so the low word holds the value and the high word stays 0.
    words[2 * i] = start + Math.floor(rng.uniform() * span);
  }
  return out;
}

/** `rows * dim` float32 features, uniform in [-1, 1). */
export function uniformFeatures(rows: number, dim: number, rng: Rng): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform() * 2 - 1;
  return out;
}
