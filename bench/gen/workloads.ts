// SPDX-License-Identifier: Apache-2.0
// The benchmark workloads W1 (hetero), W2 (homogeneous) and W3 (relational), declared as data
// and generated deterministically from a seed, as defined in ../shared/benchmarks/peers.md:
// Zipf-like endpoint popularity with a random rank-to-id permutation, times uniform over two
// years from 1,600,000,000, 128 float32 features per node (generated on request).
import { foreignKeyEdges, type GraphSpec } from '../../src/store/graph-def.js';
import { permutation, Rng, uniformFeatures, uniformTimes, zipfIds } from './random.js';

export const TIME_START = 1_600_000_000;
export const TIME_SPAN = 2 * 365 * 24 * 3600;
export const FEATURE_DIM = 128;

export type WorkloadName = 'W1' | 'W2' | 'W3';

/** One workload at full size (scale 1). */
export interface WorkloadDef {
  name: WorkloadName;
  title: string;
  /** Node counts per type. */
  nodes: Record<string, number>;
  /** Edges (or fact rows for W3) drawn between two types with Zipf exponents per end. */
  draws: { src: string; dst: string; count: number; srcExponent: number; dstExponent: number };
}

export const WORKLOADS: Record<WorkloadName, WorkloadDef> = {
  W1: {
    name: 'W1',
    title: 'hetero: customer -> product plus reverse',
    nodes: { customer: 1_000_000, product: 100_000 },
    draws: {
      src: 'customer',
      dst: 'product',
      count: 20_000_000,
      srcExponent: 0.6,
      dstExponent: 0.8,
    },
  },
  W2: {
    name: 'W2',
    title: 'homogeneous: node -> node',
    nodes: { node: 1_000_000 },
    draws: { src: 'node', dst: 'node', count: 20_000_000, srcExponent: 0.6, dstExponent: 0.6 },
  },
  W3: {
    name: 'W3',
    title: 'relational: transactions linked to customers and products by foreign keys',
    nodes: { customer: 1_000_000, product: 100_000 },
    draws: {
      src: 'customer',
      dst: 'product',
      count: 20_000_000,
      srcExponent: 0.6,
      dstExponent: 0.8,
    },
  },
};

export interface GeneratedGraph {
  workload: WorkloadName;
  scale: number;
  seed: number;
  spec: GraphSpec;
}

const scaled = (n: number, scale: number) => Math.max(1, Math.round(n * scale));

/** Generates workload `name` at `scale` (1 = full size) from `seed`; same inputs, same arrays. */
export function generate(name: WorkloadName, scale = 1, seed = 1): GeneratedGraph {
  const def = WORKLOADS[name];
  const rng = new Rng(seed);
  const counts = Object.fromEntries(
    Object.entries(def.nodes).map(([type, n]) => [type, scaled(n, scale)]),
  );
  const nodeTimes = Object.fromEntries(
    Object.entries(counts).map(([type, n]) => [type, uniformTimes(n, TIME_START, TIME_SPAN, rng)]),
  );
  const { src, dst, srcExponent, dstExponent } = def.draws;
  const numDraws = scaled(def.draws.count, scale);
  const srcIds = zipfIds(numDraws, counts[src]!, srcExponent, permutation(counts[src]!, rng), rng);
  const dstIds = zipfIds(numDraws, counts[dst]!, dstExponent, permutation(counts[dst]!, rng), rng);
  const time = uniformTimes(numDraws, TIME_START, TIME_SPAN, rng);
  const nodeTypes = Object.entries(counts).map(([type, count]) => ({
    name: type,
    count,
    time: nodeTimes[type]!,
  }));

  if (name === 'W3') {
    // Each draw is a transaction row (a node with a time) with two foreign keys. As in
    // RelBench, key edges carry no time of their own: the source row's time orders them.
    const customer = foreignKeyEdges({
      table: 'transaction',
      column: 'customer_id',
      references: src,
      keys: srcIds,
    });
    const product = foreignKeyEdges({
      table: 'transaction',
      column: 'product_id',
      references: dst,
      keys: dstIds,
    });
    return {
      workload: name,
      scale,
      seed,
      spec: {
        nodeTypes: [...nodeTypes, { name: 'transaction', count: numDraws, time }],
        edgeTypes: [customer.forward, customer.reverse, product.forward, product.reverse],
      },
    };
  }

  const edgeTypes: GraphSpec['edgeTypes'] = [
    { src, relation: 'bought', dst, srcIds, dstIds, time },
  ];
  if (name === 'W1') {
    edgeTypes.push({
      src: dst,
      relation: 'rev_bought',
      dst: src,
      srcIds: dstIds,
      dstIds: srcIds,
      time,
    });
  } else {
    edgeTypes[0]!.relation = 'links';
  }
  return { workload: name, scale, seed, spec: { nodeTypes, edgeTypes } };
}

/** The 128 float32 features of every node of `nodeType` (row-major [count, 128]). */
export function features(graph: GeneratedGraph, nodeType: string): Float32Array {
  const type = graph.spec.nodeTypes.find((n) => n.name === nodeType);
  if (type === undefined) throw new Error(`no node type ${nodeType} in ${graph.workload}`);
  let h = graph.seed >>> 0;
  for (const c of nodeType) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return uniformFeatures(type.count, FEATURE_DIM, new Rng(h));
}
