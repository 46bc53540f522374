// SPDX-License-Identifier: Apache-2.0
// Batch assembly: (entity ids, anchor times) -> temporal sampler (one disjoint tree per seed,
// neighbours no later than the seed's anchor) -> per node type encoded inputs, and per layer the
// CSR blocks the heterogeneous GraphSAGE network reads.
//
// Hop-aware blocks: sampled nodes are ordered by hop, so the nodes of a type within hop h are a
// prefix of that type's rows. Layer l of L (1-based) computes only the nodes within hop L - l
// (the last layer only the seeds), from edges whose destination is in that prefix.
import { sample, type SampleOptions, type SampledSubgraph } from '../sampler/index.js';
import type { ColumnStore } from '../store/column-store.js';
import type { GraphStore } from '../store/graph-store.js';
import type { ExtraColumns } from './extra-columns.js';
import { encodeNodes, type EncodedNodes, type FeatureEncoders } from './features.js';

export interface BlockEdges {
  edgeType: string;
  src: string;
  dst: string;
  /** Per destination row (prefix of the destination type), its incoming sources: CSR. */
  rowptr: Int32Array;
  /** Source rows in the previous layer's output of the source type. */
  col: Int32Array;
}

export interface Block {
  /** Rows computed at this layer per node type (a prefix of the previous layer's rows). */
  targets: Map<string, number>;
  edges: BlockEdges[];
}

export interface HostBatch {
  seedType: string;
  numSeeds: number;
  /** Encoded inputs of every node type with sampled rows. */
  nodes: Map<string, EncodedNodes>;
  /** One block per layer, first layer first. */
  blocks: Block[];
  /** The sampler's output the batch was built from (node ids and times per type). */
  sampled: SampledSubgraph;
}

export interface BatchRequest {
  seedType: string;
  entities: Int32Array;
  /** Anchor time per entity, microseconds since the epoch (the store's unit). */
  times: BigInt64Array;
  /** Neighbours per hop; its length is the number of layers. */
  fanouts: readonly number[];
  randomSeed: number;
  /**
   * The latest time the database is visible (RelBench's test protocol trains and tests on data
   * up to the test start): sampling uses min(anchor, visibleUntil), the time encodings the anchor.
   */
  visibleUntil?: bigint;
  /** Temporal neighbour choice (default uniform): see SampleOptions.strategy. */
  strategy?: 'uniform' | 'last';
  /** Random streams by position in the batch (default) or by seed: see SampleOptions.streams. */
  streams?: 'position' | 'seed';
}

/**
 * Where a batch's subgraph is sampled. Absent: this thread's addon, off the event loop. A
 * SamplerPool over a saved copy of the same store samples in its worker threads instead; the
 * output is the same for the same request (sampling is a function of the request's random seed).
 */
export interface BatchSampler {
  sample(options: SampleOptions): Promise<SampledSubgraph>;
}

/** CSR by destination of the edges whose destination is a target and source a computed row. */
function csrOf(
  dst: Int32Array,
  src: Int32Array,
  targets: number,
  srcRows: number,
): { rowptr: Int32Array; col: Int32Array } {
  const rowptr = new Int32Array(targets + 1);
  let kept = 0;
  for (let e = 0; e < dst.length; e++) {
    if (dst[e]! < targets && src[e]! < srcRows) {
      rowptr[dst[e]! + 1]!++;
      kept++;
    }
  }
  for (let t = 0; t < targets; t++) rowptr[t + 1]! += rowptr[t]!;
  const fill = rowptr.slice(0, targets);
  const col = new Int32Array(kept);
  for (let e = 0; e < dst.length; e++) {
    if (dst[e]! < targets && src[e]! < srcRows) col[fill[dst[e]!]!++] = src[e]!;
  }
  return { rowptr, col };
}

function visibleTimes(times: BigInt64Array, until: bigint | undefined): BigInt64Array {
  if (until === undefined) return times;
  return times.map((t) => (t < until ? t : until));
}

/**
 * Samples and encodes one batch; `extra` holds the extra columns the encoders need, `sampler`
 * says where to sample (default: this thread's addon).
 */
export async function assembleBatch(
  graph: GraphStore,
  columns: ColumnStore,
  encoders: FeatureEncoders,
  request: BatchRequest,
  extra?: ExtraColumns,
  sampler?: BatchSampler,
): Promise<HostBatch> {
  const options: SampleOptions = {
    seedType: request.seedType,
    seeds: request.entities,
    seedTimes: visibleTimes(request.times, request.visibleUntil),
    fanouts: request.fanouts,
    randomSeed: request.randomSeed,
    strategy: request.strategy ?? 'uniform',
    streams: request.streams ?? 'position',
  };
  const sub = await (sampler === undefined ? sample(graph, options) : sampler.sample(options));
  const layers = request.fanouts.length;
  const nodes = new Map<string, EncodedNodes>();
  // within[h]: per type, its rows found within hop h (a prefix of the type's rows).
  const within: Map<string, number>[] = Array.from({ length: layers + 1 }, () => new Map());
  for (const [type, sampled] of Object.entries(sub.nodes)) {
    let total = 0;
    for (let h = 0; h <= layers; h++) {
      total += sampled.perHop[h] ?? 0;
      within[h]!.set(type, total);
    }
    if (sampled.ids.length === 0) continue;
    const seedTimes = BigInt64Array.from(sampled.batch, (b) => request.times[b]!);
    const enc = encoders.tables.get(type)!;
    const table = extra?.tables.get(type);
    nodes.set(type, encodeNodes(enc, columns, sampled.ids, sampled.time, seedTimes, table));
  }
  const blocks: Block[] = [];
  for (let l = 1; l <= layers; l++) {
    const targets = new Map<string, number>();
    for (const [type, n] of within[layers - l]!) if (n > 0) targets.set(type, n);
    const sources = within[layers - l + 1]!;
    const edges: BlockEdges[] = [];
    for (const info of graph.edgeTypes) {
      const t = targets.get(info.dst) ?? 0;
      const e = sub.edges[info.name];
      if (t === 0 || e === undefined || e.src.length === 0) continue;
      const { rowptr, col } = csrOf(e.dst, e.src, t, sources.get(info.src) ?? 0);
      if (col.length === 0) continue;
      edges.push({ edgeType: info.name, src: info.src, dst: info.dst, rowptr, col });
    }
    blocks.push({ targets, edges });
  }
  return {
    seedType: request.seedType,
    numSeeds: request.entities.length,
    nodes,
    blocks,
    sampled: sub,
  };
}
