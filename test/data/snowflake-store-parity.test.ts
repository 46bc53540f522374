// SPDX-License-Identifier: Apache-2.0
// One graph materialised through DuckDB and through Snowflake (the test double: snowflake-sdk
// over HTTP, backed by its own DuckDB) and loaded into the native stores gives identical graph
// stores (node counts and times, every neighbor list with its edge times) and column stores
// (every feature value of every node).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type DuckDbConnector } from '../../src/data/duckdb.js';
import { SnowflakeConnector } from '../../src/data/snowflake/connector.js';
import { inferGraph } from '../../src/data/infer.js';
import { materialise } from '../../src/data/materialise.js';
import { loadStage, type LoadedStage } from '../../src/data/load-store.js';
import type { Connector } from '../../src/data/connector.js';
import type { GraphDef } from '../../src/data/graph-def.js';
import type { SnowflakeDouble } from '../support/snowflake-double/server.js';
import { optionsFor, startDouble } from '../support/snowflake-double/fixture.js';
import { withTempDir } from './helpers.js';

const SCHEMA = `
  CREATE TABLE "SHOPS" ("SHOPS_ID" BIGINT, "REGION" VARCHAR, "OPENED" DATE);
  INSERT INTO "SHOPS" VALUES (10, 'north', DATE '2000-01-01'), (3, 'south', NULL),
    (9007199254740993, NULL, DATE '1969-07-20');
  CREATE TABLE "CUSTOMERS" ("CUSTOMERS_ID" BIGINT, "SEGMENT" VARCHAR, "AGE" DOUBLE);
  INSERT INTO "CUSTOMERS" VALUES (1, 'a', 31.5), (2, 'b', NULL), (3, 'a', 70);
  CREATE TABLE "SALES" ("SALES_ID" BIGINT, "SHOPS_ID" BIGINT, "CUSTOMERS_ID" BIGINT,
    "SOLD_AT" TIMESTAMP, "AMOUNT" DOUBLE);
  INSERT INTO "SALES" VALUES
    (1, 3, 1, TIMESTAMP '2021-01-01 00:00:00', 5),
    (2, 10, 1, TIMESTAMP '2021-02-01 08:00:00.000001', NULL),
    (3, 99, 2, TIMESTAMP '2021-03-01 00:00:00', 7),
    (4, NULL, 3, NULL, 8),
    (5, 9007199254740993, 3, TIMESTAMP '1969-07-20 20:17:40', 9),
    (6, 3, NULL, TIMESTAMP '2021-01-01 00:00:00', 1.25);
`;

/** Everything a loaded stage answers: nodes, times, neighbor lists and gathered features. */
async function contents(loaded: LoadedStage): Promise<unknown> {
  const g = loaded.graph;
  const nodes = g.nodeTypes.map((n) => [n.name, n.count, Array.from(g.nodeTime(n.name) ?? [])]);
  const edges = g.edgeTypes.map((e) => {
    const lists = Array.from({ length: g.nodeType(e.dst).count }, (_, v) => {
      const n = g.neighbors(e.name, v);
      return [Array.from(n.src), Array.from(n.edgeTime ?? [])];
    });
    return [e.name, e.numEdges, lists];
  });
  const columns = [];
  for (const table of loaded.columns.tables) {
    const ids = Int32Array.from({ length: table.count }, (_, i) => i);
    const batch = await loaded.columns.gather(table.nodeType, ids);
    columns.push([
      table.nodeType,
      table.columns,
      batch.floatColumns,
      Array.from(batch.floatValues),
      Array.from(batch.floatIsNull),
      batch.categoryColumns,
      Array.from(batch.categoryValues),
      batch.timestampColumns,
      Array.from(batch.timestampValues),
    ]);
  }
  return { nodes, edges, columns, skipped: loaded.skipped };
}

async function loadedContents(connector: Connector, graph: GraphDef, workspace: string) {
  const stage = await materialise(connector, graph, { workspace });
  const loaded = await loadStage(stage, { threads: 1 });
  try {
    return await contents(loaded);
  } finally {
    loaded.graph.close();
    loaded.columns.close();
  }
}

let double: SnowflakeDouble;
let duck: DuckDbConnector;
let snow: SnowflakeConnector;

beforeAll(async () => {
  double = await startDouble({ chunkRows: 2 });
  await double.seed(SCHEMA);
  duck = await openDuckDb(':memory:', { chunkRows: 2 });
  await duck.execute(SCHEMA);
  snow = await SnowflakeConnector.connect(optionsFor(double, { chunkRows: 2 }));
});

afterAll(async () => {
  await snow?.close();
  await duck?.close();
  await double?.close();
});

describe('native stores loaded through DuckDB and Snowflake', () => {
  it('are identical: graph store and column store', async () => {
    const graph = (await inferGraph(duck)).graph;
    await withTempDir(async (workspace) => {
      const a = await loadedContents(duck, graph, `${workspace}/duck`);
      const b = await loadedContents(snow, graph, `${workspace}/snow`);
      expect(b).toEqual(a);
      // The comparison sees real content: both FKs of SALES, with a dangling and NULL keys.
      const edges = (a as { edges: Array<[string, number, unknown]> }).edges;
      expect(Object.fromEntries(edges.map(([name, count]) => [name, count]))).toEqual({
        SALES__f2p_SHOPS_ID__SHOPS: 4,
        SHOPS__rev_f2p_SHOPS_ID__SALES: 4,
        SALES__f2p_CUSTOMERS_ID__CUSTOMERS: 5,
        CUSTOMERS__rev_f2p_CUSTOMERS_ID__SALES: 5,
      });
    });
  });
});
