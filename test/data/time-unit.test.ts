// SPDX-License-Identifier: Apache-2.0
// Integer time columns (Unix seconds, ms, us, ns) with `timeUnit`: read as the exact instant
// (nanoseconds rounded up to the microsecond, never down), inferred for a column named like a
// time whose values are plausible Unix times, and a row after the anchor stays invisible.
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../src/control/pql/plan.js';
import { readTimeRange } from '../../src/control/pql/time-range.js';
import { inferGraph } from '../../src/data/infer.js';
import { findTable, type EpochUnit } from '../../src/data/graph-def.js';
import { loadStage } from '../../src/data/load-store.js';
import { materialise } from '../../src/data/materialise.js';
import { TIME, tableRelation } from '../../src/data/relation.js';
import { validateGraph } from '../../src/data/validate.js';
import { rejectsWith, valuesOf, withDb, withTempDir } from './helpers.js';
import { startDouble, withConnector } from '../support/snowflake-double/fixture.js';

/** 2023-11-14 22:13:20 UTC in microseconds since the epoch. */
const T0 = 1_700_000_000_000_000n;
const PER_MICRO: Record<EpochUnit, bigint> = { s: 1_000_000n, ms: 1_000n, us: 1n, ns: 1n };

/** [unit, stored integer, the instant in microseconds] */
const INSTANTS: Array<[EpochUnit, bigint, bigint]> = [
  ['s', 1_700_000_000n, T0],
  ['s', -86_400n, -86_400_000_000n],
  ['ms', 1_700_000_000_123n, T0 + 123_000n],
  ['ms', -1n, -1_000n],
  ['us', 1_700_000_000_123_456n, T0 + 123_456n],
  ['ns', 1_700_000_000_123_456_000n, T0 + 123_456n],
  // Nanoseconds past a microsecond round up: the row is never visible before it happened.
  ['ns', 1_700_000_000_123_456_001n, T0 + 123_457n],
  ['ns', -1n, 0n],
  ['ns', -1_001n, -1n],
];

/** The integer that holds `micros` in `unit` (exact for these values). */
const stored = (unit: EpochUnit, micros: bigint) =>
  unit === 'ns' ? micros * 1_000n : micros / PER_MICRO[unit];

describe('integer time columns with timeUnit', () => {
  it('read as the exact instant in every unit', async () => {
    await withDb(
      [
        'CREATE TABLE ev (evId INTEGER, ts BIGINT, unit VARCHAR)',
        ...INSTANTS.map(([unit, value], i) => `INSERT INTO ev VALUES (${i}, ${value}, '${unit}')`),
      ],
      async (db) => {
        for (const unit of ['s', 'ms', 'us', 'ns'] as const) {
          const { graph } = await inferGraph(db, {
            override: { tables: [{ name: 'ev', timeColumn: 'ts', timeUnit: unit }] },
          });
          expect(findTable(graph, 'ev')).toMatchObject({ timeColumn: 'ts', timeUnit: unit });
          const relation = tableRelation(graph, findTable(graph, 'ev')!, 'duckdb');
          const result = await db.queryAll(
            `SELECT "${TIME}" AS t, ts FROM ${relation} r WHERE unit = '${unit}' ORDER BY evId`,
          );
          const expected = INSTANTS.filter(([u]) => u === unit).map(([, , micros]) => micros);
          expect(valuesOf(result, 't'), unit).toEqual(expected);
          // The time column reads as the same timestamp under its own name.
          expect(valuesOf(result, 'ts'), unit).toEqual(expected);
        }
      },
    );
  });

  it('are inferred for a time-like name with plausible Unix times, with the unit', async () => {
    // [column definition, values (microseconds unless raw), expected time column and unit]
    const cases: Array<[string, bigint[], string | null, EpochUnit | null]> = [
      ['ts BIGINT', [T0, T0 + 1_000_000n], 'ts', 's'],
      ['created_at BIGINT', [T0, T0 + 5_000n], 'created_at', 'ms'],
      ['eventTime BIGINT', [T0, T0 + 5n], 'eventTime', 'us'],
      ['timestamp BIGINT', [T0, T0 + 5n], 'timestamp', 'ns'],
      // Not a time: a duration, a value not named like a time, an update time.
      ['ts BIGINT', [1_000_000n, 2_000_000n], null, null],
      ['amount BIGINT', [T0, T0 + 1_000_000n], null, null],
      ['updated_at BIGINT', [T0, T0 + 1_000_000n], null, null],
      ['format BIGINT', [T0, T0 + 1_000_000n], null, null],
      // Values spanning two units' ranges fit none.
      ['ts BIGINT', [T0, T0 * 1_000n], null, null],
    ];
    for (const [column, micros, time, unit] of cases) {
      const name = column.split(' ')[0];
      const raw = micros.map((m) => (unit === null ? m / 1_000_000n : stored(unit, m)));
      await withDb(
        [
          `CREATE TABLE ev (evId INTEGER, ${column})`,
          ...raw.map((v, i) => `INSERT INTO ev VALUES (${i}, ${v})`),
        ],
        async (db) => {
          const { graph } = await inferGraph(db);
          const ev = findTable(graph, 'ev')!;
          expect([ev.timeColumn, ev.timeUnit ?? null], `${column} ${raw}`).toEqual([time, unit]);
          if (time !== null) expect((await validateGraph(db, graph)).errors).toBe(0);
        },
      );
    }
    // A date or timestamp column is preferred to an integer one.
    await withDb(
      [
        'CREATE TABLE ev (evId INTEGER, ts BIGINT, placed TIMESTAMP)',
        "INSERT INTO ev VALUES (1, 1700000000, '2023-01-01')",
      ],
      async (db) => {
        const ev = findTable((await inferGraph(db)).graph, 'ev')!;
        expect([ev.timeColumn, ev.timeUnit]).toEqual(['placed', undefined]);
      },
    );
  });

  it('keep a row after the anchor invisible, in labels and in the stored times', async () => {
    for (const unit of ['s', 'ms', 'us', 'ns'] as const) {
      // User 1 acts exactly at T0, user 2 one unit later (1 ns rounds up to 1 us), user 3 earlier.
      const later = stored(unit, T0) + 1n;
      const times = [stored(unit, T0), later, stored(unit, T0 - 86_400_000_000n * 10n)];
      await withDb(
        [
          'CREATE TABLE users (userId BIGINT)',
          'INSERT INTO users VALUES (1), (2), (3)',
          'CREATE TABLE ev (evId BIGINT, userId BIGINT, ts BIGINT)',
          ...times.map((t, i) => `INSERT INTO ev VALUES (${i + 1}, ${i + 1}, ${t})`),
        ],
        async (db) => {
          const { graph } = await inferGraph(db, {
            override: { tables: [{ name: 'ev', timeColumn: 'ts', timeUnit: unit }] },
          });
          const timeRange = (await readTimeRange(db, graph))!;
          const query =
            'PREDICT COUNT(ev.*, 0, 1, days) FOR EACH users.userId WHERE COUNT(ev.*, -1, 0, ' +
            'days) > 0';
          const plan = compilePlan(query, graph, { timeRange, predictionAnchor: T0 });
          const result = await db.queryAll(plan.prediction.sql.sql, plan.prediction.sql.params);
          expect(valuesOf(result, 'entity_id'), unit).toEqual([1n]);

          await withTempDir(async (workspace) => {
            const stage = await materialise(db, graph, { workspace });
            const loaded = await loadStage(stage, { threads: 1 });
            try {
              const micros = unit === 'ns' ? T0 + 1n : T0 + PER_MICRO[unit];
              expect(Array.from(loaded.graph.nodeTime('ev')!), unit).toEqual([
                T0,
                micros,
                T0 - 86_400_000_000n * 10n,
              ]);
            } finally {
              loaded.graph.close();
              loaded.columns.close();
            }
          });
        },
      );
    }
  });

  it('an integer time column without a unit is an error that says to set timeUnit', async () => {
    await withDb(
      [
        'CREATE TABLE ev (evId INTEGER, ts BIGINT, label VARCHAR)',
        "INSERT INTO ev VALUES (1, 1700000000, 'a')",
      ],
      async (db) => {
        const cases: Array<[object, string]> = [
          [{ timeColumn: 'ts', timeUnit: null }, 'set "timeUnit" of ev in the graph file'],
          [{ timeColumn: 'label', timeUnit: 's' }, '"timeUnit": "s" reads an integer time column'],
        ];
        for (const [entry, says] of cases) {
          const { graph } = await inferGraph(db, {
            override: { tables: [{ name: 'ev', ...entry }] },
          });
          const report = await validateGraph(db, graph);
          const issue = report.issues.find((i) => i.code === 'DATA_TIME_INVALID');
          expect(issue?.message, JSON.stringify(entry)).toContain(says);
        }
        // A unit needs a time column read from the data.
        await rejectsWith(
          inferGraph(db, {
            override: { tables: [{ name: 'ev', timeColumn: null, timeUnit: 's' }] },
          }),
          'DATA_GRAPH_FILE_INVALID',
        );
      },
    );
  });

  it(
    'FLOAT_PRECISION on a Unix-time integer that is not the time column ' + 'points at timeUnit',
    async () => {
      await withDb(
        [
          'CREATE TABLE ev (evId INTEGER, created_at BIGINT, placed TIMESTAMP)',
          "INSERT INTO ev SELECT range, 1700000000 + range, TIMESTAMP '2023-01-01' FROM range(5)",
        ],
        async (db) => {
          const { graph } = await inferGraph(db);
          expect(findTable(graph, 'ev')?.timeColumn).toBe('placed');
          const report = await validateGraph(db, graph);
          const issue = report.issues.find((i) => i.code === 'FLOAT_PRECISION');
          expect(issue?.details).toMatchObject({ timeUnit: 's' });
          expect(issue?.message).toContain('"timeColumn": "created_at", "timeUnit": "s"');
        },
      );
    },
  );

  it('FLOAT_PRECISION points at timeUnit whatever the column is named', async () => {
    await withDb(
      [
        'CREATE TABLE ev (evId INTEGER, started BIGINT, placed TIMESTAMP)',
        "INSERT INTO ev SELECT range, 1700000000 + range, TIMESTAMP '2023-01-01' FROM range(5)",
      ],
      async (db) => {
        const { graph } = await inferGraph(db);
        const report = await validateGraph(db, graph);
        const issue = report.issues.find((i) => i.code === 'FLOAT_PRECISION');
        expect(issue?.details).toMatchObject({ timeUnit: 's' });
        expect(issue?.message).toContain('"timeColumn": "started", "timeUnit": "s"');
      },
    );
  });

  // [declared unit, stored values, the unit TIME_UNIT_RANGE suggests (undefined: no warning)]
  const RANGES: Array<[EpochUnit, string, EpochUnit | null | undefined]> = [
    ['ms', '1700000000, 1700086400', 's'],
    ['s', '1700000000000, 1700086400000', 'ms'],
    ['ns', '1700000000000000, 1700000000000001', 'us'],
    ['s', '5, 6', null],
    ['s', '1700000000, 1700086400', undefined],
    ['ms', '1700000000000, 1700086400000', undefined],
  ];

  it.each(RANGES)(
    'timeUnit %s on %s: TIME_UNIT_RANGE suggests %s',
    async (unit, values, suggested) => {
      await withDb(
        [
          'CREATE TABLE ev (evId INTEGER, started BIGINT)',
          `INSERT INTO ev SELECT row_number() OVER (), v FROM (SELECT unnest([${values}]) AS v)`,
        ],
        async (db) => {
          const { graph } = await inferGraph(db, {
            override: { tables: [{ name: 'ev', timeColumn: 'started', timeUnit: unit }] },
          });
          const report = await validateGraph(db, graph);
          const issue = report.issues.find((i) => i.code === 'TIME_UNIT_RANGE');
          if (suggested === undefined) {
            expect(issue).toBeUndefined();
            return;
          }
          expect(issue).toMatchObject({ severity: 'warning', table: 'ev', column: 'started' });
          expect(issue?.details).toMatchObject({ timeUnit: unit, suggested });
          expect(issue?.message).toContain('outside 1980-2100');
          if (suggested !== null) expect(issue?.message).toContain(`"timeUnit": "${suggested}"`);
        },
      );
    },
  );

  it('read the same through the Snowflake dialect (the test double)', async () => {
    // The double runs Snowflake's SQL on DuckDB, whose `/` is floating point: nanoseconds, which
    // Snowflake divides exactly, are left to the DuckDB case above.
    const rows = INSTANTS.filter(([unit]) => unit !== 'ns');
    const double = await startDouble();
    try {
      await double.seed(
        'CREATE TABLE "EV" ("EVID" INTEGER, "TS" BIGINT, "UNIT" VARCHAR);' +
          rows.map(([u, v], i) => `INSERT INTO "EV" VALUES (${i}, ${v}, '${u}');`).join(''),
      );
      await withConnector(double, async (snow) => {
        for (const unit of ['s', 'ms', 'us'] as const) {
          const { graph } = await inferGraph(snow, {
            override: { tables: [{ name: 'EV', timeColumn: 'TS', timeUnit: unit }] },
          });
          const relation = tableRelation(graph, findTable(graph, 'EV')!, 'snowflake');
          const result = await snow.queryAll(
            `SELECT "${TIME}" AS "T" FROM ${relation} r WHERE "UNIT" = '${unit}' ORDER BY "EVID"`,
          );
          const expected = rows.filter(([u]) => u === unit).map(([, , micros]) => micros);
          expect(valuesOf(result, 'T'), unit).toEqual(expected);
        }
      });
    } finally {
      await double.close();
    }
  });
});
