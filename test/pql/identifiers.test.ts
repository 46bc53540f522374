// SPDX-License-Identifier: Apache-2.0
// Names in queries: unquoted names in any script (`Größe`, `顧客`), backtick-quoted names with
// spaces, a quoted string where a name belongs (an error that says to use backticks), one
// optional trailing `;`, and such names always quoted in the SQL of both dialects.
import { describe, expect, it } from 'vitest';
import type { ColumnRef, Condition } from '../../src/control/pql/ast.js';
import { PqlDiagnostics } from '../../src/control/pql/diagnostics.js';
import { parseTimestampText } from '../../src/control/pql/lexer.js';
import { parseQuery } from '../../src/control/pql/parser.js';
import { compilePlan } from '../../src/control/pql/plan.js';
import type { GraphDef } from '../../src/data/graph-def.js';
import { runSql, withDuck } from './duck.js';
import { table } from './toy-schemas.js';

/** Kunden (customers) and Bestellungen (orders), with names that need quoting or Unicode. */
const KUNDEN: GraphDef = {
  version: 1,
  tables: [
    table('Kunden', 'Kunden ID', 'seit', {}, 'Größe:c 年齢:i'),
    table('Bestellungen', 'Bestell-Nr', 'Datum', { 'Kunden ID': 'Kunden' }, 'Menge:i'),
  ],
};
KUNDEN.tables[1]!.columns.push({ name: 'Betrag €', physical: 'float', stype: 'numerical' });

const timeRange = {
  start: parseTimestampText('2024-01-01')!,
  end: parseTimestampText('2024-12-31')!,
};

/** The first diagnostic of parsing `query`, or null when it parses. */
function firstError(query: string) {
  try {
    parseQuery(query);
  } catch (err) {
    if (err instanceof PqlDiagnostics) return err.diagnostics[0]!;
    throw err;
  }
  return null;
}

function targetColumn(query: string): { table: string; column: string | null } {
  const target = parseQuery(query).target as ColumnRef;
  return { table: target.table.text, column: target.column?.text ?? null };
}

describe('names', () => {
  it.each([
    ['PREDICT Kunden.Größe FOR EACH Kunden.id', 'Kunden', 'Größe'],
    ['PREDICT 顧客.年齢 FOR EACH 顧客.id', '顧客', '年齢'],
    ['PREDICT Kunden.Gro\u0308ße FOR EACH Kunden.id', 'Kunden', 'Gro\u0308ße'],
    ['PREDICT _kunden.größe_2 FOR EACH _kunden.id', '_kunden', 'größe_2'],
    ['PREDICT `Kunden`.`Kunden ID` FOR EACH Kunden.id', 'Kunden', 'Kunden ID'],
    ['PREDICT Kunden.`a``b` FOR EACH Kunden.id', 'Kunden', 'a`b'],
  ])('%s reads as %s.%s', (query, table, column) => {
    expect(targetColumn(query)).toEqual({ table, column });
  });

  // A quoted string where a name belongs: the error says to quote the name in backticks.
  it.each([
    ['PREDICT Kunden.Größe FOR EACH Kunden."Kunden ID"', 38, '`Kunden ID`', '"..." is a string'],
    ["PREDICT Kunden.Größe FOR EACH 'Kunden'.id", 31, '`Kunden`', "'...' is a string"],
    ['PREDICT COUNT("Bestellungen".*, 0, 30, days) FOR EACH Kunden.id', 15, '`Bestellungen`', ''],
    ['PREDICT Kunden.a FOR EACH Kunden.id WHERE "Kunden".x = 1', 43, '`Kunden`', ''],
    ['PREDICT Kunden."a`b" FOR EACH Kunden.id', 16, '`a``b`', ''],
  ])('%s: quote names with backticks', (query, column, quoted, says) => {
    const d = firstError(query)!;
    expect(d).toMatchObject({ code: 'PQL_UNEXPECTED_TOKEN', line: 1, column });
    expect(d.message).toContain(`quote names with backticks: ${quoted}`);
    expect(d.message).toContain(says);
  });

  it('keeps a quoted string a string constant where a constant belongs', () => {
    const where = parseQuery('PREDICT Kunden.a FOR EACH Kunden.id WHERE Kunden.Größe = "L"')
      .where as Extract<Condition, { kind: 'compare' }>;
    expect(where.right).toMatchObject({ kind: 'string', value: 'L' });
  });

  it.each([
    ['PREDICT Kunden.prix€ FOR EACH Kunden.id', 20, '€'],
    ['PREDICT Kunden.² FOR EACH Kunden.id', 16, '²'],
  ])('%s: a character that is no letter, mark, digit or _ is an error', (query, column, text) => {
    expect(firstError(query)).toMatchObject({ code: 'PQL_INVALID_CHARACTER', column, text });
  });
});

describe('a trailing semicolon', () => {
  const Q = 'PREDICT users.age FOR EACH users.user_id';

  it.each([`${Q};`, `${Q} ;`, `${Q};\n`, `${Q}; # the end`, `${Q};\n# a comment\n  \t`])(
    'ends the query: %j',
    (query) => {
      expect(firstError(query)).toBeNull();
      expect(parseQuery(query).source).toBe(query);
    },
  );

  it.each([
    [`${Q};;`, 'PQL_INVALID_CHARACTER', 41],
    [`${Q}; WHERE users.age > 3`, 'PQL_INVALID_CHARACTER', 41],
    [`${Q}; ${Q}`, 'PQL_INVALID_CHARACTER', 41],
    ['PREDICT users.age FOR EACH;', 'PQL_UNEXPECTED_END', 27],
    [';', 'PQL_UNEXPECTED_END', 1],
  ])('is one at the very end: %j', (query, code, column) => {
    expect(firstError(query)).toMatchObject({ code, line: 1, column });
  });
});

describe('such names in SQL', () => {
  const NAMES = ['Bestellungen', 'Kunden ID', 'Betrag €', 'Kunden', 'Größe'];
  const query =
    'PREDICT SUM(Bestellungen.`Betrag €`, 0, 30, days) > 10 FOR EACH Kunden.`Kunden ID` ' +
    "WHERE Kunden.Größe = 'L' AND COUNT(Bestellungen.*, -30, 0, days) > 0;";

  it.each(['duckdb', 'snowflake'] as const)('%s: every name is quoted, none spliced', (dialect) => {
    for (const relations of ['graph', 'tables'] as const) {
      const plan = compilePlan(query, KUNDEN, { timeRange, dialect, relations });
      const { train, test } = plan.splits!;
      for (const name of NAMES) {
        expect(train.sql.sql).toContain(`"${name}"`);
        expect(test.sql.sql).toContain(`"${name}"`);
      }
      for (const s of [train.sql, test.sql, plan.prediction.sql]) {
        // With the quoted names taken out (longest first), no name is left: none is bare.
        let rest = s.sql;
        for (const name of NAMES) rest = rest.replaceAll(`"${name}"`, '');
        for (const name of NAMES) expect(rest).not.toContain(name);
        expect(s.params).toContain('L');
        expect(s.sql).not.toContain("'L'");
      }
    }
  });

  it('runs on DuckDB', async () => {
    const plan = compilePlan(query, KUNDEN, { timeRange, relations: 'tables' });
    await withDuck(async (conn) => {
      await conn.run(
        'CREATE TABLE "Kunden" ("Kunden ID" INTEGER, seit TIMESTAMP, "Größe" VARCHAR, "年齢" INTEGER)',
      );
      await conn.run(
        'CREATE TABLE "Bestellungen" ("Bestell-Nr" INTEGER, "Kunden ID" INTEGER, ' +
          '"Datum" TIMESTAMP, "Menge" INTEGER, "Betrag €" DOUBLE)',
      );
      await conn.run(
        "INSERT INTO \"Kunden\" VALUES (1, '2024-01-01', 'L', 30), (2, '2024-01-01', 'S', 40)",
      );
      await conn.run(
        'INSERT INTO "Bestellungen" VALUES ' +
          "(1, 1, '2024-12-15', 1, 5.0), (2, 2, '2024-12-20', 1, 50.0)",
      );
      const rows = await runSql(conn, plan.prediction.sql);
      expect(rows.map((r) => r.entity_id)).toEqual([1]);
    });
  });
});
