// SPDX-License-Identifier: Apache-2.0
// The input of a graph store build: node types with counts and optional times, edge types as
// edge lists. Foreign keys become two edge types, forward and reverse (RelBench's f2p/rev_f2p).
import { raise } from '../errors/index.js';
import type { RawGraphInput } from '../native/store-binding.js';
import { int32Values, int64Values, type Int32Input, type Int64Input } from './arrays.js';

export interface NodeTypeSpec {
  /** Table name; no "__" (it separates the parts of edge type names). */
  name: string;
  /** Rows; ids run 0..count-1 (rows may have no edges: gaps are fine). */
  count: number;
  /** Row creation time per node (int64, e.g. seconds); omit for a static table. */
  time?: Int64Input | null;
}

export interface EdgeTypeSpec {
  src: string;
  relation: string;
  dst: string;
  /** Source node id of each edge. */
  srcIds: Int32Input;
  /** Destination node id of each edge; the store keeps each destination's in-edges. */
  dstIds: Int32Input;
  /** Time of each edge; omit when edges take the time of their source node. */
  time?: Int64Input | null;
  /** Keep each stored edge's position in this list (4 bytes per edge), for per-edge columns. */
  keepEdgeIds?: boolean;
}

export interface GraphSpec {
  nodeTypes: NodeTypeSpec[];
  edgeTypes: EdgeTypeSpec[];
}

export interface ForeignKeySpec {
  /** The table holding the key (one edge per row with a non-null key). */
  table: string;
  /** Key column; names the relations `f2p_<column>` and `rev_f2p_<column>`. */
  column: string;
  /** The referenced table. */
  references: string;
  /** Referenced row id per row of `table`; -1 marks a null key (no edge). */
  keys: Int32Input;
  /** Edge time per row (usually the row's time); omit to use node times. */
  time?: Int64Input | null;
  keepEdgeIds?: boolean;
}

/** The two edge types of a foreign key: row -> referenced row, and back. */
export function foreignKeyEdges(fk: ForeignKeySpec): {
  forward: EdgeTypeSpec;
  reverse: EdgeTypeSpec;
} {
  const keys = int32Values(fk.keys, `foreign key ${fk.table}.${fk.column}: keys`);
  const time = fk.time == null ? null : int64Values(fk.time, `foreign key ${fk.column}: time`);
  if (time !== null && time.length !== keys.length) {
    raise('STORE_LENGTH_MISMATCH', {
      detail: `foreign key ${fk.table}.${fk.column}: time has length ${time.length}, expected ${keys.length}`,
    });
  }
  let n = 0;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) n++;
  let rows: Int32Array;
  let parents: Int32Array;
  let times: BigInt64Array | null = null;
  if (n === keys.length) {
    rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = i;
    parents = keys;
    times = time;
  } else {
    rows = new Int32Array(n);
    parents = new Int32Array(n);
    times = time === null ? null : new BigInt64Array(n);
    for (let i = 0, j = 0; i < keys.length; i++) {
      if (keys[i] === -1) continue;
      rows[j] = i;
      parents[j] = keys[i]!;
      if (times !== null) times[j] = time![i]!;
      j++;
    }
  }
  const keep = fk.keepEdgeIds ?? false;
  return {
    forward: {
      src: fk.table,
      relation: `f2p_${fk.column}`,
      dst: fk.references,
      srcIds: rows,
      dstIds: parents,
      time: times,
      keepEdgeIds: keep,
    },
    reverse: {
      src: fk.references,
      relation: `rev_f2p_${fk.column}`,
      dst: fk.table,
      srcIds: parents,
      dstIds: rows,
      time: times,
      keepEdgeIds: keep,
    },
  };
}

function checkName(value: unknown, arg: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('__')) {
    raise('STORE_BAD_DEFINITION', {
      detail: `${arg}: expected a non-empty string without "__", got ${JSON.stringify(value)}`,
    });
  }
  return value;
}

/** Checks the shape of a spec and converts Arrow inputs to typed arrays (ids are checked natively). */
export function toRawInput(spec: GraphSpec): RawGraphInput {
  if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.nodeTypes)) {
    raise('STORE_BAD_DEFINITION', { detail: 'definition.nodeTypes: expected an array' });
  }
  if (!Array.isArray(spec.edgeTypes)) {
    raise('STORE_BAD_DEFINITION', { detail: 'definition.edgeTypes: expected an array' });
  }
  const nodeTypes = spec.nodeTypes.map((n, i) => {
    const at = `nodeTypes[${i}]`;
    const name = checkName(n?.name, `${at}.name`);
    if (!Number.isSafeInteger(n.count) || n.count < 0 || n.count > 0x7fffffff) {
      raise('STORE_BAD_DEFINITION', {
        detail: `${at}.count (${name}): expected an integer 0..2147483647, got ${String(n.count)}`,
      });
    }
    const time = n.time == null ? null : int64Values(n.time, `${at}.time (${name})`);
    return { name, count: n.count, time };
  });
  const edgeTypes = spec.edgeTypes.map((e, i) => {
    const at = `edgeTypes[${i}]`;
    return {
      src: checkName(e?.src, `${at}.src`),
      relation: checkName(e.relation, `${at}.relation`),
      dst: checkName(e.dst, `${at}.dst`),
      srcIds: int32Values(e.srcIds, `${at}.srcIds`),
      dstIds: int32Values(e.dstIds, `${at}.dstIds`),
      time: e.time == null ? null : int64Values(e.time, `${at}.time`),
      keepEdgeIds: e.keepEdgeIds === true,
    };
  });
  return { nodeTypes, edgeTypes };
}
