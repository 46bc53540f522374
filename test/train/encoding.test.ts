// Feature encoding: statistics see only rows visible at the cutoff, rare and unseen categories
// share a bucket, hashed text ids stay in range, time features have their stated values.
import { describe, expect, it } from 'vitest';
import {
  categoricalBucket,
  encodeNumerical,
  encodeRelativeTime,
  encodeTimestamp,
  fitCategorical,
  fitNumerical,
  RELATIVE_TIME_FEATURES,
  textNgrams,
  TIMESTAMP_FEATURES,
  visibleRows,
} from '../../src/train/encoding.js';

const us = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

describe('numerical statistics', () => {
  it('ignore rows created after the cutoff (a planted future value changes nothing)', () => {
    const times = BigInt64Array.of(us('2020-01-01'), us('2020-02-01'), us('2021-01-01'));
    const visible = visibleRows(times, 3, us('2020-06-01'));
    expect(Array.from(visible)).toEqual([1, 1, 0]);
    const clean = fitNumerical(Float32Array.of(1, 3, 0), null, visible);
    const leaky = fitNumerical(Float32Array.of(1, 3, 1e6), null, visible);
    expect(leaky).toEqual(clean);
    expect(clean.mean).toBe(2);
    expect(clean.std).toBeCloseTo(Math.SQRT2, 6);
  });

  it('skip nulls, encode them as 0 with a flag, and clip outliers', () => {
    const stats = fitNumerical(
      Float32Array.of(2, 4, 100),
      Uint8Array.of(1, 1, 0),
      new Uint8Array(3).fill(1),
    );
    expect(stats.count).toBe(2);
    const out = new Float32Array(6);
    encodeNumerical(stats, [3, NaN, 1e9], [1, 1, 1], out, 0, 2);
    expect(Array.from(out)).toEqual([0, 0, 0, 1, 10, 0]);
  });

  it('treats every row of a static table as visible and a constant column as std 1', () => {
    expect(Array.from(visibleRows(null, 2, 0n))).toEqual([1, 1]);
    expect(fitNumerical(Float32Array.of(5, 5), null, Uint8Array.of(1, 1)).std).toBe(1);
  });
});

describe('categorical buckets', () => {
  it('share bucket 0 among rare, unseen, null and future-only categories', () => {
    const codes = Int32Array.of(0, 0, 1, 2, 2, 2, 3, 3, -1);
    const visible = Uint8Array.of(1, 1, 1, 1, 1, 1, 0, 0, 1);
    const stats = fitCategorical(codes, 5, visible, 2);
    expect(stats.buckets).toBe(3);
    expect([0, 1, 2, 3, 4, -1, 99].map((c) => categoricalBucket(stats, c))).toEqual([
      1, 0, 2, 0, 0, 0, 0,
    ]);
  });
});

describe('text n-grams', () => {
  it('are deterministic, case-insensitive and within [1, buckets)', () => {
    const a = textNgrams('Fast shipping, GREAT value', 1000);
    expect(a).toEqual(textNgrams('fast Shipping great VALUE', 1000));
    expect(a.length).toBeGreaterThan(4);
    expect(a.every((id) => id >= 1 && id < 1000)).toBe(true);
    expect(textNgrams('', 1000)).toEqual([]);
    expect(textNgrams('a b c d e f g h', 1000, 5)).toHaveLength(5);
  });
});

describe('time features', () => {
  it('encode a timestamp cyclically with its age at the seed time', () => {
    const out = new Float32Array(TIMESTAMP_FEATURES);
    // Monday 2024-01-01 00:00 UTC, seen ten years later.
    encodeTimestamp(us('2024-01-01T00:00:00Z'), us('2034-01-01T00:00:00Z'), out, 0);
    expect(out[0]).toBeCloseTo(0, 6); // hour: sin 0
    expect(out[1]).toBeCloseTo(1, 6); // hour: cos 0
    expect(out[2]).toBeCloseTo(Math.sin((2 * Math.PI) / 7), 6); // Monday = 1/7 of the week
    expect(out[4]).toBeCloseTo(0, 6); // first day of the year
    expect(out[6]).toBeCloseTo((10 * 365) / 365.25 / 10 + 3 / 365.25 / 10, 3);
    expect(out[7]).toBe(0);
    encodeTimestamp(null, 0n, out, 0);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('encode the age of a node relative to the seed, static nodes flagged', () => {
    const out = new Float32Array(RELATIVE_TIME_FEATURES);
    encodeRelativeTime(us('2024-01-08'), us('2024-01-01'), out, 0);
    expect(out[0]).toBeCloseTo(Math.log1p(7) / 5, 6);
    expect(out[3]).toBeCloseTo(0, 5); // a whole week: sin of the weekly period is 0
    expect(out[4]).toBeCloseTo(1, 5);
    encodeRelativeTime(us('2024-01-08'), null, out, 0);
    expect(out[RELATIVE_TIME_FEATURES - 1]).toBe(1);
  });
});
