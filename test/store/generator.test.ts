// The benchmark generator is deterministic, has the shape of peers.md's workloads at any scale,
// and writes arrays that read back identically.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, TIME_SPAN, TIME_START, features } from '../../bench/gen/workloads.js';
import { writeGraph } from '../../bench/gen/write.js';
import { GraphStore } from '../../src/store/graph-store.js';

describe('benchmark generator', () => {
  it('gives the same arrays for the same seed and different ones for another seed', () => {
    const a = generate('W1', 0.001, 5);
    const b = generate('W1', 0.001, 5);
    const c = generate('W1', 0.001, 6);
    expect(a.spec.edgeTypes[0]!.srcIds).toEqual(b.spec.edgeTypes[0]!.srcIds);
    expect(a.spec.edgeTypes[0]!.time).toEqual(b.spec.edgeTypes[0]!.time);
    expect(a.spec.edgeTypes[0]!.dstIds).not.toEqual(c.spec.edgeTypes[0]!.dstIds);
    expect(features(a, 'product')).toEqual(features(b, 'product'));
  });

  it('scales counts, keeps times in the two-year window and skews popularity', () => {
    const g = generate('W1', 0.01, 1);
    expect(g.spec.nodeTypes.map((n) => [n.name, n.count])).toEqual([
      ['customer', 10_000],
      ['product', 1_000],
    ]);
    const e = g.spec.edgeTypes[0]!;
    const dst = e.dstIds as Int32Array;
    expect(dst.length).toBe(200_000);
    const time = e.time as BigInt64Array;
    let lo = time[0]!;
    let hi = time[0]!;
    for (const t of time) {
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    expect(lo >= BigInt(TIME_START) && hi < BigInt(TIME_START + TIME_SPAN)).toBe(true);
    // Zipf a = 0.8 over 1,000 products: the most popular one takes about 1 / H(1000, 0.8), ~3.5%.
    const degree = new Int32Array(1000);
    for (const d of dst) degree[d]!++;
    const top = Math.max(...degree) / dst.length;
    expect(top).toBeGreaterThan(0.02);
    expect(top).toBeLessThan(0.06);
    // The most popular product is not simply id 0: ranks go through a random permutation.
    expect(degree.indexOf(Math.max(...degree))).not.toBe(0);
  });

  it('builds W2 and W3 with the documented types', () => {
    const w2 = generate('W2', 0.001);
    expect(w2.spec.edgeTypes.map((e) => `${e.src}__${e.relation}__${e.dst}`)).toEqual([
      'node__links__node',
    ]);
    const w3 = generate('W3', 0.001);
    expect(w3.spec.nodeTypes.map((n) => n.name)).toEqual(['customer', 'product', 'transaction']);
    const store = GraphStore.buildSync(w3.spec);
    try {
      expect(store.edgeTypes.map((e) => e.name)).toEqual([
        'transaction__f2p_customer_id__customer',
        'customer__rev_f2p_customer_id__transaction',
        'transaction__f2p_product_id__product',
        'product__rev_f2p_product_id__transaction',
      ]);
      // Every transaction has exactly one customer and one product.
      const rev = store.edgeArrays('customer__rev_f2p_customer_id__transaction');
      expect(rev.rowptr.every((v, i) => v === BigInt(i))).toBe(true);
    } finally {
      store.close();
    }
  });

  it('writes little-endian arrays described by graph.json', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'prequel-gen-'));
    try {
      const g = generate('W1', 0.001, 3);
      writeGraph(g, dir, ['product']);
      const desc = JSON.parse(readFileSync(path.join(dir, 'graph.json'), 'utf8'));
      const e = desc.edgeTypes[1];
      expect(e.name).toBe('product__rev_bought__customer');
      const buf = readFileSync(path.join(dir, e.srcIds));
      const src = new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
      expect(src).toEqual(g.spec.edgeTypes[1]!.srcIds);
      const f = readFileSync(path.join(dir, desc.nodeTypes[1].features));
      expect(f.byteLength).toBe(desc.nodeTypes[1].count * 128 * 4);
      expect(desc.nodeTypes[0].features).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
