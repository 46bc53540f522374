// SPDX-License-Identifier: Apache-2.0
// The same graph materialised through DuckDB and through Snowflake (the test double:
// snowflake-sdk over HTTP, backed by its own DuckDB) gives identical stages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type DuckDbConnector } from '../../src/data/duckdb.js';
import { SnowflakeConnector } from '../../src/data/snowflake/connector.js';
import { inferGraph } from '../../src/data/infer.js';
import { materialise } from '../../src/data/materialise.js';
import { readStageFile, type Stage } from '../../src/data/stage.js';
import type { GraphDef } from '../../src/data/graph-def.js';
import type { SnowflakeDouble } from '../support/snowflake-double/server.js';
import { optionsFor, startDouble } from '../support/snowflake-double/fixture.js';
import { withTempDir } from './helpers.js';

const SCHEMA = `
  CREATE TABLE "PARENTS" ("PARENTS_ID" BIGINT, "NAME" VARCHAR, "KIND" VARCHAR, "SCORE" DOUBLE,
    "BORN" DATE);
  INSERT INTO "PARENTS" VALUES (10, 'ten', 'a', 1.5, DATE '2000-01-01'),
    (3, 'three', 'b', NULL, NULL), (7, NULL, 'a', -2.0, DATE '1969-07-20'),
    (9007199254740993, 'big', NULL, 4.0, DATE '2024-02-29');
  CREATE TABLE "CHILDREN" ("CHILDREN_ID" BIGINT, "PARENTS_ID" BIGINT, "AT" TIMESTAMP,
    "QTY" INTEGER);
  INSERT INTO "CHILDREN" VALUES (1, 3, TIMESTAMP '2021-01-01 00:00:00', 5),
    (2, 7, TIMESTAMP '2021-02-01 08:00:00.000001', NULL), (3, 99, TIMESTAMP '2021-03-01 00:00:00', 7),
    (4, NULL, NULL, 8), (5, 9007199254740993, TIMESTAMP '1969-07-20 20:17:40', 9);
`;

async function contents(stage: Stage): Promise<unknown> {
  const files = [
    ...stage.manifest.tables.map((t) => t.file),
    ...stage.manifest.edges.map((e) => e.file),
  ];
  const out: Record<string, unknown> = {};
  for (const file of files) {
    const table = await readStageFile(stage, file);
    out[file] = table.schema.fields.map((f) => [
      f.name,
      String(f.type),
      table.getChild(f.name)!.toJSON(),
    ]);
  }
  const { hash: _h, createdAt: _c, ...rest } = stage.manifest;
  return { manifest: rest, files: out };
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

describe('materialisation through DuckDB and Snowflake', () => {
  it('infers the same graph and writes identical stages', async () => {
    const fromDuck = (await inferGraph(duck)).graph;
    const fromSnow = (await inferGraph(snow)).graph;
    // Snowflake stores every integer as NUMBER(38,0), so INTEGER reads as bigint there.
    const widen = (graph: GraphDef) =>
      JSON.parse(JSON.stringify(graph).replaceAll('"physical":"int"', '"physical":"bigint"'));
    expect(widen(fromSnow)).toEqual(widen(fromDuck));
    await withTempDir(async (workspace) => {
      const a = await materialise(duck, fromDuck, { workspace: `${workspace}/duck` });
      const b = await materialise(snow, fromDuck, { workspace: `${workspace}/snow` });
      expect(a.manifest.edges[0]).toMatchObject({ edges: 3, dangling: 1, nulls: 1 });
      expect(await contents(b)).toEqual(await contents(a));
    });
  });
});
