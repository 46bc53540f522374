// SPDX-License-Identifier: Apache-2.0
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { inferGraph } from '../../src/data/infer.js';
import { materialise } from '../../src/data/materialise.js';
import { openStage, readEdges, readNodes } from '../../src/data/stage.js';
import { openDuckDb } from '../../src/data/duckdb.js';
import type { Connector } from '../../src/data/connector.js';
import { rejectsWith, withDb, withTempDir } from './helpers.js';

const setup = [
  `CREATE TABLE parent (parentId BIGINT, score DOUBLE, kind VARCHAR, note VARCHAR, born DATE)`,
  `INSERT INTO parent VALUES (10, 1.5, 'a', 'first note', '2000-01-01'), (3, NULL, 'b', 'second', NULL), (7, 3.5, NULL, NULL, '2000-01-03'), (9007199254740993, 4.5, 'a', 'big', NULL)`,
  `CREATE TABLE child (childId BIGINT, parentId BIGINT, happened TIMESTAMP, qty INTEGER)`,
  `INSERT INTO child VALUES (1, 3, '2020-01-01 00:00:00', 5), (2, 7, '2020-01-02 00:00:00', 6), (3, 99, '2020-01-03 00:00:00', 7), (4, NULL, '2020-01-04 00:00:00', 8), (5, 9007199254740993, NULL, 9)`,
];

const DAY = 86_400_000_000n;
const JAN1 = 1577836800000000n;

describe('materialisation into a stage', () => {
  it('writes dense node ids, exact keys, node times, encoded features and FK edges with child time', async () => {
    await withDb(setup, async (db) => {
      await withTempDir(async (workspace) => {
        const { graph } = await inferGraph(db, {
          override: { tables: [{ name: 'parent', columns: [{ name: 'note', stype: 'text' }] }] },
        });
        const stage = await materialise(db, graph, { workspace });
        expect(stage.reused).toBe(false);

        const parent = await readNodes(stage, 'parent');
        expect(parent.numRows).toBe(4);
        expect(Array.from(parent.getChild('__key')!.toArray() as BigInt64Array)).toEqual([
          3n,
          7n,
          10n,
          9007199254740993n,
        ]);
        expect(parent.getChild('__time')).toBeNull();
        const entry = stage.manifest.tables.find((t) => t.name === 'parent')!;
        const feature = (column: string) => entry.features.find((f) => f.column === column)!;
        expect(entry.features.map((f) => [f.column, f.stype, f.encoding])).toEqual([
          ['score', 'numerical', 'float32'],
          ['kind', 'categorical', 'codes'],
          ['note', 'text', 'utf8'],
          ['born', 'timestamp', 'micros'],
        ]);
        const score = parent.getChild(feature('score').field)!;
        expect([score.get(0), score.get(1), score.get(2)]).toEqual([null, 3.5, 1.5]);
        expect(feature('score').nulls).toBe(1);
        const kind = parent.getChild(feature('kind').field)!;
        const vocabulary = feature('kind').vocabulary!;
        expect(
          [0, 1, 2, 3].map((i) => (kind.get(i) === null ? null : vocabulary[kind.get(i)])),
        ).toEqual(['b', null, 'a', 'a']);
        expect(parent.getChild(feature('note').field)!.toArray()).toEqual([
          'second',
          null,
          'first note',
          'big',
        ]);
        expect(parent.getChild(feature('born').field)!.get(2)).toBe(10957n * DAY);

        const child = await readNodes(stage, 'child');
        expect(
          Array.from(child.getChild('__time')!.toArray() as BigInt64Array).slice(0, 4),
        ).toEqual([JAN1, JAN1 + DAY, JAN1 + 2n * DAY, JAN1 + 3n * DAY]);
        expect(child.getChild('__time')!.get(4)).toBeNull(); // NULL stays NULL, never 0
        expect(
          stage.manifest.tables.find((t) => t.name === 'child')!.features.map((f) => f.column),
        ).toEqual(['qty']);

        const edges = await readEdges(stage, 'child', 'parentId');
        expect(Array.from(edges.getChild('src')!.toArray())).toEqual([0, 1, 4]);
        expect(Array.from(edges.getChild('dst')!.toArray())).toEqual([0, 1, 3]);
        expect([0, 1, 2].map((i) => edges.getChild('time')!.get(i))).toEqual([
          JAN1,
          JAN1 + DAY,
          null,
        ]);
        expect(stage.manifest.edges).toEqual([
          expect.objectContaining({
            name: 'child__f2p_parentId__parent',
            reverse: 'parent__rev_f2p_parentId__child',
            edges: 3,
            dangling: 1,
            nulls: 1,
            temporal: true,
          }),
        ]);
      });
    });
  });

  it('reuses the stage on unchanged input and rebuilds when the data or graph change', async () => {
    await withDb(setup, async (db) => {
      await withTempDir(async (workspace) => {
        const { graph } = await inferGraph(db);
        const first = await materialise(db, graph, { workspace });
        const again = await materialise(db, graph, { workspace });
        expect(again.reused).toBe(true);
        expect(again.dir).toBe(first.dir);
        await db.execute(`UPDATE child SET qty = 50 WHERE childId = 1`);
        const changed = await materialise(db, graph, { workspace });
        expect(changed.reused).toBe(false);
        expect(changed.dir).not.toBe(first.dir);
        const regraphed = await materialise(
          db,
          {
            ...graph,
            tables: graph.tables.map((t) => ({
              ...t,
              columns: t.columns.filter((c) => c.name !== 'qty'),
            })),
          },
          { workspace },
        );
        expect(regraphed.dir).not.toBe(changed.dir);
      });
    });
  });

  it('leaves nothing behind when validation fails or a write fails midway', async () => {
    await withDb([...setup, `INSERT INTO parent VALUES (3, 0, 'c', 'dup', NULL)`], async (db) => {
      await withTempDir(async (workspace) => {
        const { graph } = await inferGraph(db, {
          override: { tables: [{ name: 'parent', primaryKey: 'parentId' }] },
        });
        const details = await rejectsWith(
          materialise(db, graph, { workspace }),
          'DATA_PK_DUPLICATE',
        );
        expect(details).toMatchObject({ table: 'parent', value: '3' });
        expect(await readdir(workspace)).toEqual([]);

        await db.execute(`DELETE FROM parent WHERE note = 'dup'`);
        // A connector whose edge query fails after the node files were written.
        const failing: Connector = Object.create(db, {
          query: {
            value: (sql: string, params?: never[]) => {
              if (sql.startsWith('WITH c AS'))
                throw Object.assign(new Error('disk gone'), { code: 'X' });
              return db.query(sql, params);
            },
          },
        });
        await expect(materialise(failing, graph, { workspace })).rejects.toThrow('disk gone');
        expect(await readdir(`${workspace}/stage`)).toEqual([]);
      });
    });
  });

  it('an all-dangling edge type has zero edges while the rest of the graph still materialises', async () => {
    await withDb(
      [
        `CREATE TABLE users (userId INTEGER)`,
        `INSERT INTO users VALUES (1), (2)`,
        `CREATE TABLE orders (orderId INTEGER, userId INTEGER, shopId INTEGER)`,
        `CREATE TABLE shops (shopId INTEGER)`,
        `INSERT INTO shops VALUES (100)`,
        `INSERT INTO orders VALUES (1, 1, 5), (2, 2, 6)`,
      ],
      async (db) => {
        await withTempDir(async (workspace) => {
          const { graph } = await inferGraph(db, {
            override: {
              tables: [
                {
                  name: 'orders',
                  foreignKeys: [
                    { column: 'userId', references: 'users' },
                    { column: 'shopId', references: 'shops' },
                  ],
                },
              ],
            },
          });
          const stage = await materialise(db, graph, { workspace });
          expect(stage.manifest.edges.map((e) => [e.name, e.edges, e.dangling])).toEqual([
            ['orders__f2p_userId__users', 2, 0],
            ['orders__f2p_shopId__shops', 0, 2],
          ]);
          expect(stage.manifest.report.issues.map((i) => i.code)).toEqual(['FK_ALL_DANGLING']);
          expect((await readEdges(stage, 'orders', 'shopId')).numRows).toBe(0);
        });
      },
    );
  });

  it('quotes identifiers with quotes, semicolons and spaces end to end', async () => {
    await withDb(
      [
        `CREATE TABLE "my ""users""; x" ("user id" INTEGER, "na;me" VARCHAR)`,
        `INSERT INTO "my ""users""; x" VALUES (1, 'a'), (2, 'b')`,
        `CREATE TABLE "odd; table" ("id" INTEGER, "user id" INTEGER, "when?" TIMESTAMP)`,
        `INSERT INTO "odd; table" VALUES (1, 2, '2020-01-01'), (2, 1, '2020-01-02')`,
      ],
      async (db) => {
        await withTempDir(async (workspace) => {
          const { graph } = await inferGraph(db, {
            override: {
              tables: [
                { name: 'my "users"; x', primaryKey: 'user id' },
                {
                  name: 'odd; table',
                  foreignKeys: [{ column: 'user id', references: 'my "users"; x' }],
                },
              ],
            },
          });
          const stage = await materialise(db, graph, { workspace });
          const edges = await readEdges(stage, 'odd; table', 'user id');
          expect(Array.from(edges.getChild('dst')!.toArray())).toEqual([1, 0]);
          expect(await db.listTables()).toEqual(['my "users"; x', 'odd; table']);
        });
      },
    );
  });

  it('streams tables in chunks: the node and edge files hold many record batches', async () => {
    const db = await openDuckDb(':memory:', { chunkRows: 1000 });
    try {
      await db.execute(`CREATE TABLE u (uId BIGINT, v DOUBLE)`);
      await db.execute(`INSERT INTO u SELECT range, range / 2 FROM range(5000)`);
      await db.execute(`CREATE TABLE e (eId BIGINT, uId BIGINT, at_time TIMESTAMP)`);
      await db.execute(
        `INSERT INTO e SELECT range, range % 5000, TIMESTAMP '2020-01-01' + INTERVAL (range) SECOND FROM range(12000)`,
      );
      await withTempDir(async (workspace) => {
        const { graph } = await inferGraph(db);
        const stage = await materialise(db, graph, { workspace });
        const nodes = await readNodes(stage, 'e');
        const edges = await readEdges(stage, 'e', 'uId');
        expect(nodes.numRows).toBe(12000);
        expect(nodes.batches.length).toBeGreaterThanOrEqual(6);
        expect(edges.numRows).toBe(12000);
        expect(edges.batches.length).toBeGreaterThanOrEqual(6);
        const dst = edges.getChild('dst')!.toArray() as Int32Array;
        expect(dst[4999]).toBe(4999);
        expect(dst[5000]).toBe(0);
      });
    } finally {
      await db.close();
    }
  });

  it('refuses a stage directory without a complete manifest', async () => {
    await withTempDir(async (dir) => {
      await rejectsWith(openStage(dir), 'DATA_STAGE_INVALID');
    });
  });

  it('carries a NUMBER(38,0) key 9999999999999999 and a BIGINT 2^53+1 exactly into keys and links', async () => {
    await withDb(
      [
        `CREATE TABLE accounts (accountId DECIMAL(38, 0), balance DOUBLE)`,
        `INSERT INTO accounts VALUES (9999999999999999, 1), (9999999999999998, 2)`,
        `CREATE TABLE transfers (transferId BIGINT, accountId DECIMAL(38, 0))`,
        `INSERT INTO transfers VALUES (9007199254740993, 9999999999999999), (9007199254740992, 9999999999999998)`,
      ],
      async (db) => {
        await withTempDir(async (workspace) => {
          const { graph } = await inferGraph(db);
          const stage = await materialise(db, graph, { workspace });
          const keys = (await readNodes(stage, 'accounts')).getChild('__key')!.toArray();
          expect(Array.from(keys as BigInt64Array)).toEqual([9999999999999998n, 9999999999999999n]);
          const transfers = (await readNodes(stage, 'transfers')).getChild('__key')!.toArray();
          expect(Array.from(transfers as BigInt64Array)).toEqual([
            9007199254740992n,
            9007199254740993n,
          ]);
          const edges = await readEdges(stage, 'transfers', 'accountId');
          expect(Array.from(edges.getChild('dst')!.toArray())).toEqual([0, 1]);
        });
      },
    );
  });
});
