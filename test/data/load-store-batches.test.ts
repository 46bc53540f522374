// A stage written in many record batches loads into the same stores as the same stage written
// in one batch, and as the one-call build over whole columns: batch boundaries change nothing.
import { describe, expect, it } from 'vitest';
import type { Vector } from 'apache-arrow';
import { openDuckDb } from '../../src/data/duckdb.js';
import { inferGraph } from '../../src/data/infer.js';
import { materialise } from '../../src/data/materialise.js';
import { NEVER, loadStage, type LoadedStage } from '../../src/data/load-store.js';
import { readStageBatches, readStageFile, type Stage } from '../../src/data/stage.js';
import { GraphStore } from '../../src/store/graph-store.js';
import type { EdgeTypeSpec } from '../../src/store/graph-def.js';
import { withTempDir } from './helpers.js';

// Customers (temporal, some NULL times), products (static), orders with two foreign keys (some
// dangling or NULL), a NULL-time row now and then, ties in time, and nullable features of every
// stored kind; reviews are static rows pointing at orders, so their edges take node times.
const SETUP = [
  `CREATE TABLE customers AS SELECT range AS customerId,
     CASE WHEN range % 13 = 0 THEN NULL ELSE TIMESTAMP '2020-01-01' + INTERVAL (range % 50) DAY END AS joined,
     CASE WHEN range % 3 = 0 THEN NULL ELSE range * 0.5 END AS credit
   FROM range(700)`,
  `CREATE TABLE products AS SELECT range AS productId,
     CASE WHEN range % 4 = 0 THEN NULL ELSE ['a', 'b', 'c'][range % 3 + 1] END AS colour
   FROM range(90)`,
  `CREATE TABLE orders AS SELECT range AS orderId,
     CASE WHEN range % 97 = 5 THEN NULL ELSE (range * 7919) % 710 END AS customerId,
     (range * 104729) % 90 AS productId,
     CASE WHEN range % 211 = 0 THEN NULL ELSE TIMESTAMP '2020-01-01' + INTERVAL ((range * 31) % 400) HOUR END AS placed,
     CASE WHEN range % 17 = 0 THEN NULL ELSE (range % 1000) / 10.0 END AS amount,
     CASE WHEN range % 19 = 0 THEN NULL ELSE TIMESTAMP '2021-01-01' + INTERVAL (range % 30) MINUTE END AS shipped
   FROM range(12000)`,
  `CREATE TABLE reviews AS SELECT range AS reviewId, (range * 13) % 12000 AS orderId FROM range(3000)`,
];

const OVERRIDE = {
  tables: [
    { name: 'customers', primaryKey: 'customerId', timeColumn: 'joined', foreignKeys: [] },
    { name: 'products', primaryKey: 'productId', foreignKeys: [] },
    {
      name: 'orders',
      primaryKey: 'orderId',
      timeColumn: 'placed',
      foreignKeys: [
        { column: 'customerId', references: 'customers' },
        { column: 'productId', references: 'products' },
      ],
    },
    {
      name: 'reviews',
      primaryKey: 'reviewId',
      foreignKeys: [{ column: 'orderId', references: 'orders' }],
    },
  ],
};

/** Materialises the database with result chunks of at least `chunkRows` rows. */
async function stageWith(workspace: string, chunkRows: number): Promise<Stage> {
  const db = await openDuckDb(':memory:', { chunkRows });
  try {
    for (const sql of SETUP) await db.execute(sql);
    const { graph } = await inferGraph(db, { override: OVERRIDE });
    return await materialise(db, graph, { workspace });
  } finally {
    await db.close();
  }
}

async function batchCount(stage: Stage, file: string): Promise<number> {
  let n = 0;
  for await (const _ of readStageBatches(stage, file)) n++;
  return n;
}

/** The one-call build over whole columns (each file read as one table). */
async function wholeBuild(stage: Stage): Promise<GraphStore> {
  const times = (v: Vector) =>
    BigInt64Array.from({ length: v.length }, (_, i) =>
      v.isValid(i) ? (v.get(i) as bigint) : NEVER,
    );
  const nodeTypes = [];
  for (const t of stage.manifest.tables) {
    const nodes = await readStageFile(stage, t.file);
    nodeTypes.push({
      name: t.name,
      count: t.rows,
      time: t.temporal ? times(nodes.getChild('__time')!) : null,
    });
  }
  const edgeTypes: EdgeTypeSpec[] = [];
  for (const e of stage.manifest.edges) {
    const file = await readStageFile(stage, e.file);
    const src = file.getChild('src')!;
    const dst = file.getChild('dst')!;
    const time = e.temporal ? times(file.getChild('time')!) : null;
    const relation = `f2p_${e.column}`;
    edgeTypes.push({ src: e.table, relation, dst: e.references, srcIds: src, dstIds: dst, time });
    edgeTypes.push({
      src: e.references,
      relation: `rev_${relation}`,
      dst: e.table,
      srcIds: dst,
      dstIds: src,
      time,
    });
  }
  return GraphStore.build({ nodeTypes, edgeTypes }, { threads: 1 });
}

function expectSameGraph(actual: GraphStore, expected: GraphStore): void {
  expect(actual.nodeTypes).toEqual(expected.nodeTypes);
  expect(actual.edgeTypes).toEqual(expected.edgeTypes);
  for (const n of expected.nodeTypes)
    expect(actual.nodeTime(n.name)).toEqual(expected.nodeTime(n.name));
  for (const e of expected.edgeTypes)
    expect(actual.edgeArrays(e.name)).toEqual(expected.edgeArrays(e.name));
}

function expectSameColumns(actual: LoadedStage, expected: LoadedStage): void {
  expect(actual.columns.tables).toEqual(expected.columns.tables);
  expect(actual.skipped).toEqual(expected.skipped);
  for (const t of expected.columns.tables) {
    const ids = Int32Array.from({ length: t.count }, (_, i) => i);
    const a = actual.columns.gatherSync(t.nodeType, ids);
    const b = expected.columns.gatherSync(t.nodeType, ids);
    expect(a).toEqual(b);
  }
}

describe('loading a stage written in many record batches', () => {
  it('builds the same graph and column stores as one batch and as the one-call build', async () => {
    await withTempDir(async (dir) => {
      const many = await stageWith(`${dir}/many`, 1);
      const one = await stageWith(`${dir}/one`, 1_000_000);
      const orders = many.manifest.tables.find((t) => t.name === 'orders')!;
      expect(await batchCount(many, orders.file)).toBeGreaterThan(4);
      expect(await batchCount(one, orders.file)).toBe(1);
      for (const e of many.manifest.edges)
        expect(await batchCount(many, e.file)).toBeGreaterThan(1);

      const a = await loadStage(many, { threads: 2 });
      const b = await loadStage(one, { threads: 1 });
      const whole = await wholeBuild(one);
      try {
        // The stage has what the comparison needs to mean something.
        expect(a.graph.nodeTime('orders')).toContain(NEVER);
        expect(a.columns.tables.find((t) => t.nodeType === 'orders')!.columns).toEqual([
          { name: 'amount', kind: 'float', hasValid: true },
          { name: 'shipped', kind: 'timestamp', hasValid: false },
        ]);
        expect(a.columns.tables.find((t) => t.nodeType === 'products')!.columns).toEqual([
          { name: 'colour', kind: 'category', hasValid: false },
        ]);
        expectSameGraph(a.graph, b.graph);
        expectSameGraph(a.graph, whole);
        expectSameColumns(a, b);
      } finally {
        for (const l of [a, b]) {
          l.graph.close();
          l.columns.close();
        }
        whole.close();
      }
    });
  });
});
