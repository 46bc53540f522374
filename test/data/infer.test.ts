// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { inferGraph } from '../../src/data/infer.js';
import { findColumn, findTable, type GraphDef, type TableDef } from '../../src/data/graph-def.js';
import { rejectsWith, withDb } from './helpers.js';

function table(graph: GraphDef, name: string): TableDef {
  const t = findTable(graph, name);
  if (t === undefined) throw new Error(`no table ${name}`);
  return t;
}

const fks = (t: TableDef) => t.foreignKeys.map((f) => `${f.column}->${f.references}`);

describe('schema inference on crafted databases', () => {
  it('finds string keys and links them by name', async () => {
    await withDb(
      [
        `CREATE TABLE countries (code VARCHAR, name VARCHAR)`,
        `INSERT INTO countries VALUES ('FR', 'France'), ('DE', 'Germany'), ('IT', 'Italy')`,
        `CREATE TABLE users (user_id VARCHAR, country_code VARCHAR, countries_id VARCHAR, signup TIMESTAMP)`,
        `INSERT INTO users VALUES ('u1', 'FR', 'FR', '2020-01-01'), ('u2', 'DE', 'DE', '2020-02-01')`,
      ],
      async (db) => {
        const { graph } = await inferGraph(db);
        expect(table(graph, 'users').primaryKey).toBe('user_id');
        expect(table(graph, 'users').timeColumn).toBe('signup');
        // `code` does not read as a key, so countries has no inferred key and nothing links to it.
        expect(table(graph, 'countries').primaryKey).toBeNull();
        expect(fks(table(graph, 'users'))).toEqual([]);
        const { graph: given } = await inferGraph(db, {
          override: { tables: [{ name: 'countries', primaryKey: 'code' }] },
        });
        expect(fks(table(given, 'users'))).toEqual(['countries_id->countries']);
      },
    );
  });

  it('gives composite-looking keys (two non-unique key columns) no primary key and two links', async () => {
    await withDb(
      [
        `CREATE TABLE orders (order_id BIGINT, placed DATE)`,
        `INSERT INTO orders VALUES (1, '2020-01-01'), (2, '2020-01-02')`,
        `CREATE TABLE products (product_id BIGINT, price DOUBLE)`,
        `INSERT INTO products VALUES (10, 1.5), (11, 2.5)`,
        `CREATE TABLE order_items (order_id BIGINT, product_id BIGINT, qty INTEGER)`,
        `INSERT INTO order_items VALUES (1, 10, 1), (1, 11, 2), (2, 10, 3), (2, 11, 4)`,
      ],
      async (db) => {
        const { graph } = await inferGraph(db);
        const items = table(graph, 'order_items');
        expect(items.primaryKey).toBeNull();
        expect(fks(items)).toEqual(['order_id->orders', 'product_id->products']);
        expect(findColumn(items, 'order_id')?.stype).toBe('id');
        expect(findColumn(items, 'qty')?.stype).toBe('numerical');
        expect(table(graph, 'orders').timeColumn).toBe('placed');
        expect(table(graph, 'products').timeColumn).toBeNull();
      },
    );
  });

  it('finds a self-referencing foreign key by value containment', async () => {
    await withDb(
      [
        `CREATE TABLE employees (employeeId INTEGER, managerId INTEGER, salary DOUBLE)`,
        `INSERT INTO employees VALUES (1, NULL, 10), (2, 1, 20), (3, 1, 30), (4, 2, 40)`,
      ],
      async (db) => {
        const { graph } = await inferGraph(db);
        const e = table(graph, 'employees');
        expect(e.primaryKey).toBe('employeeId');
        expect(fks(e)).toEqual(['managerId->employees']);
        expect(findColumn(e, 'managerId')?.stype).toBe('id');
      },
    );
  });

  it('proposes an undeclared XId whose values all occur in a key; key columns are never numerical', async () => {
    await withDb(
      [
        `CREATE TABLE stores (storeId BIGINT, city VARCHAR)`,
        `INSERT INTO stores SELECT range, 'c' || range FROM range(1, 51)`,
        `CREATE TABLE sales (saleId BIGINT, shopId BIGINT, otherId BIGINT, amount DOUBLE)`,
        // shopId values all occur in stores.storeId; otherId has 1000 distinct values, some outside.
        `INSERT INTO sales SELECT range, 1 + range % 50, range * 7, range * 0.5 FROM range(1, 1001)`,
      ],
      async (db) => {
        const { graph } = await inferGraph(db);
        const sales = table(graph, 'sales');
        expect(sales.primaryKey).toBe('saleId');
        expect(fks(sales)).toEqual(['shopId->stores']);
        expect(findColumn(sales, 'otherId')?.stype).toBe('id');
        expect(findColumn(sales, 'amount')?.stype).toBe('numerical');
        for (const t of graph.tables) {
          for (const key of [t.primaryKey, ...t.foreignKeys.map((f) => f.column)]) {
            if (key !== null) expect(findColumn(t, key)?.stype).toBe('id');
          }
        }
      },
    );
  });

  it('links two foreign keys to the same table and handles tables without a key', async () => {
    await withDb(
      [
        `CREATE TABLE airports (airportId INTEGER, name VARCHAR)`,
        `INSERT INTO airports VALUES (1, 'A'), (2, 'B'), (3, 'C')`,
        `CREATE TABLE flights (originAirportId INTEGER, destAirportId INTEGER, departure TIMESTAMP, end_time TIMESTAMP)`,
        `INSERT INTO flights VALUES (1, 2, '2020-01-01 10:00', '2020-01-01 12:00'), (2, 3, '2020-01-02 10:00', NULL)`,
        `CREATE TABLE log (message VARCHAR)`,
        `INSERT INTO log VALUES ('a'), ('a')`,
      ],
      async (db) => {
        const { graph } = await inferGraph(db);
        const flights = table(graph, 'flights');
        expect(flights.primaryKey).toBeNull();
        expect(fks(flights)).toEqual(['originAirportId->airports', 'destAirportId->airports']);
        expect(flights.timeColumn).toBe('departure');
        expect(flights.endTimeColumn).toBe('end_time');
        expect(table(graph, 'log').primaryKey).toBeNull();
        expect(table(graph, 'log').foreignKeys).toEqual([]);
      },
    );
  });

  it('tells categorical from text by cardinality and lists by element type', async () => {
    await withDb(
      [
        `CREATE TABLE items (itemId INTEGER, color VARCHAR, description VARCHAR, flag BOOLEAN, tags VARCHAR[], emb DOUBLE[], born DATE)`,
        `INSERT INTO items SELECT range, ['red', 'green', 'blue'][1 + range % 3], 'item number ' || range, range % 2 = 0, ['a', 'b'], [0.1, 0.2], DATE '2000-01-01' FROM range(100)`,
      ],
      async (db) => {
        const { graph } = await inferGraph(db);
        const items = table(graph, 'items');
        const stype = (c: string) => findColumn(items, c)?.stype;
        expect([stype('color'), stype('description'), stype('flag')]).toEqual([
          'categorical',
          'text',
          'categorical',
        ]);
        expect([stype('tags'), stype('emb'), stype('born')]).toEqual([
          'multicategorical',
          'embedding',
          'timestamp',
        ]);
        expect(items.timeColumn).toBeNull(); // a birth-like date is not a creation time
      },
    );
  });
});

describe('graph overrides', () => {
  const setup = [
    `CREATE TABLE a (aId INTEGER, v DOUBLE, note VARCHAR)`,
    `INSERT INTO a VALUES (1, 1.0, 'x'), (2, 2.0, 'y')`,
    `CREATE TABLE b (bId INTEGER, aId INTEGER)`,
    `INSERT INTO b VALUES (1, 1)`,
  ];

  it('merges a partial override over the inferred graph', async () => {
    await withDb(setup, async (db) => {
      const { graph } = await inferGraph(db, {
        override: {
          onlyListed: true,
          tables: [
            { name: 'a', columns: [{ name: 'v', stype: 'categorical' }], drop: ['note'] },
            { name: 'renamed', source: 'b' },
          ],
        },
      });
      expect(graph.tables.map((t) => t.name)).toEqual(['a', 'renamed']);
      expect(findColumn(table(graph, 'a'), 'v')?.stype).toBe('categorical');
      expect(findColumn(table(graph, 'a'), 'note')).toBeUndefined();
      expect(fks(table(graph, 'renamed'))).toEqual(['aId->a']);
    });
  });

  it('refuses columns and tables that do not exist and bad shapes', async () => {
    await withDb(setup, async (db) => {
      const cases: Array<[unknown, string]> = [
        [
          { tables: [{ name: 'a', columns: [{ name: 'nope', stype: 'text' }] }] },
          'DATA_COLUMN_NOT_FOUND',
        ],
        [{ tables: [{ name: 'a', primaryKey: 'missing' }] }, 'DATA_COLUMN_NOT_FOUND'],
        [{ tables: [{ name: 'a', drop: ['ghost'] }] }, 'DATA_COLUMN_NOT_FOUND'],
        [
          { tables: [{ name: 'b', foreignKeys: [{ column: 'aId', references: 'zzz' }] }] },
          'DATA_FK_MISSING_TABLE',
        ],
        [{ tables: [{ name: 'ghost_table' }] }, 'DATA_TABLE_NOT_FOUND'],
        [{ tables: [{ name: 'a', drop: ['aId'] }] }, 'DATA_GRAPH_FILE_INVALID'],
        [
          { tables: [{ name: 'b', columns: [{ name: 'aId', stype: 'numerical' }] }] },
          'DATA_GRAPH_FILE_INVALID',
        ],
      ];
      for (const [override, code] of cases) {
        const details = await rejectsWith(
          inferGraph(db, { override: override as never, overrideSource: 'g.json' }),
          code,
        );
        if (code === 'DATA_COLUMN_NOT_FOUND') expect(details.where).toBe('g.json');
      }
    });
  });
});
