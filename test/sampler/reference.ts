// A brute-force reference sampler over plain edge lists (no CSR, no binary search), the random
// graphs the property tests draw, and helpers to build stores from them.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { GraphStore } from '../../src/store/graph-store.js';
import type { SampledSubgraph } from '../../src/sampler/index.js';

export interface RefNodeType {
  name: string;
  count: number;
  time: bigint[] | null;
}

export interface RefEdgeType {
  src: string;
  relation: string;
  dst: string;
  srcIds: number[];
  dstIds: number[];
  time: bigint[] | null;
}

export interface RefGraph {
  nodeTypes: RefNodeType[];
  edgeTypes: RefEdgeType[];
}

export interface RefEdge {
  /** Position in the edge type's input list. */
  edge: number;
  src: number;
  key: bigint | null;
}

export interface RefRequest {
  seedType: string;
  seeds: number[];
  seedTimes: bigint[] | null;
  /** Per edge type index, per hop. */
  fanouts: number[][];
  dedup: 'tree' | 'batch';
  /** Which edges of an eligible list (sorted by (key time, source id)) fanout k keeps. */
  choose: (eligible: RefEdge[], k: number) => RefEdge[];
}

export interface RefOutput {
  nodes: Record<string, { ids: number[]; batch: number[]; perHop: number[] }>;
  edges: Record<string, { src: number[]; dst: number[]; perHop: number[] }>;
}

export const edgeTypeName = (e: RefEdgeType): string => `${e.src}__${e.relation}__${e.dst}`;

/** `last` for the reference: the k most recent, i.e. the tail of the sorted list. */
export const chooseLast = (list: RefEdge[], k: number): RefEdge[] =>
  k < 0 || k >= list.length ? list : list.slice(list.length - k);

/** In-edges of `d` under edge type `e` whose key time is <= t, sorted by (key time, source id). */
export function eligible(g: RefGraph, e: number, d: number, t: bigint | null): RefEdge[] {
  const et = g.edgeTypes[e]!;
  const srcTime = g.nodeTypes.find((n) => n.name === et.src)!.time;
  const out: RefEdge[] = [];
  for (let i = 0; i < et.dstIds.length; i++) {
    if (et.dstIds[i] !== d) continue;
    const src = et.srcIds[i]!;
    const key = et.time !== null ? et.time[i]! : srcTime !== null ? srcTime[src]! : null;
    if (t === null || key === null || key <= t) out.push({ edge: i, src, key });
  }
  const cmp = (a: bigint | null, b: bigint | null): number =>
    a === b || a === null ? 0 : a < b! ? -1 : 1;
  return out.sort((a, b) => cmp(a.key, b.key) || a.src - b.src || a.edge - b.edge);
}

interface Ref {
  hop: number;
  index: number;
}

interface Piece {
  nodes: Map<string, { id: number; batch: number }[]>; // "type/hop"
  edges: Map<string, [Ref, Ref][]>; // "edgeType/hop"
}

// One tree (or, in batch dedup, the whole batch) walked hop by hop as the sampler documents.
function walk(
  g: RefGraph,
  r: RefRequest,
  seeds: { id: number; batch: number }[],
  t: bigint | null,
): Piece {
  const piece: Piece = { nodes: new Map(), edges: new Map() };
  const list = <T>(m: Map<string, T[]>, key: string): T[] => {
    if (!m.has(key)) m.set(key, []);
    return m.get(key)!;
  };
  const seen = new Map<string, Ref>();
  for (const s of seeds) {
    const l = list(piece.nodes, `${r.seedType}/0`);
    l.push(s);
    const key = `${r.seedType}:${s.id}`;
    if (!seen.has(key)) seen.set(key, { hop: 0, index: l.length - 1 });
  }
  const hops = r.fanouts[0]?.length ?? 0;
  for (let hop = 1; hop <= hops; hop++) {
    g.edgeTypes.forEach((et, e) => {
      const k = r.fanouts[e]![hop - 1]!;
      if (k === 0) return;
      const frontier = list(piece.nodes, `${et.dst}/${hop - 1}`);
      frontier.forEach((d, f) => {
        for (const edge of r.choose(eligible(g, e, d.id, t), k)) {
          const key = `${et.src}:${edge.src}`;
          let ref = seen.get(key);
          if (ref === undefined) {
            const l = list(piece.nodes, `${et.src}/${hop}`);
            l.push({ id: edge.src, batch: d.batch });
            ref = { hop, index: l.length - 1 };
            seen.set(key, ref);
          }
          list(piece.edges, `${e}/${hop}`).push([ref, { hop: hop - 1, index: f }]);
        }
      });
    });
  }
  return piece;
}

/** Samples like the native sampler, by brute force, with the same output order. */
export function referenceSample(g: RefGraph, r: RefRequest): RefOutput {
  const hops = r.fanouts[0]?.length ?? 0;
  const pieces =
    r.dedup === 'batch'
      ? [
          walk(
            g,
            r,
            r.seeds.map((id, batch) => ({ id, batch })),
            null,
          ),
        ]
      : r.seeds.map((id, s) => walk(g, r, [{ id, batch: s }], r.seedTimes?.[s] ?? null));

  // Hop-major, then piece order: where each piece's (type, hop) list starts.
  const out: RefOutput = { nodes: {}, edges: {} };
  const at = pieces.map(() => new Map<string, number>());
  for (const nt of g.nodeTypes) {
    const o = { ids: [] as number[], batch: [] as number[], perHop: [] as number[] };
    for (let hop = 0; hop <= hops; hop++) {
      const before = o.ids.length;
      pieces.forEach((p, i) => {
        at[i]!.set(`${nt.name}/${hop}`, o.ids.length);
        for (const n of p.nodes.get(`${nt.name}/${hop}`) ?? [])
          (o.ids.push(n.id), o.batch.push(n.batch));
      });
      o.perHop.push(o.ids.length - before);
    }
    out.nodes[nt.name] = o;
  }
  g.edgeTypes.forEach((et, e) => {
    const o = { src: [] as number[], dst: [] as number[], perHop: [] as number[] };
    for (let hop = 1; hop <= hops; hop++) {
      const before = o.src.length;
      pieces.forEach((p, i) => {
        for (const [s, d] of p.edges.get(`${e}/${hop}`) ?? []) {
          o.src.push(at[i]!.get(`${et.src}/${s.hop}`)! + s.index);
          o.dst.push(at[i]!.get(`${et.dst}/${d.hop}`)! + d.index);
        }
      });
      o.perHop.push(o.src.length - before);
    }
    out.edges[edgeTypeName(et)] = o;
  });
  return out;
}

/** The native output in the reference's shape (plain arrays). */
export function plain(s: SampledSubgraph): RefOutput {
  const out: RefOutput = { nodes: {}, edges: {} };
  for (const [name, n] of Object.entries(s.nodes)) {
    out.nodes[name] = { ids: [...n.ids], batch: [...n.batch], perHop: [...n.perHop] };
  }
  for (const [name, e] of Object.entries(s.edges)) {
    out.edges[name] = { src: [...e.src], dst: [...e.dst], perHop: [...e.perHop] };
  }
  return out;
}

/** Builds a native store of the graph, keeping edge ids. */
export function buildStore(g: RefGraph): GraphStore {
  return GraphStore.buildSync({
    nodeTypes: g.nodeTypes.map((n) => ({
      name: n.name,
      count: n.count,
      time: n.time === null ? null : BigInt64Array.from(n.time),
    })),
    edgeTypes: g.edgeTypes.map((e) => ({
      src: e.src,
      relation: e.relation,
      dst: e.dst,
      srcIds: Int32Array.from(e.srcIds),
      dstIds: Int32Array.from(e.dstIds),
      time: e.time === null ? null : BigInt64Array.from(e.time),
      keepEdgeIds: true,
    })),
  });
}

/** Runs `body` with a store of `g`, closing it afterwards. */
export function withStore<T>(g: RefGraph, body: (store: GraphStore) => T): T {
  const store = buildStore(g);
  try {
    return body(store);
  } finally {
    store.close();
  }
}

/**
 * Random heterogeneous temporal graphs: 1-3 node types (timed or static, times in a small range
 * so ties are common), 1-4 edge types with or without edge times, repeated pairs allowed. An
 * edge's time is never before its source row's time, as in relational data.
 */
export const graphArb: fc.Arbitrary<RefGraph> = fc
  .record({
    types: fc.array(
      fc.record({
        count: fc.integer({ min: 1, max: 8 }),
        timed: fc.boolean(),
        times: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 8, maxLength: 8 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    edges: fc.array(
      fc.record({
        src: fc.nat(),
        dst: fc.nat(),
        timed: fc.boolean(),
        list: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 6 })), {
          maxLength: 30,
        }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ types, edges }) => {
    const nodeTypes: RefNodeType[] = types.map((t, i) => ({
      name: `t${i}`,
      count: t.count,
      time: t.timed ? t.times.slice(0, t.count).map(BigInt) : null,
    }));
    const edgeTypes: RefEdgeType[] = edges.map((e, i) => {
      const src = nodeTypes[e.src % nodeTypes.length]!;
      const dst = nodeTypes[e.dst % nodeTypes.length]!;
      const srcIds = e.list.map(([s]) => s % src.count);
      return {
        src: src.name,
        relation: `r${i}`,
        dst: dst.name,
        srcIds,
        dstIds: e.list.map(([, d]) => d % dst.count),
        time: e.timed
          ? e.list.map(([, , dt], j) => (src.time?.[srcIds[j]!] ?? 0n) + BigInt(dt))
          : null,
      };
    });
    return { nodeTypes, edgeTypes };
  });

/** A deterministic pseudo-random generator (mulberry32) for medium-sized test graphs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A medium hetero graph: `users` and `items` with times in [0, 1000), `edges` interactions
 * user -> item with edge times, plus the reverse edge type, and item -> item links (no time).
 */
export function mediumGraph(seed: number, users: number, items: number, edges: number): RefGraph {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const userTime = Array.from({ length: users }, () => BigInt(int(1000)));
  const itemTime = Array.from({ length: items }, () => BigInt(int(1000)));
  const u = Array.from({ length: edges }, () => int(users));
  const i = Array.from({ length: edges }, () => int(Math.min(items, 1 + int(items))));
  const t = u.map(() => BigInt(int(1000)));
  const a = Array.from({ length: edges / 2 }, () => int(items));
  const b = Array.from({ length: edges / 2 }, () => int(items));
  return {
    nodeTypes: [
      { name: 'user', count: users, time: userTime },
      { name: 'item', count: items, time: itemTime },
    ],
    edgeTypes: [
      { src: 'user', relation: 'buys', dst: 'item', srcIds: u, dstIds: i, time: t },
      { src: 'item', relation: 'bought_by', dst: 'user', srcIds: i, dstIds: u, time: t },
      { src: 'item', relation: 'like', dst: 'item', srcIds: a, dstIds: b, time: null },
    ],
  };
}

/** A digest of every output array by name (fast to compare, and names what differs). */
export function digest(s: SampledSubgraph): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (name: string, a: ArrayBufferView | null) => {
    out[name] =
      a === null
        ? 'null'
        : `${a.byteLength}:` +
          createHash('sha1')
            .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
            .digest('hex');
  };
  for (const [type, n] of Object.entries(s.nodes)) {
    add(`nodes.${type}.ids`, n.ids);
    add(`nodes.${type}.batch`, n.batch);
    add(`nodes.${type}.time`, n.time);
    add(`nodes.${type}.perHop`, n.perHop);
  }
  for (const [type, e] of Object.entries(s.edges)) {
    add(`edges.${type}.src`, e.src);
    add(`edges.${type}.dst`, e.dst);
    add(`edges.${type}.edgeIds`, e.edgeIds);
    add(`edges.${type}.perHop`, e.perHop);
  }
  return out;
}
