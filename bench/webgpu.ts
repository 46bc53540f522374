// SPDX-License-Identifier: Apache-2.0
// WebGPU backend benchmark: matmul N x 128 @ 128 x 128, segment mean over CSR, gather rows, a
// kernel copy (the bandwidth baseline measured in the same run) and one GraphSAGE training step
// (bench/webgpu-sage.ts), with the CPU backend's step as the baseline when the addon is built.
// Prints machine, adapter, Node version and date with the numbers. On a software adapter
// (lavapipe) every figure is a CPU figure.
// Usage: npx tsx bench/webgpu.ts [--quick] [--repeats N] [--json FILE]
import { writeFileSync } from 'node:fs';
import type { Backend, Storage } from '../src/gnn/backend.js';
import { Rng } from '../src/gnn/random.js';
import { WebGpuBackend } from '../src/gnn/webgpu/backend.js';
import {
  makeSageBatch,
  SageModel,
  sageTrainStep,
  uploadBatch,
  type SageBatchShape,
} from './webgpu-sage.js';
import { machineLines, markdownRow } from './report.js';

const quick = process.argv.includes('--quick');
const jsonAt = process.argv.indexOf('--json');
const jsonPath = jsonAt >= 0 ? process.argv[jsonAt + 1] : undefined;
const repeatsAt = process.argv.indexOf('--repeats');
const DIM = 128;

// Workloads as data: full sizes follow issue 5. A matmul whose buffers exceed the adapter's
// binding limit is reported as skipped; segment and gather are scaled down to fit, and say so.
const WORKLOADS = {
  matmulRows: quick ? [10_000, 30_000] : [10_000, 100_000, 1_000_000],
  segment: quick
    ? { groups: 20_000, entries: 400_000 }
    : { groups: 1_000_000, entries: 20_000_000 },
  gather: quick ? { rows: 50_000, picks: 100_000 } : { rows: 1_000_000, picks: 1_000_000 },
  copyElements: quick ? 4_000_000 : 32_000_000,
  // Shaped like a W2 uniform batch: 1,024 seeds, fanouts [15, 10], about 119k sampled edges.
  sage: (quick
    ? { seeds: 256, hop1: 3_840, hop2: 20_000, edges1: 3_840, edges2: 26_000, dim: DIM }
    : {
        seeds: 1_024,
        hop1: 15_360,
        hop2: 80_000,
        edges1: 15_360,
        edges2: 104_000,
        dim: DIM,
      }) satisfies SageBatchShape,
  repeats: repeatsAt >= 0 ? Number(process.argv[repeatsAt + 1]) : quick ? 3 : 7,
};

interface Row {
  kernel: string;
  size: string;
  ms: number | null;
  gflops: number | null;
  gbs: number | null;
  note: string;
}

const rows: Row[] = [];

/** Median wall time of `run` (after one warm-up), each run finished with sync. */
async function time(b: Backend, run: () => Storage[]): Promise<number> {
  const once = async () => {
    const t0 = performance.now();
    const out = run();
    await b.sync();
    const ms = performance.now() - t0;
    out.forEach((s) => b.release(s));
    return ms;
  };
  await once();
  const times: number[] = [];
  for (let i = 0; i < WORKLOADS.repeats; i++) times.push(await once());
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

function fits(gpu: WebGpuBackend, bytes: number): boolean {
  return bytes <= gpu.maxBufferBytes;
}

function skip(kernel: string, size: string, bytes: number, gpu: WebGpuBackend): void {
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  const note = `skipped: ${mib(bytes)} MiB > limit ${mib(gpu.maxBufferBytes)} MiB`;
  rows.push({ kernel, size, ms: null, gflops: null, gbs: null, note });
}

function randomFloats(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.range(-1, 1);
  return out;
}

async function benchCopy(gpu: WebGpuBackend): Promise<number> {
  const n = WORKLOADS.copyElements;
  const x = gpu.upload(randomFloats(n, 1), 'float32');
  const ms = await time(gpu, () => [gpu.sliceCols(x, 1, n, 0, n)]);
  gpu.release(x);
  const gbs = (2 * n * 4) / ms / 1e6;
  rows.push({
    kernel: 'copy (baseline)',
    size: `${n} floats`,
    ms,
    gflops: null,
    gbs,
    note: 'read + write',
  });
  return gbs;
}

async function benchMatmul(gpu: WebGpuBackend): Promise<void> {
  const w = gpu.upload(randomFloats(DIM * DIM, 2), 'float32');
  for (const n of WORKLOADS.matmulRows) {
    const size = `${n} x ${DIM} @ ${DIM} x ${DIM}`;
    if (!fits(gpu, n * DIM * 4)) {
      skip('matmul', size, n * DIM * 4, gpu);
      continue;
    }
    const x = gpu.upload(randomFloats(n * DIM, 3), 'float32');
    const ms = await time(gpu, () => [gpu.matmul(x, [n, DIM], false, w, [DIM, DIM], false)]);
    gpu.release(x);
    const gflops = (2 * n * DIM * DIM) / ms / 1e6;
    const gbs = (2 * n * DIM * 4) / ms / 1e6;
    rows.push({ kernel: 'matmul', size, ms, gflops, gbs, note: '' });
  }
  gpu.release(w);
}

/** Rows of DIM floats that fit one binding; workloads larger than that are scaled down. */
function rowsThatFit(gpu: WebGpuBackend): number {
  return Math.floor(gpu.maxBufferBytes / (DIM * 4));
}

async function benchSegment(gpu: WebGpuBackend): Promise<void> {
  const want = WORKLOADS.segment;
  const groups = Math.min(want.groups, rowsThatFit(gpu));
  const entries = Math.round((want.entries * groups) / want.groups);
  const size = `${groups} groups, ${entries} entries, ${DIM} cols`;
  const note = groups < want.groups ? `scaled from ${want.groups} groups to fit the limit` : '';
  const rng = new Rng(4);
  const rowptr = Int32Array.from({ length: groups + 1 }, (_, g) =>
    Math.round((g * entries) / groups),
  );
  const col = Int32Array.from({ length: entries }, () => rng.int(groups));
  const [x, rp, c] = [
    gpu.upload(randomFloats(groups * DIM, 5), 'float32'),
    gpu.upload(rowptr, 'int32'),
    gpu.upload(col, 'int32'),
  ];
  const ms = await time(gpu, () => [gpu.segmentReduce('mean', x, DIM, rp, c, groups).y]);
  [x, rp, c].forEach((s) => gpu.release(s));
  // Bytes moved: gathered rows, output rows, col and rowptr.
  const bytes = entries * DIM * 4 + groups * DIM * 4 + entries * 4 + groups * 4;
  rows.push({ kernel: 'segment mean', size, ms, gflops: null, gbs: bytes / ms / 1e6, note });
}

async function benchGather(gpu: WebGpuBackend): Promise<void> {
  const want = WORKLOADS.gather;
  const n = Math.min(want.rows, rowsThatFit(gpu));
  const picks = Math.min(want.picks, rowsThatFit(gpu));
  const size = `${picks} of ${n} rows x ${DIM}`;
  const note = n < want.rows || picks < want.picks ? 'scaled to fit the limit' : '';
  const rng = new Rng(6);
  const x = gpu.upload(randomFloats(n * DIM, 7), 'float32');
  const index = gpu.upload(
    Int32Array.from({ length: picks }, () => rng.int(n)),
    'int32',
  );
  const ms = await time(gpu, () => [gpu.gatherRows(x, DIM, index, n)]);
  [x, index].forEach((s) => gpu.release(s));
  const bytes = 2 * picks * DIM * 4 + picks * 4;
  rows.push({ kernel: 'gather rows', size, ms, gflops: null, gbs: bytes / ms / 1e6, note });
}

async function benchSage(b: Backend, label: string): Promise<number> {
  const shape = WORKLOADS.sage;
  const batch = makeSageBatch(shape);
  const model = new SageModel(b, DIM);
  const t = uploadBatch(b, batch);
  const ms = await time(b, () => [sageTrainStep(b, model, shape, t)]);
  Object.values(t).forEach((s) => b.release(s));
  model.close();
  const size = `${shape.seeds} seeds, ${shape.edges1 + shape.edges2} edges`;
  rows.push({
    kernel: `GraphSAGE train step (${label})`,
    size,
    ms,
    gflops: null,
    gbs: null,
    note: '',
  });
  return ms;
}

async function cpuBaseline(): Promise<Backend | string> {
  try {
    const { createCpuBackend } = await import('../src/gnn/cpu-backend.js');
    return createCpuBackend();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const gpu = await WebGpuBackend.create();
try {
  const a = gpu.adapter;
  const lines = [
    `# prequel WebGPU benchmark${quick ? ' (--quick)' : ''}`,
    ...machineLines(),
    `adapter: ${a.vendor} / ${a.architecture} / ${a.device} / ${a.description}`,
    a.software
      ? 'NOTE: software adapter (lavapipe): every figure below is a CPU figure, not a GPU one.'
      : 'hardware adapter',
  ];
  const copyGbs = await benchCopy(gpu);
  await benchMatmul(gpu);
  await benchSegment(gpu);
  await benchGather(gpu);
  const gpuStep = await benchSage(gpu, 'webgpu');
  const cpu = await cpuBaseline();
  if (typeof cpu === 'string') {
    lines.push(`cpu backend baseline unavailable: ${cpu}`);
  } else {
    try {
      const cpuStep = await benchSage(cpu, 'cpu backend');
      lines.push(`train step ratio cpu / webgpu: ${(cpuStep / gpuStep).toFixed(2)}x`);
    } catch (err) {
      lines.push(
        `cpu backend baseline failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      cpu.close();
    }
  }

  const fmt = (v: number | null, digits = 2) => (v === null ? '-' : v.toFixed(digits));
  lines.push(
    '',
    '| kernel | size | ms | GFLOP/s | GB/s | of copy GB/s | note |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of rows) {
    const ofCopy = r.gbs === null ? '-' : `${((100 * r.gbs) / copyGbs).toFixed(0)}%`;
    lines.push(
      markdownRow([r.kernel, r.size, fmt(r.ms), fmt(r.gflops), fmt(r.gbs), ofCopy, r.note]),
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  if (jsonPath !== undefined) {
    writeFileSync(
      jsonPath,
      JSON.stringify({ header: lines.slice(0, 6), adapter: a, rows }, null, 2),
    );
  }
} finally {
  gpu.close();
}
