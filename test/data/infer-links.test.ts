// SPDX-License-Identifier: Apache-2.0
// Which table a key column links to: a name match wins over value containment, an empty table
// (a CSV file with only its header) is still linked by name with every key dangling, and a link
// to a table that does not exist names the tables it likely meant.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../../src/data/duckdb.js';
import { inferGraph } from '../../src/data/infer.js';
import { findTable, type GraphDef } from '../../src/data/graph-def.js';
import { materialise } from '../../src/data/materialise.js';
import { validateGraph } from '../../src/data/validate.js';
import { rejectsWith, withDb, withTempDir } from './helpers.js';

const links = (graph: GraphDef, table: string) =>
  findTable(graph, table)!.foreignKeys.map((f) => `${f.column}->${f.references}`);

/** users 1..300, purchases whose item_id values all occur among the user ids. */
async function shopFiles(dir: string, items: string): Promise<void> {
  const users = Array.from({ length: 300 }, (_, i) => `${i + 1},u${i + 1}`);
  await writeFile(join(dir, 'users.csv'), `user_id,name\n${users.join('\n')}\n`);
  await writeFile(join(dir, 'items.csv'), items);
  const purchases = Array.from(
    { length: 50 },
    (_, i) => `${i + 1},${1 + (i % 300)},${1 + ((i * 7) % 300)},2024-01-${10 + (i % 20)} 10:00:00`,
  );
  await writeFile(
    join(dir, 'purchases.csv'),
    `purchase_id,user_id,item_id,purchased_at\n${purchases.join('\n')}\n`,
  );
}

describe('foreign key inference', () => {
  it('links item_id to an empty items table (header only), not by values to users', async () => {
    await withTempDir(async (dir) => {
      await shopFiles(dir, 'item_id,name\n');
      const db = await openDuckDb(dir);
      try {
        const { graph } = await inferGraph(db);
        expect(links(graph, 'purchases')).toEqual(['user_id->users', 'item_id->items']);
        const report = await validateGraph(db, graph);
        expect(report.errors).toBe(0);
        const edge = report.edges.find((e) => e.column === 'item_id');
        expect(edge).toMatchObject({ references: 'items', edges: 0, dangling: 50, nulls: 0 });
        expect(report.issues.map((i) => `${i.code}:${i.table}`).sort()).toEqual([
          'FK_ALL_DANGLING:purchases',
          'TABLE_EMPTY:items',
        ]);
        // The edge files are written with keys of two types (text and integer) and no edge.
        await withTempDir(async (workspace) => {
          const stage = await materialise(db, graph, { workspace });
          const edges = stage.manifest.edges.map((e) => [e.column, e.references, e.edges]);
          expect(edges).toEqual([
            ['user_id', 'users', 50],
            ['item_id', 'items', 0],
          ]);
        });
      } finally {
        await db.close();
      }
    });
  });

  it('links by name over containment, and leaves a name match of another type unlinked', async () => {
    // [items table, expected links of purchases]
    const cases: Array<[string[], string[]]> = [
      // A non-empty items table with integer keys: linked by name.
      [
        [
          'CREATE TABLE items (item_id BIGINT, name VARCHAR)',
          'INSERT INTO items SELECT range, NULL FROM range(1, 301)',
        ],
        ['user_id->users', 'item_id->items'],
      ],
      // Text keys that cannot match integers: no link, and not one to users by values.
      [
        [
          'CREATE TABLE items (item_id VARCHAR, name VARCHAR)',
          "INSERT INTO items VALUES ('A1', 'a'), ('B2', 'b')",
        ],
        ['user_id->users'],
      ],
      // No table named after the column: value containment proposes users.
      [[], ['user_id->users', 'item_id->users']],
    ];
    for (const [items, expected] of cases) {
      await withDb(
        [
          'CREATE TABLE users (user_id BIGINT, name VARCHAR)',
          'INSERT INTO users SELECT range, NULL FROM range(1, 301)',
          'CREATE TABLE purchases (purchase_id BIGINT, user_id BIGINT, item_id BIGINT)',
          'INSERT INTO purchases SELECT range, 1 + range % 300, 1 + range * 7 % 300 FROM range(1, 51)',
          ...items,
        ],
        async (db) => {
          const { graph } = await inferGraph(db);
          expect(links(graph, 'purchases'), items.join('; ')).toEqual(expected);
        },
      );
    }
  });

  it('a declared integer column of an empty table still refuses a text key: only text says nothing', async () => {
    await withDb(
      [
        'CREATE TABLE s (sId VARCHAR)',
        "INSERT INTO s VALUES ('a')",
        'CREATE TABLE c (cId INTEGER, sId INTEGER)',
      ],
      async (db) => {
        const { graph } = await inferGraph(db, {
          override: { tables: [{ name: 'c', foreignKeys: [{ column: 'sId', references: 's' }] }] },
        });
        const report = await validateGraph(db, graph);
        expect(report.issues.map((i) => i.code)).toContain('DATA_FK_TYPE_MISMATCH');
      },
    );
  });

  it('names the tables a missing reference likely means, at inference and in validation', async () => {
    // [reference, suggested tables]
    const cases: Array<[string, string[]]> = [
      ['user', ['users']],
      ['Users', ['users']],
      ['usres', ['users']],
      ['purchase', ['purchases']],
      ['nothing_like_it', []],
    ];
    await withDb(
      [
        'CREATE TABLE users (user_id BIGINT)',
        'INSERT INTO users VALUES (1)',
        'CREATE TABLE purchases (purchase_id BIGINT, buyer BIGINT)',
        'INSERT INTO purchases VALUES (1, 1)',
      ],
      async (db) => {
        for (const [references, suggestions] of cases) {
          const details = await rejectsWith(
            inferGraph(db, {
              override: {
                tables: [{ name: 'purchases', foreignKeys: [{ column: 'buyer', references }] }],
              },
            }),
            'DATA_FK_MISSING_TABLE',
          );
          expect(details, references).toMatchObject({ references, suggestions });
          expect(details.available, references).toEqual(['purchases', 'users']);
        }
        const { graph } = await inferGraph(db);
        findTable(graph, 'purchases')!.foreignKeys = [{ column: 'buyer', references: 'user' }];
        const report = await validateGraph(db, graph);
        const issue = report.issues.find((i) => i.code === 'DATA_FK_MISSING_TABLE');
        expect(issue?.details).toMatchObject({ suggestions: ['users'] });
        expect(issue?.message).toContain('references the table user, which does not exist');
        expect(issue?.message).toContain('(did you mean "users"?)');
      },
    );
  });
});
