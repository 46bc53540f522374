// SPDX-License-Identifier: Apache-2.0
// Feature encoding statistics and transforms, by semantic type. Statistics are fit only on rows
// visible at the training cutoff (row time <= cutoff; rows of static tables are always
// visible), so nothing about later rows leaks into how earlier rows are encoded.
//
// The transforms produce dense float inputs and integer bucket ids; the model's encoders
// (embeddings, linear layers) consume them.

const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;

/** Rows visible at `cutoff`: all rows when `times` is null (a static table). */
export function visibleRows(
  times: BigInt64Array | null,
  count: number,
  cutoff: bigint,
): Uint8Array {
  const visible = new Uint8Array(count).fill(1);
  if (times === null) return visible;
  for (let i = 0; i < count; i++) visible[i] = times[i]! <= cutoff ? 1 : 0;
  return visible;
}

export interface NumericalStats {
  mean: number;
  std: number;
  /** Visible non-null rows the statistics were fit on. */
  count: number;
}

/** Mean and standard deviation over visible, non-null values (std 1 when degenerate). */
export function fitNumerical(
  values: Float32Array,
  valid: Uint8Array | null,
  visible: Uint8Array,
): NumericalStats {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    if (!visible[i] || (valid !== null && !valid[i])) continue;
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    count++;
    const delta = v - mean;
    mean += delta / count;
    m2 += delta * (v - mean);
  }
  const std = count > 1 ? Math.sqrt(m2 / (count - 1)) : 0;
  return { mean, std: std > 1e-12 ? std : 1, count };
}

/**
 * Standardised values (clipped to +-10) and a null flag, two floats per row, written into
 * `out` at `offset` with row stride `stride`.
 */
export function encodeNumerical(
  stats: NumericalStats,
  values: ArrayLike<number>,
  valid: ArrayLike<number> | null,
  out: Float32Array,
  offset: number,
  stride: number,
): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const missing = (valid !== null && !valid[i]) || !Number.isFinite(v);
    const z = missing ? 0 : (v - stats.mean) / stats.std;
    out[i * stride + offset] = Math.max(-10, Math.min(10, z));
    out[i * stride + offset + 1] = missing ? 1 : 0;
  }
}

export interface CategoricalStats {
  /** Bucket per category code: 0 is the shared bucket for rare, unseen and null values. */
  bucketOf: Int32Array;
  buckets: number;
}

/**
 * Buckets for categorical codes in [0, vocabularySize): codes seen at least `minCount` times in
 * visible rows get their own bucket (1..), everything else shares bucket 0.
 */
export function fitCategorical(
  codes: Int32Array,
  vocabularySize: number,
  visible: Uint8Array,
  minCount = 2,
): CategoricalStats {
  const counts = new Int32Array(vocabularySize);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (visible[i] && c >= 0 && c < vocabularySize) counts[c]!++;
  }
  const bucketOf = new Int32Array(vocabularySize);
  let buckets = 1;
  for (let c = 0; c < vocabularySize; c++) bucketOf[c] = counts[c]! >= minCount ? buckets++ : 0;
  return { bucketOf, buckets };
}

/** Bucket of a code; negative (null) and out-of-vocabulary codes go to the shared bucket 0. */
export function categoricalBucket(stats: CategoricalStats, code: number): number {
  return code >= 0 && code < stats.bucketOf.length ? stats.bucketOf[code]! : 0;
}

/** FNV-1a hash of a string, 32-bit. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Hashed n-gram ids of a text for an embedding bag: lower-cased word unigrams and bigrams and
 * character trigrams of each word (with boundary marks), each mapped to [1, buckets); 0 is
 * reserved for padding. At most `limit` ids, in order of appearance.
 */
export function textNgrams(text: string, buckets: number, limit = 64): number[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const ids: number[] = [];
  const add = (token: string) => {
    if (ids.length < limit) ids.push(1 + (fnv1a(token) % (buckets - 1)));
  };
  for (let i = 0; i < words.length; i++) {
    add(`w:${words[i]}`);
    if (i + 1 < words.length) add(`b:${words[i]} ${words[i + 1]}`);
    const marked = `<${words[i]}>`;
    for (let j = 0; j + 3 <= marked.length; j++) add(`c:${marked.slice(j, j + 3)}`);
  }
  return ids;
}

/** Number of floats `encodeTimestamp` writes per value. */
export const TIMESTAMP_FEATURES = 8;

/**
 * A timestamp as cyclic features (hour of day, day of week, day of year as sine and cosine),
 * its age at the seed time in years (signed, scaled), and a null flag. Times are microseconds
 * since the epoch; seed times too.
 */
export function encodeTimestamp(
  value: bigint | null,
  seedTime: bigint,
  out: Float32Array,
  offset: number,
): void {
  if (value === null) {
    out.fill(0, offset, offset + TIMESTAMP_FEATURES);
    out[offset + TIMESTAMP_FEATURES - 1] = 1;
    return;
  }
  const ms = Number(value / 1000n);
  const hour = (((ms % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
  const weekday = ((((Math.floor(ms / DAY_MS) + 4) % 7) + 7) % 7) / 7; // 1970-01-01 was a Thursday
  const yearStart = Date.UTC(new Date(ms).getUTCFullYear(), 0, 1);
  const yearPhase = (ms - yearStart) / YEAR_MS;
  const cyc = [hour, weekday, yearPhase].map((p) => 2 * Math.PI * p);
  out[offset] = Math.sin(cyc[0]!);
  out[offset + 1] = Math.cos(cyc[0]!);
  out[offset + 2] = Math.sin(cyc[1]!);
  out[offset + 3] = Math.cos(cyc[1]!);
  out[offset + 4] = Math.sin(cyc[2]!);
  out[offset + 5] = Math.cos(cyc[2]!);
  out[offset + 6] = Number(seedTime / 1000n - value / 1000n) / YEAR_MS / 10;
  out[offset + 7] = 0;
}

/** Number of floats `encodeRelativeTime` writes per node. */
export const RELATIVE_TIME_FEATURES = 10;

/**
 * The temporal encoding of how long before the seed time a node was created: log1p of the age
 * in days, then sine and cosine of the age at periods of a day, a week, a month and a year.
 * Static nodes (no time) get all zeros but a flag in the last slot.
 */
export function encodeRelativeTime(
  seedTime: bigint,
  nodeTime: bigint | null,
  out: Float32Array,
  offset: number,
): void {
  if (nodeTime === null) {
    out.fill(0, offset, offset + RELATIVE_TIME_FEATURES);
    out[offset + RELATIVE_TIME_FEATURES - 1] = 1;
    return;
  }
  const days = Math.max(0, Number((seedTime - nodeTime) / 1000n)) / DAY_MS;
  out[offset] = Math.log1p(days) / 5;
  const periods = [1, 7, 30.44, 365.25];
  periods.forEach((p, k) => {
    const angle = (2 * Math.PI * days) / p;
    out[offset + 1 + 2 * k] = Math.sin(angle);
    out[offset + 2 + 2 * k] = Math.cos(angle);
  });
  out[offset + RELATIVE_TIME_FEATURES - 1] = 0;
}
