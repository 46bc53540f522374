// SPDX-License-Identifier: Apache-2.0
// The sampling benchmark's cases as data: workloads, modes, seed types and the peer's figures
// (PyG 2.5.3 + pyg-lib 0.4.0, ../shared/benchmarks/peers.md, median of 25 batches).
import type { GraphSpec } from '../src/store/graph-def.js';
import type { WorkloadName } from './gen/workloads.js';

export type Mode = 'uniform' | 't-edge' | 't-node';

export interface ModeDef {
  mode: Mode;
  /** uniform: no seed times, nodes deduplicated across the batch; temporal: one tree per seed. */
  temporal: boolean;
  /** Which store the mode samples: built with edge times, or with node times only. */
  store: 'edge-times' | 'node-times';
}

export const MODES: Record<Mode, ModeDef> = {
  uniform: { mode: 'uniform', temporal: false, store: 'edge-times' },
  't-edge': { mode: 't-edge', temporal: true, store: 'edge-times' },
  't-node': { mode: 't-node', temporal: true, store: 'node-times' },
};

export interface SampleCase {
  workload: WorkloadName;
  seedType: string;
  modes: Mode[];
}

// W3's key edges carry no time of their own (rows order them), so its t-edge equals t-node.
export const CASES: SampleCase[] = [
  { workload: 'W1', seedType: 'customer', modes: ['uniform', 't-edge', 't-node'] },
  { workload: 'W2', seedType: 'node', modes: ['uniform', 't-edge', 't-node'] },
  { workload: 'W3', seedType: 'customer', modes: ['uniform', 't-node'] },
];

export const FANOUTS = [15, 10];
export const BATCH_SIZE = 1024;

export interface PeerFigure {
  edgesPerBatch: number;
  /** Million sampled edges per second (first run; the second run is in peers.md). */
  mEdgesPerSec: number;
}

/** Peer figures by workload, mode and thread count; absent where the peer has none. */
export const PEER: Partial<Record<string, PeerFigure>> = {
  'W2/uniform/1': { edgesPerBatch: 119_359, mEdgesPerSec: 7.25 },
  'W2/uniform/2': { edgesPerBatch: 119_295, mEdgesPerSec: 6.57 },
  'W2/t-edge/1': { edgesPerBatch: 58_512, mEdgesPerSec: 5.97 },
  'W2/t-node/1': { edgesPerBatch: 58_438, mEdgesPerSec: 5.29 },
  'W1/uniform/1': { edgesPerBatch: 93_049, mEdgesPerSec: 4.69 },
  'W1/uniform/2': { edgesPerBatch: 93_009, mEdgesPerSec: 4.21 },
  'W1/t-edge/1': { edgesPerBatch: 77_854, mEdgesPerSec: 3.26 },
  'W1/t-edge/2': { edgesPerBatch: 77_845, mEdgesPerSec: 3.64 },
  'W1/t-node/1': { edgesPerBatch: 78_531, mEdgesPerSec: 3.23 },
  'W1/t-node/2': { edgesPerBatch: 78_525, mEdgesPerSec: 2.98 },
};

export const TARGET = { oneThread: 3, twoWorkers: 5 };

/** The same graph without edge times: sampling keys on the source node's time (t-node). */
export function withoutEdgeTimes(spec: GraphSpec): GraphSpec {
  return { ...spec, edgeTypes: spec.edgeTypes.map((e) => ({ ...e, time: null })) };
}
