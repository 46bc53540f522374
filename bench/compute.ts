// SPDX-License-Identifier: Apache-2.0
// Compute benchmark of the CPU backend: matmul N x 128 by 128 x 128, segment mean over CSR,
// gather, and one GraphSAGE training step on W1 / W2-shaped batches, next to this machine's
// measured BLAS peak (a large sgemm) and copy bandwidth, and the peer's train step from
// ../shared/benchmarks/peers.md. Run: npx tsx bench/compute.ts [--quick] [--threads=1,2]
import type { Backend, Storage } from '../src/gnn/backend.js';
import { createCpuBackend } from '../src/gnn/cpu-backend.js';
import { Rng } from '../src/gnn/random.js';
import { native } from '../src/native/index.js';
import { batchShapes, trainBench } from './compute-train.js';
import { machineLines } from './report.js';

const quick = process.argv.includes('--quick');
const threadsArg = process.argv.find((a) => a.startsWith('--threads='));
const threadList = threadsArg ? threadsArg.slice(10).split(',').map(Number) : [1, 2];

/** Workloads as data: full sizes and --quick sizes. */
const workloads = {
  matmulRows: quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000],
  segment: quick
    ? { groups: 100_000, entries: 2_000_000 }
    : { groups: 1_000_000, entries: 20_000_000 },
  gather: quick ? { tableRows: 100_000, rows: 100_000 } : { tableRows: 1_000_000, rows: 1_000_000 },
  peakGemm: quick ? 1024 : 2048,
  copyBytes: quick ? 64 << 20 : 256 << 20,
  trainSteps: quick ? 3 : 9,
  trainTableRows: quick ? 100_000 : 1_000_000,
  repeats: 3,
};
const DIM = 128;

async function median(repeats: number, run: () => Promise<void>): Promise<number> {
  await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Times an op that returns storages (released after each run). */
function timed(b: Backend, op: () => Storage | Storage[]) {
  return median(workloads.repeats, async () => {
    const out = op();
    await b.sync();
    for (const s of Array.isArray(out) ? out : [out]) b.release(s);
  });
}

const rows: string[][] = [];
const row = (...cells: (string | number)[]) => rows.push(cells.map(String));
const f1 = (v: number) => v.toFixed(1);

async function kernels(b: Backend, threads: number) {
  const rng = new Rng(1);
  const random = (n: number) => Float32Array.from({ length: n }, () => rng.range(-1, 1));

  const n = workloads.peakGemm;
  const big = b.upload(random(n * n), 'float32');
  // Peak: the best of several runs of a large product.
  let peakMs = Infinity;
  for (let i = 0; i < 4; i++) {
    peakMs = Math.min(
      peakMs,
      await timed(b, () => b.matmul(big, [n, n], false, big, [n, n], false)),
    );
  }
  const peak = (2 * n ** 3) / peakMs / 1e6;
  row(threads, `sgemm ${n}^3 (BLAS peak)`, f1(peakMs), f1(peak), '', '100%');
  b.release(big);

  const w = b.upload(random(DIM * DIM), 'float32');
  for (const m of workloads.matmulRows) {
    const x = b.upload(random(m * DIM), 'float32');
    const ms = await timed(b, () => b.matmul(x, [m, DIM], false, w, [DIM, DIM], false));
    const gflops = (2 * m * DIM * DIM) / ms / 1e6;
    const gbs = (2 * m * DIM * 4) / ms / 1e6;
    row(
      threads,
      `matmul ${m} x 128 x 128`,
      f1(ms),
      f1(gflops),
      f1(gbs),
      `${((100 * gflops) / peak).toFixed(0)}%`,
    );
    b.release(x);
  }
  b.release(w);

  const { groups, entries } = workloads.segment;
  const x = b.upload(random(groups * DIM), 'float32');
  const rowptr = Int32Array.from({ length: groups + 1 }, (_, g) =>
    Math.floor((g * entries) / groups),
  );
  const col = Int32Array.from({ length: entries }, () => rng.int(groups));
  const rp = b.upload(rowptr, 'int32');
  const cs = b.upload(col, 'int32');
  const segMs = await timed(b, () => b.segmentReduce('mean', x, DIM, rp, cs, groups).y);
  const segBytes = entries * DIM * 4 + entries * 4 + groups * DIM * 4;
  row(
    threads,
    `segment mean ${groups} groups, ${entries} entries`,
    f1(segMs),
    '',
    f1(segBytes / segMs / 1e6),
    '',
  );
  // Backward (not in the train step: layer 1 reads raw features, which need no gradient) runs
  // on a prefix of the groups in full mode to keep the run short.
  const backGroups = quick ? groups : Math.floor(groups / 10);
  const backEntries = rowptr[backGroups]!;
  const rpBack = b.upload(rowptr.subarray(0, backGroups + 1), 'int32');
  const dy = b.upload(random(backGroups * DIM), 'float32');
  const backMs = await timed(b, () =>
    b.segmentReduceBackward('mean', dy, DIM, rpBack, cs, backGroups, null, groups),
  );
  const backBytes = backEntries * DIM * 4 + backEntries * 8 + groups * DIM * 4;
  const backName = `segment mean backward ${backGroups} groups, ${backEntries} entries`;
  row(threads, backName, f1(backMs), '', f1(backBytes / backMs / 1e6), '');
  for (const s of [rp, rpBack, cs, dy]) b.release(s);

  const g = workloads.gather;
  const index = b.upload(
    Int32Array.from({ length: g.rows }, () => rng.int(g.tableRows)),
    'int32',
  );
  const table = g.tableRows === groups ? x : b.upload(random(g.tableRows * DIM), 'float32');
  const gatherMs = await timed(b, () => b.gatherRows(table, DIM, index, g.tableRows));
  row(
    threads,
    `gather ${g.rows} rows of 128`,
    f1(gatherMs),
    '',
    f1((2 * g.rows * DIM * 4) / gatherMs / 1e6),
    '',
  );
  const scatterMs = await timed(b, () => b.scatterAddRows(table, DIM, index, g.tableRows));
  row(
    threads,
    `scatter-add ${g.rows} rows of 128`,
    f1(scatterMs),
    '',
    f1((2 * g.rows * DIM * 4) / scatterMs / 1e6),
    '',
  );
  b.release(index);
  if (table !== x) b.release(table);
  b.release(x);
}

async function train(b: Backend, threads: number) {
  for (const shape of batchShapes) {
    const bench = trainBench(b, shape, workloads.trainTableRows);
    try {
      const ms = await median(workloads.trainSteps, async () => {
        await bench.step();
      });
      const peer = shape.peerMs[threads - 1] ?? null;
      const ratio =
        peer === null ? 'no peer figure' : `${(peer / ms).toFixed(2)}x faster (peer ${peer} ms)`;
      row(threads, `train step ${shape.name}`, f1(ms), f1(bench.flops / ms / 1e6), '', ratio);
    } finally {
      bench.dispose();
    }
  }
}

function copyBandwidth(): number {
  const src = new Float32Array(workloads.copyBytes / 4).fill(1);
  const dst = new Float32Array(src.length);
  dst.set(src);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    dst.set(src);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return (2 * workloads.copyBytes) / times[2]! / 1e6;
}

console.log(`prequel compute benchmark ${quick ? '(--quick sizes)' : '(full sizes)'}`);
for (const line of machineLines()) console.log(line);
console.log(`copy bandwidth (memcpy, 1 thread, read + write): ${f1(copyBandwidth())} GB/s`);
console.log('the CPU is shared with other processes: figures are noisy; compare ratios in one run');

const backend = createCpuBackend();
for (const threads of threadList) {
  native().computeSetThreads(threads);
  await kernels(backend, threads);
  await train(backend, threads);
}
backend.close();

const header = ['threads', 'workload', 'ms (median)', 'GFLOP/s', 'GB/s', 'vs peak / peer'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
