// SPDX-License-Identifier: Apache-2.0
// Sampling benchmark: sampled edges per second for W1, W2 and W3 (../shared/benchmarks/peers.md)
// in uniform, t-edge and t-node modes, fanouts [15, 10], batches of 1,024 seeds with seed times
// uniform over the two years; at 1 thread, 2 native threads and 2 pool workers, with ratios
// against the peer's figures. Usage:
//   npx tsx bench/sample.ts [--quick | --scale S] [--batches N] [--workloads W1,W2,W3]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sampleSync, SamplerPool, type SampleOptions } from '../src/sampler/index.js';
import { GraphStore } from '../src/store/graph-store.js';
import { generate, TIME_SPAN, TIME_START, type WorkloadName } from './gen/workloads.js';
import { Rng } from './gen/random.js';
import { machineLines, markdownRow, markdownTable } from './report.js';
import {
  BATCH_SIZE,
  CASES,
  FANOUTS,
  MODES,
  PEER,
  TARGET,
  withoutEdgeTimes,
  type Mode,
} from './sample-workloads.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const arg = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? undefined : argv[i + 1];
};
const scale = Number(arg('scale') ?? (quick ? 0.02 : 1));
const batches = Number(arg('batches') ?? (quick ? 8 : 25));
const workloads = (arg('workloads') ?? 'W1,W2,W3').split(',') as WorkloadName[];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number | undefined, d = 2) => (x === undefined ? '—' : x.toFixed(d));
function int(x: number | undefined): string {
  return x === undefined ? '—' : Math.round(x).toLocaleString('en');
}

interface Row {
  workload: WorkloadName;
  mode: Mode;
  edgesPerBatch: number;
  /** Million sampled edges per second: median over batches (1 thread, 2 threads), or total
   * edges over wall time for the pool. */
  one: number;
  /** The fastest batch at 1 thread: what the sampler does when it gets a core to itself. */
  oneBest: number;
  twoThreads: number;
  twoWorkers: number;
}

/** The seed plan of a run: ids uniform over the seed type, times uniform over the two years. */
function plan(count: number, n: number, seed: number) {
  const rng = new Rng(seed);
  const seeds = Int32Array.from({ length: n }, () => rng.below(count));
  const seedTimes = BigInt64Array.from(seeds, () => BigInt(TIME_START + rng.below(TIME_SPAN)));
  return { seeds, seedTimes };
}

function options(mode: Mode, seedType: string, seeds: Int32Array, times: BigInt64Array) {
  const temporal = MODES[mode].temporal;
  const base: SampleOptions = { seedType, seeds, fanouts: FANOUTS, randomSeed: 1n };
  return temporal ? { ...base, seedTimes: times } : { ...base, dedup: 'batch' as const };
}

// Median rate over `batches` batches sampled in this thread with `threads` native threads. The
// loop yields to the event loop between batches (untimed), as an async training loop does: the
// output arrays of spent batches are released there (their finalizers run on the event loop), so
// their memory is reused instead of fresh pages being faulted in for every batch.
async function inThread(store: GraphStore, mode: Mode, seedType: string, threads: number) {
  const count = store.nodeType(seedType).count;
  const { seeds, seedTimes } = plan(count, BATCH_SIZE * (batches + 2), 7);
  const rates: number[] = [];
  const edges: number[] = [];
  for (let b = 0; b < batches + 2; b++) {
    await new Promise((resolve) => setImmediate(resolve));
    const at = b * BATCH_SIZE;
    const o = options(
      mode,
      seedType,
      seeds.subarray(at, at + BATCH_SIZE),
      seedTimes.subarray(at, at + BATCH_SIZE),
    );
    const t0 = performance.now();
    const s = sampleSync(store, { ...o, threads, randomSeed: BigInt(b) });
    const ms = performance.now() - t0;
    if (b < 2) continue; // warm-up
    rates.push(s.numEdges / ms / 1000);
    edges.push(s.numEdges);
  }
  return { rate: median(rates), best: Math.max(...rates), edgesPerBatch: median(edges) };
}

// Throughput of a pool of `workers` workers over `batches` batches (after a warm-up pass).
async function inPool(dir: string, mode: Mode, seedType: string, count: number, workers: number) {
  const pool = SamplerPool.open({ storeDir: dir, workers });
  try {
    const { seeds, seedTimes } = plan(count, BATCH_SIZE * batches, 9);
    const o = {
      ...options(mode, seedType, seeds, seedTimes),
      batchSize: BATCH_SIZE,
      prefetch: 2 * workers,
    };
    await pool.ready(); // every worker started and the store mapped
    const warm = plan(count, BATCH_SIZE * batches, 13);
    const warmUp = options(mode, seedType, warm.seeds, warm.seedTimes);
    for await (const _ of pool.batches({ ...warmUp, batchSize: BATCH_SIZE })) {
      // a pass over other seeds: maps the store's hot pages, as in steady use
    }
    let edges = 0;
    const t0 = performance.now();
    for await (const batch of pool.batches(o)) edges += batch.subgraph.numEdges;
    return edges / (performance.now() - t0) / 1000;
  } finally {
    await pool.close();
  }
}

async function runWorkload(workload: WorkloadName, seedType: string, modes: Mode[], tmp: string) {
  const graph = generate(workload, scale, 1);
  const stores = {
    'edge-times': await GraphStore.build(graph.spec),
    'node-times': await GraphStore.build(withoutEdgeTimes(graph.spec)),
  };
  const rows: Row[] = [];
  try {
    const dirs = {
      'edge-times': path.join(tmp, `${workload}-e`),
      'node-times': path.join(tmp, `${workload}-n`),
    };
    await stores['edge-times'].save(dirs['edge-times']);
    await stores['node-times'].save(dirs['node-times']);
    for (const mode of modes) {
      const store = stores[MODES[mode].store];
      const one = await inThread(store, mode, seedType, 1);
      const two = await inThread(store, mode, seedType, 2);
      const count = store.nodeType(seedType).count;
      const pool = await inPool(dirs[MODES[mode].store], mode, seedType, count, 2);
      rows.push({
        workload,
        mode,
        edgesPerBatch: one.edgesPerBatch,
        one: one.rate,
        oneBest: one.best,
        twoThreads: two.rate,
        twoWorkers: pool,
      });
      printRow(rows.at(-1)!);
    }
  } finally {
    stores['edge-times'].close();
    stores['node-times'].close();
  }
  return rows;
}

const COLUMNS = [
  'workload',
  'mode',
  'edges/batch',
  'peer edges/batch',
  'M 1 thread',
  'best batch',
  'peer M',
  'ratio',
  'ratio (best)',
  'M 2 threads',
  'M 2 workers',
  'peer M (2)',
  'ratio (2 workers)',
];

function printHeader(): void {
  console.log('# prequel sampling benchmark');
  for (const line of machineLines()) console.log(line);
  console.log(
    `scale ${scale}${quick ? ' (--quick)' : ''}, fanouts [${FANOUTS.join(', ')}], ` +
      `batches of ${BATCH_SIZE} seeds, median of ${batches} batches; ` +
      'M = million sampled edges per second',
  );
  if (scale !== 1)
    console.log('peer figures are for scale 1: ratios at other scales are indicative only');
  const { oneThread, twoWorkers } = TARGET;
  console.log(`targets: >= ${oneThread}x the peer at 1 thread, >= ${twoWorkers}x with 2 workers`);
  console.log('');
  for (const line of markdownTable(COLUMNS, [])) console.log(line);
}

function ratio(x: number, peer: number | undefined): string {
  return peer === undefined ? '—' : `${fmt(x / peer, 1)}x`;
}

function printRow(r: Row): void {
  const p1 = PEER[`${r.workload}/${r.mode}/1`]?.mEdgesPerSec;
  const p2 = PEER[`${r.workload}/${r.mode}/2`]?.mEdgesPerSec;
  const peerEdges = PEER[`${r.workload}/${r.mode}/1`]?.edgesPerBatch;
  console.log(
    markdownRow([
      r.workload,
      r.mode,
      int(r.edgesPerBatch),
      int(peerEdges),
      fmt(r.one),
      fmt(r.oneBest),
      fmt(p1),
      ratio(r.one, p1),
      ratio(r.oneBest, p1),
      fmt(r.twoThreads),
      fmt(r.twoWorkers),
      fmt(p2),
      ratio(r.twoWorkers, p2),
    ]),
  );
}

async function main(): Promise<void> {
  printHeader();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'prequel-bench-sample-'));
  try {
    for (const c of CASES.filter((c) => workloads.includes(c.workload))) {
      await runWorkload(c.workload, c.seedType, c.modes, tmp);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log('');
  console.log(
    '2 threads: one native call split over 2 threads; 2 workers: a SamplerPool of 2 workers',
  );
  console.log(
    'sharing one memory-mapped store (throughput over all batches). The CPU may be shared.',
  );
}

await main();
