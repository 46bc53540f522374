// SPDX-License-Identifier: Apache-2.0
// The sampler's public options and output, and their validation: shapes and defaults here, ids
// and names against the store when one is at hand (the native side checks them again).
import { raise } from '../errors/index.js';
import type { RawSampleRequest, RawSampleResult } from '../native/sampler-binding.js';

/** Per hop for every edge type, or per edge type name (edge types left out are skipped). */
export type Fanouts = readonly number[] | Readonly<Record<string, readonly number[]>>;

export interface SampleOptions {
  /** Node type of the seeds. */
  seedType: string;
  /** Seed node ids. */
  seeds: Int32Array | readonly number[];
  /**
   * One anchor time per seed: only neighbors whose key time (edge time, else the source node's
   * time; static rows always) is <= the seed's time are eligible, at every hop (the bound is
   * always the seed's own time, never the time of the edge that led there). Where edges carry
   * times, the edge time alone decides: the source row's own time is not checked again, so an
   * edge must not be older than its source row. Omit (or null) for non-temporal sampling.
   */
  seedTimes?: BigInt64Array | readonly bigint[] | null;
  /** Neighbors kept per hop: -1 = all eligible, 0 = skip the edge type at that hop. */
  fanouts: Fanouts;
  /**
   * `uniform` (default): distinct edges drawn uniformly without replacement among the eligible.
   * `last`: the k most recent eligible edges; within one time, a higher source id counts as more
   * recent (lists are sorted by (time, source id)), so ties are broken the same way every run.
   */
  strategy?: 'uniform' | 'last';
  /**
   * `tree` (default): one disjoint tree per seed, nodes deduplicated per (seed, node); the only
   * choice with seed times. `batch`: nodes deduplicated across the batch (no seed times).
   */
  dedup?: 'tree' | 'batch';
  /** Random seed (uint64, default 0); the output depends on it, not on `threads`. */
  randomSeed?: bigint | number;
  /**
   * `position` (default): each seed's draws come from a stream keyed by its position in the
   * request. `seed`: keyed by (seed id, seed time), so a seed's tree does not depend on which
   * other seeds share the batch (inference: the same entity at the same time always gets the
   * same subgraph). Tree dedup only.
   */
  streams?: 'position' | 'seed';
  /** Native threads for this batch (default 1). */
  threads?: number;
  /**
   * Also return, per sampled edge, its position in the build's edge list when the store kept
   * edge ids (keepEdgeIds), else its position in the store's sorted CSR (default false).
   */
  edgeIds?: boolean;
}

export interface SampledNodes {
  /** Global node ids, ordered by (hop, seed index, discovery); the seeds come first. */
  ids: Int32Array;
  /** Index of the seed whose tree holds each node (in `batch` dedup: the first to reach it). */
  batch: Int32Array;
  /** Node time of each node, or null for a static node type. */
  time: BigInt64Array | null;
  /** Nodes found at each hop (hops + 1 values; [0] = seeds); each hop is one range of `ids`. */
  perHop: Int32Array;
}

export interface SampledEdges {
  /** Index into the source type's nodes (message source). */
  src: Int32Array;
  /** Index into the destination type's nodes (the node whose in-edge was sampled). */
  dst: Int32Array;
  /** Per edge, its id (see SampleOptions.edgeIds), when requested; else null. */
  edgeIds: Int32Array | null;
  /** Edges sampled at each hop. */
  perHop: Int32Array;
}

export interface SampledSubgraph {
  seedType: string;
  numSeeds: number;
  /** Every node type of the store, by name (empty arrays when none was sampled). */
  nodes: Record<string, SampledNodes>;
  /** Every edge type of the store ("src__relation__dst"), by name. */
  edges: Record<string, SampledEdges>;
  numNodes: number;
  numEdges: number;
}

/** What the validation may consult: the store's type names and node counts. */
export interface StoreShape {
  readonly nodeTypes: readonly { readonly name: string; readonly count: number }[];
  readonly edgeTypes: readonly { readonly name: string }[];
}

const MAX_HOPS = 15;

function bad(code: string, argument: string, expected: string, value: unknown): never {
  raise(code, { argument, expected, value });
}

function int32Seeds(seeds: unknown): Int32Array {
  if (seeds instanceof Int32Array) return seeds;
  if (!Array.isArray(seeds)) bad('SAMPLER_BAD_SEEDS', 'seeds', 'an Int32Array or number[]', seeds);
  const out = new Int32Array(seeds.length);
  for (let i = 0; i < seeds.length; i++) {
    const v: unknown = seeds[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      bad('SAMPLER_BAD_SEEDS', `seeds[${i}]`, 'a non-negative integer node id', v);
    }
    out[i] = v;
  }
  return out;
}

function int64Times(times: unknown, n: number): BigInt64Array | null {
  if (times === undefined || times === null) return null;
  let out: BigInt64Array;
  if (times instanceof BigInt64Array) {
    out = times;
  } else if (Array.isArray(times) && times.every((t) => typeof t === 'bigint')) {
    out = BigInt64Array.from(times as bigint[]);
  } else {
    return bad('SAMPLER_BAD_SEED_TIMES', 'seedTimes', 'a BigInt64Array or bigint[]', times);
  }
  if (out.length !== n) {
    bad('SAMPLER_BAD_SEED_TIMES', 'seedTimes', `one time per seed (${n} values)`, out.length);
  }
  return out;
}

function fanoutList(list: unknown, arg: string): Int32Array {
  if (!Array.isArray(list)) bad('SAMPLER_BAD_FANOUTS', arg, 'an array of integers per hop', list);
  if (list.length > MAX_HOPS)
    bad('SAMPLER_BAD_FANOUTS', arg, `at most ${MAX_HOPS} hops`, list.length);
  list.forEach((k: unknown, i) => {
    if (typeof k !== 'number' || !Number.isInteger(k) || k < -1 || k > 0x7fffffff) {
      bad('SAMPLER_BAD_FANOUTS', `${arg}[${i}]`, '-1 (all), 0 (skip) or a positive integer', k);
    }
  });
  return Int32Array.from(list as number[]);
}

function fanoutsOf(fanouts: unknown, store: StoreShape | null): RawSampleRequest['fanouts'] {
  if (Array.isArray(fanouts)) return fanoutList(fanouts, 'fanouts');
  if (typeof fanouts !== 'object' || fanouts === null) {
    bad('SAMPLER_BAD_FANOUTS', 'fanouts', 'number[] or { [edgeType]: number[] }', fanouts);
  }
  const out: Record<string, Int32Array> = {};
  let hops = -1;
  for (const [name, list] of Object.entries(fanouts)) {
    if (store !== null && !store.edgeTypes.some((e) => e.name === name)) {
      const known = store.edgeTypes.map((e) => e.name).join(', ');
      bad(
        'SAMPLER_UNKNOWN_EDGE_TYPE',
        `fanouts['${name}']`,
        `an edge type of the store (${known})`,
        name,
      );
    }
    out[name] = fanoutList(list, `fanouts['${name}']`);
    if (hops >= 0 && out[name].length !== hops) {
      bad(
        'SAMPLER_BAD_FANOUTS',
        `fanouts['${name}']`,
        `${hops} hops like the other edge types`,
        out[name].length,
      );
    }
    hops = out[name].length;
  }
  return out;
}

function randomSeedOf(value: unknown): bigint {
  if (value === undefined) return 0n;
  if (typeof value === 'bigint' && value >= 0n && value < 1n << 64n)
    return BigInt.asIntN(64, value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return bad('SAMPLER_BAD_OPTION', 'randomSeed', 'an unsigned 64-bit integer', value);
}

/** Validates `options` and fills defaults; with a store, also checks names and id ranges. */
export function toRawRequest(options: SampleOptions, store: StoreShape | null): RawSampleRequest {
  if (typeof options !== 'object' || options === null) {
    bad('SAMPLER_BAD_OPTION', 'options', 'an object', options);
  }
  const { seedType, strategy = 'uniform', dedup = 'tree', threads = 1 } = options;
  if (typeof seedType !== 'string')
    bad('SAMPLER_UNKNOWN_NODE_TYPE', 'seedType', 'a node type name', seedType);
  const seeds = int32Seeds(options.seeds);
  const seedTimes = int64Times(options.seedTimes, seeds.length);
  const fanouts = fanoutsOf(options.fanouts, store);
  if (strategy !== 'uniform' && strategy !== 'last') {
    bad('SAMPLER_BAD_OPTION', 'strategy', "'uniform' or 'last'", strategy);
  }
  if (dedup !== 'tree' && dedup !== 'batch')
    bad('SAMPLER_BAD_OPTION', 'dedup', "'tree' or 'batch'", dedup);
  const streams = options.streams ?? 'position';
  if (streams !== 'position' && streams !== 'seed') {
    bad('SAMPLER_BAD_OPTION', 'streams', "'position' or 'seed'", streams);
  }
  if (dedup === 'batch' && streams === 'seed') {
    bad('SAMPLER_BAD_OPTION', 'streams', "'position' with dedup 'batch'", streams);
  }
  if (dedup === 'batch' && seedTimes !== null) {
    bad('SAMPLER_BAD_OPTION', 'dedup', "'tree' with seed times (one tree per seed)", dedup);
  }
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    bad('SAMPLER_BAD_OPTION', 'threads', 'an integer in [1, 1024]', threads);
  }

  if (store !== null) {
    const type = store.nodeTypes.find((t) => t.name === seedType);
    if (type === undefined) {
      const known = store.nodeTypes.map((t) => t.name).join(', ');
      bad('SAMPLER_UNKNOWN_NODE_TYPE', 'seedType', `a node type of the store (${known})`, seedType);
    }
    for (let i = 0; i < seeds.length; i++) {
      if (seeds[i]! < 0 || seeds[i]! >= type.count) {
        bad('SAMPLER_BAD_SEEDS', `seeds[${i}]`, `a ${seedType} id in [0, ${type.count})`, seeds[i]);
      }
    }
  }
  return {
    seedType,
    seeds,
    seedTimes,
    fanouts,
    strategy,
    dedup,
    randomSeed: randomSeedOf(options.randomSeed),
    streams,
    threads,
    edgeIds: options.edgeIds === true,
  };
}

/** Names the raw per-type arrays. */
export function toSubgraph(request: RawSampleRequest, raw: RawSampleResult): SampledSubgraph {
  const nodes: Record<string, SampledNodes> = {};
  const edges: Record<string, SampledEdges> = {};
  let numNodes = 0;
  let numEdges = 0;
  for (const n of raw.nodes) {
    nodes[n.type] = { ids: n.ids, batch: n.batch, time: n.time, perHop: n.perHop };
    numNodes += n.ids.length;
  }
  for (const e of raw.edges) {
    edges[e.type] = { src: e.src, dst: e.dst, edgeIds: e.edgeIds, perHop: e.perHop };
    numEdges += e.src.length;
  }
  return {
    seedType: request.seedType,
    numSeeds: request.seeds.length,
    nodes,
    edges,
    numNodes,
    numEdges,
  };
}
