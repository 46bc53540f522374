// SPDX-License-Identifier: Apache-2.0
// Builds the rel-f1 database in DuckDB from the raw Ergast CSVs as RelBench's F1Dataset.make_db
// does (relbench.md §4a): dropped columns, races.date + races.time as one timestamp, the race
// date propagated to the fact tables, qualifying a day earlier. Talks to DuckDB directly.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import type {
  ColumnDef,
  GraphDef,
  PhysicalType,
  SemanticType,
  TableDef,
} from '../../src/data/graph-def.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const F1_RAW = resolve(ROOT, '../shared/data/f1/raw');

export function requireF1(): string {
  if (!existsSync(resolve(F1_RAW, 'results.csv'))) {
    throw new Error(`rel-f1 raw data missing: expected the Ergast CSVs under ${F1_RAW}`);
  }
  return F1_RAW;
}

function csv(name: string): string {
  return `read_csv('${resolve(F1_RAW, name)}', header = true, nullstr = '\\N', auto_detect = true)`;
}

/** Creates the nine rel-f1 tables in `conn`. */
export async function loadF1(conn: DuckDBConnection): Promise<void> {
  requireF1();
  const raceDate = `(SELECT raceId, date FROM races)`;
  const statements = [
    `CREATE TABLE races AS SELECT raceId, year, round, circuitId, name,
       CAST(CAST(date AS VARCHAR) || ' ' || COALESCE(CAST(time AS VARCHAR), '00:00:00') AS TIMESTAMP) AS date
     FROM ${csv('races.csv')}`,
    `CREATE TABLE circuits AS SELECT * EXCLUDE (url) FROM ${csv('circuits.csv')}`,
    `CREATE TABLE drivers AS SELECT * EXCLUDE (number, url) FROM ${csv('drivers.csv')}`,
    `CREATE TABLE constructors AS SELECT * EXCLUDE (url) FROM ${csv('constructors.csv')}`,
    `CREATE TABLE results AS SELECT r.* EXCLUDE (positionText, time, fastestLapTime, fastestLapSpeed), d.date
     FROM ${csv('results.csv')} r LEFT JOIN ${raceDate} d USING (raceId)`,
    `CREATE TABLE standings AS SELECT s.* EXCLUDE (positionText), d.date
     FROM ${csv('driver_standings.csv')} s LEFT JOIN ${raceDate} d USING (raceId)`,
    `CREATE TABLE constructor_results AS SELECT c.* EXCLUDE (status), d.date
     FROM ${csv('constructor_results.csv')} c LEFT JOIN ${raceDate} d USING (raceId)`,
    `CREATE TABLE constructor_standings AS SELECT c.* EXCLUDE (positionText), d.date
     FROM ${csv('constructor_standings.csv')} c LEFT JOIN ${raceDate} d USING (raceId)`,
    `CREATE TABLE qualifying AS SELECT q.* EXCLUDE (q1, q2, q3), d.date - INTERVAL 1 DAY AS date
     FROM ${csv('qualifying.csv')} q LEFT JOIN ${raceDate} d USING (raceId)`,
  ];
  for (const sql of statements) await conn.run(sql);
}

const SCHEMA: [string, string, string | null, [string, string][]][] = [
  ['races', 'raceId', 'date', [['circuitId', 'circuits']]],
  ['circuits', 'circuitId', null, []],
  ['drivers', 'driverId', null, []],
  [
    'results',
    'resultId',
    'date',
    [
      ['raceId', 'races'],
      ['driverId', 'drivers'],
      ['constructorId', 'constructors'],
    ],
  ],
  [
    'standings',
    'driverStandingsId',
    'date',
    [
      ['raceId', 'races'],
      ['driverId', 'drivers'],
    ],
  ],
  ['constructors', 'constructorId', null, []],
  [
    'constructor_results',
    'constructorResultsId',
    'date',
    [
      ['raceId', 'races'],
      ['constructorId', 'constructors'],
    ],
  ],
  [
    'constructor_standings',
    'constructorStandingsId',
    'date',
    [
      ['raceId', 'races'],
      ['constructorId', 'constructors'],
    ],
  ],
  [
    'qualifying',
    'qualifyId',
    'date',
    [
      ['raceId', 'races'],
      ['driverId', 'drivers'],
      ['constructorId', 'constructors'],
    ],
  ],
];

function physicalOf(type: string): PhysicalType {
  if (/^(BIGINT|HUGEINT)/.test(type)) return 'bigint';
  if (/INT/.test(type)) return 'int';
  if (/DOUBLE|FLOAT|REAL/.test(type)) return 'float';
  if (/DECIMAL/.test(type)) return 'decimal';
  if (/BOOL/.test(type)) return 'boolean';
  if (/TIMESTAMP/.test(type)) return 'timestamp';
  if (/DATE/.test(type)) return 'date';
  if (/VARCHAR/.test(type)) return 'string';
  return 'other';
}

/** The rel-f1 graph definition, by hand (types from DuckDB, keys and times per §4a). */
export async function f1Graph(conn: DuckDBConnection): Promise<GraphDef> {
  const tables: TableDef[] = [];
  for (const [name, pk, time, fks] of SCHEMA) {
    const reader = await conn.runAndReadAll(`DESCRIBE "${name}"`);
    const columns: ColumnDef[] = reader.getRowObjects().map((row) => {
      const col = String(row.column_name);
      const physical = physicalOf(String(row.column_type));
      const isKey = col === pk || fks.some(([c]) => c === col);
      const stype: SemanticType = isKey
        ? 'id'
        : physical === 'timestamp' || physical === 'date'
          ? 'timestamp'
          : physical === 'string'
            ? 'categorical'
            : col === 'statusId'
              ? 'categorical'
              : 'numerical';
      return { name: col, physical, stype };
    });
    const foreignKeys = fks.map(([column, references]) => ({ column, references }));
    tables.push({
      name,
      primaryKey: pk,
      foreignKeys,
      timeColumn: time,
      endTimeColumn: null,
      columns,
    });
  }
  return { version: 1, tables };
}

/**
 * The rel-f1 sources as they come (no time propagated), for a graph whose time columns are
 * derived by the data engine's relations: races.date + races.time, the race time through
 * raceId for the fact tables, a day earlier for qualifying.
 */
export async function loadF1Sources(conn: DuckDBConnection): Promise<void> {
  requireF1();
  const statements = [
    `CREATE TABLE races AS SELECT raceId, year, round, circuitId, name, date, time FROM ${csv('races.csv')}`,
    `CREATE TABLE circuits AS SELECT * EXCLUDE (url) FROM ${csv('circuits.csv')}`,
    `CREATE TABLE drivers AS SELECT * EXCLUDE (number, url) FROM ${csv('drivers.csv')}`,
    `CREATE TABLE constructors AS SELECT * EXCLUDE (url) FROM ${csv('constructors.csv')}`,
    `CREATE TABLE results AS SELECT * EXCLUDE (positionText, time, fastestLapTime, fastestLapSpeed) FROM ${csv('results.csv')}`,
    `CREATE TABLE standings AS SELECT * EXCLUDE (positionText) FROM ${csv('driver_standings.csv')}`,
    `CREATE TABLE constructor_results AS SELECT * EXCLUDE (status) FROM ${csv('constructor_results.csv')}`,
    `CREATE TABLE constructor_standings AS SELECT * EXCLUDE (positionText) FROM ${csv('constructor_standings.csv')}`,
    `CREATE TABLE qualifying AS SELECT * EXCLUDE (q1, q2, q3) FROM ${csv('qualifying.csv')}`,
  ];
  for (const sql of statements) await conn.run(sql);
}

/** The rel-f1 graph over loadF1Sources, with derived time columns. */
export async function f1DerivedGraph(conn: DuckDBConnection): Promise<GraphDef> {
  const graph = await f1Graph(conn);
  for (const table of graph.tables) {
    if (table.timeColumn === null) continue;
    if (table.name === 'races') {
      table.derivedTime = { from: 'columns', date: 'date', timeOfDay: 'time' };
      continue;
    }
    table.columns.push({ name: 'date', physical: 'timestamp', stype: 'timestamp' });
    const offsetSeconds = table.name === 'qualifying' ? -86_400 : 0;
    table.derivedTime = { from: 'parent', foreignKey: 'raceId', offsetSeconds };
  }
  return graph;
}
