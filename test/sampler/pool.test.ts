// The worker pool: workers memory-map one saved store; batches come back in order, the same
// whatever the number of workers; worker errors reject the iterator with their coded error.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchRandomSeed,
  sampleSync,
  SamplerPool,
  type BatchOptions,
  type SampledBatch,
} from '../../src/sampler/index.js';
import { buildStore, digest, mediumGraph, prng } from './reference.js';

const graph = mediumGraph(5, 2000, 500, 20000);
const rand = prng(3);
const seeds = Int32Array.from({ length: 500 }, () => Math.floor(rand() * 2000));
const seedTimes = BigInt64Array.from(seeds, () => BigInt(Math.floor(rand() * 1000)));
const plan: BatchOptions = {
  seedType: 'user',
  seeds,
  seedTimes,
  fanouts: [10, 5],
  batchSize: 64,
  randomSeed: 42n,
};

let dir = '';
let storeDir = '';
// Shared by the tests below: starting a worker from source costs a TypeScript load.
let one: SamplerPool;
let two: SamplerPool;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'prequel-pool-'));
  storeDir = path.join(dir, 'store');
  const store = buildStore(graph);
  try {
    store.saveSync(storeDir);
  } finally {
    store.close();
  }
  one = SamplerPool.open({ storeDir, workers: 1 });
  two = SamplerPool.open({ storeDir, workers: 2 });
});

afterAll(async () => {
  await Promise.all([one.close(), two.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function collect(pool: SamplerPool, options: BatchOptions): Promise<SampledBatch[]> {
  const out: SampledBatch[] = [];
  for await (const batch of pool.batches(options)) out.push(batch);
  return out;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('sampler pool', () => {
  it('gives the same batches with 1 and 2 workers, equal to sampling in-thread', async () => {
    const [a, b] = await Promise.all([collect(one, plan), collect(two, { ...plan, prefetch: 5 })]);
    expect(a.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(b.map((x) => digest(x.subgraph))).toEqual(a.map((x) => digest(x.subgraph)));
    expect(a[7]!.seeds.length).toBe(500 - 7 * 64);

    const store = buildStore(graph);
    try {
      for (const batch of [a[0]!, a[7]!]) {
        const local = sampleSync(store, {
          ...plan,
          seeds: batch.seeds,
          seedTimes: batch.seedTimes,
          randomSeed: batchRandomSeed(42n, batch.index),
        });
        expect(digest(batch.subgraph)).toEqual(digest(local));
      }
    } finally {
      store.close();
    }
  });

  it('rejects the iterator with the coded error raised in a worker', async () => {
    // Id 2000 is past the user count: only the workers, which have the store, can tell.
    const bad = Int32Array.from(seeds);
    bad[200] = 2000;
    const got: number[] = [];
    const run = (async () => {
      for await (const batch of two.batches({ ...plan, seeds: bad })) got.push(batch.index);
    })();
    await expect(run).rejects.toMatchObject({ code: 'SAMPLER_BAD_SEEDS' });
    expect(got).toEqual([0, 1, 2]);
    // The pool is still usable after a failed batch.
    const first = { seeds: seeds.subarray(0, 8), seedTimes: seedTimes.subarray(0, 8) };
    expect((await two.sample({ ...plan, ...first })).numSeeds).toBe(8);
  });

  it('ready() resolves once every worker has opened the store', async () => {
    await two.ready();
    expect(two.closed).toBe(false);
  });

  it('rejects with the store error when the workers cannot open the store', async () => {
    const pool = SamplerPool.open({ storeDir: path.join(dir, 'missing'), workers: 1 });
    try {
      expect(await codeOf(pool.ready())).toMatch(/^STORE_/);
      const code = await codeOf(collect(pool, plan));
      expect(code).toMatch(/^STORE_/);
    } finally {
      await pool.close();
    }
  });

  it('stops cleanly: early break, close during iteration, use after close', async () => {
    const pool = SamplerPool.open({ storeDir, workers: 1 });
    for await (const batch of pool.batches(plan)) {
      expect(batch.index).toBe(0);
      break;
    }
    const iterator = pool.batches({ ...plan, batchSize: 8, prefetch: 4 });
    expect((await iterator.next()).done).toBe(false);
    await pool.close();
    await pool.close();
    expect(pool.closed).toBe(true);
    expect(await codeOf(collect(pool, plan))).toBe('SAMPLER_POOL_CLOSED');
    expect(await codeOf(pool.sample({ ...plan }))).toBe('SAMPLER_POOL_CLOSED');
  });

  it('rejects bad pool options and bad plans with coded errors', async () => {
    expect(() => SamplerPool.open({ storeDir: '' })).toThrow(
      expect.objectContaining({ code: 'SAMPLER_BAD_OPTION' }),
    );
    expect(() => SamplerPool.open({ storeDir, workers: 0 })).toThrow(
      expect.objectContaining({ code: 'SAMPLER_BAD_OPTION' }),
    );
    expect(() => one.batches({ ...plan, batchSize: 0 })).toThrow(
      expect.objectContaining({ code: 'SAMPLER_BAD_OPTION' }),
    );
    expect(() => one.batches({ ...plan, seedTimes: seedTimes.subarray(1) })).toThrow(
      expect.objectContaining({ code: 'SAMPLER_BAD_SEED_TIMES' }),
    );
    expect(() => one.batches({ ...plan, fanouts: [1, -4] })).toThrow(
      expect.objectContaining({ code: 'SAMPLER_BAD_FANOUTS' }),
    );
  });
});
