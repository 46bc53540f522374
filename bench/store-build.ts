// SPDX-License-Identifier: Apache-2.0
// Store build benchmark: time to build the time-sorted store and bytes per stored edge for the
// workloads W1, W2 and W3 of ../shared/benchmarks/peers.md, with ratios against the peer's
// figures. Usage: npx tsx bench/store-build.ts [--quick | --scale S] [--runs N] [--threads N]
// [--workloads W1,W2,W3]
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { GraphStore } from '../src/store/graph-store.js';
import { generate, type WorkloadName } from './gen/workloads.js';
import { machineLines, markdownRow, markdownTable } from './report.js';

/** The peer's figures (PyG 2.5.3 + pyg-lib 0.4.0, peers.md): build seconds and bytes per edge. */
const PEER = {
  // "6.2-13.6 s for 20-40 million edges": 6.2 s read as the 20M-edge figure, 13.6 s as 40M.
  buildSeconds: { W1: 13.6, W2: 6.2, W3: null } as Record<WorkloadName, number | null>,
  bytesPerEdgeWithTime: 24,
};
const TARGET = { buildSpeedup: 4, bytesPerEdge: 16 };

const quick = process.argv.includes('--quick');
const argValue = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const scale = argValue('scale', quick ? 0.01 : 1);
const runs = argValue('runs', quick ? 3 : 3);
const threads = argValue('threads', os.cpus().length);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number, d = 2) => x.toFixed(d);

const COLUMNS = [
  'workload',
  'stored edges',
  'build s (median)',
  'cpu s',
  'peer s',
  'speedup',
  'target',
  'bytes/edge',
  'peer bytes/edge',
  'total MiB',
];

function header(): void {
  console.log(`# prequel store build benchmark`);
  for (const line of machineLines()) console.log(line);
  const note = scale !== 1 ? ', peer ratios only at scale 1' : '';
  console.log(
    `scale ${scale}${quick ? ' (--quick)' : ''}${note}, threads ${threads}, ` +
      `median of ${runs} builds`,
  );
  console.log('');
  for (const line of markdownTable(COLUMNS, [])) console.log(line);
}

async function run(name: WorkloadName): Promise<void> {
  const graph = generate(name, scale, 1);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let memory = { bytesPerEdge: 0, totalBytes: 0, numEdges: 0 };
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const store = await GraphStore.build(graph.spec, { threads });
    times.push((performance.now() - t0) / 1000);
    const c1 = process.cpuUsage(c0);
    cpuTimes.push((c1.user + c1.system) / 1e6);
    memory = store.memory();
    store.close();
  }
  const seconds = median(times);
  const peer = scale !== 1 ? null : PEER.buildSeconds[name];
  const speedup = peer === null ? 'n/a' : `${fmt(peer / seconds, 1)}x`;
  console.log(
    markdownRow([
      name,
      memory.numEdges.toLocaleString('en-US'),
      fmt(seconds, 3),
      fmt(median(cpuTimes), 3),
      peer ?? 'n/a',
      speedup,
      `>= ${TARGET.buildSpeedup}x`,
      fmt(memory.bytesPerEdge),
      PEER.bytesPerEdgeWithTime,
      fmt(memory.totalBytes / 2 ** 20, 1),
    ]),
  );
}

header();
const only = process.argv.indexOf('--workloads');
const names = (only < 0 ? 'W1,W2,W3' : process.argv[only + 1]!).split(',') as WorkloadName[];
for (const name of names) await run(name);
console.log('');
console.log('cpu s: process CPU time of the build (all threads); wall time suffers when the CPU');
console.log('is shared with other work, CPU time much less.');
console.log('bytes/edge counts rowptr, col and edge time of every edge type (target <= 16).');
console.log('W3 stores 4 edge types (2 foreign keys x 2 directions); the peer has no W3 figure.');
