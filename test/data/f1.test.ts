// SPDX-License-Identifier: Apache-2.0
// The Ergast F1 dump loads as RelBench's rel-f1 database. Expected counts were verified with a
// plain CSV parse (Python's csv module) of ../shared/data/f1/raw, independent of DuckDB.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type DuckDbConnector } from '../../src/data/duckdb.js';
import { inferGraph } from '../../src/data/infer.js';
import { readGraphFile } from '../../src/data/graph-file.js';
import { materialise } from '../../src/data/materialise.js';
import { readEdges, readNodes, type Stage } from '../../src/data/stage.js';
import { loadStage } from '../../src/data/load-store.js';
import { tableRelation } from '../../src/data/relation.js';
import { quoteIdent } from '../../src/data/sql.js';
import { findColumn, findTable, type GraphDef } from '../../src/data/graph-def.js';
import { REPO_ROOT, f1RawDir } from './helpers.js';

const ROWS: Record<string, number> = {
  races: 1101,
  circuits: 77,
  drivers: 857,
  results: 26080,
  standings: 34124,
  constructors: 211,
  constructor_results: 12290,
  constructor_standings: 13051,
  qualifying: 9815,
};

const LINKS: Record<string, number> = {
  races__f2p_circuitId__circuits: 1101,
  results__f2p_raceId__races: 26080,
  results__f2p_driverId__drivers: 26080,
  results__f2p_constructorId__constructors: 26080,
  standings__f2p_raceId__races: 34124,
  standings__f2p_driverId__drivers: 34124,
  constructor_results__f2p_raceId__races: 12290,
  constructor_results__f2p_constructorId__constructors: 12290,
  constructor_standings__f2p_raceId__races: 13051,
  constructor_standings__f2p_constructorId__constructors: 13051,
  qualifying__f2p_raceId__races: 9815,
  qualifying__f2p_driverId__drivers: 9815,
  qualifying__f2p_constructorId__constructors: 9815,
};

const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

describe('rel-f1 from the Ergast CSVs with examples/f1/graph.json', () => {
  let db: DuckDbConnector;
  let graph: GraphDef;
  let stage: Stage;
  let workspace: string;

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'prequel-f1-'));
    db = await openDuckDb(f1RawDir(), { nullStrings: ['\\N'] });
    const override = await readGraphFile(join(REPO_ROOT, 'examples/f1/graph.json'));
    graph = (await inferGraph(db, { override })).graph;
    stage = await materialise(db, graph, { workspace });
  });

  afterAll(async () => {
    await db?.close();
    await rm(workspace, { recursive: true, force: true });
  });

  it('has the 9 tables, keys and time columns of RelBench', () => {
    const summary = Object.fromEntries(
      graph.tables.map((t) => [t.name, [t.primaryKey, t.timeColumn]]),
    );
    expect(summary).toEqual({
      races: ['raceId', 'date'],
      circuits: ['circuitId', null],
      drivers: ['driverId', null],
      constructors: ['constructorId', null],
      results: ['resultId', 'date'],
      standings: ['driverStandingsId', 'date'],
      constructor_results: ['constructorResultsId', 'date'],
      constructor_standings: ['constructorStandingsId', 'date'],
      qualifying: ['qualifyId', 'date'],
    });
    for (const table of graph.tables) {
      for (const key of [table.primaryKey, ...table.foreignKeys.map((f) => f.column)]) {
        if (key !== null) expect(findColumn(table, key)?.stype).toBe('id');
      }
    }
    expect(findColumn(findTable(graph, 'races')!, 'url')).toBeUndefined();
    expect(findColumn(findTable(graph, 'drivers')!, 'number')).toBeUndefined();
  });

  it('has the row count of every table and the link count of every edge type', () => {
    expect(Object.fromEntries(stage.manifest.tables.map((t) => [t.name, t.rows]))).toEqual(ROWS);
    expect(Object.fromEntries(stage.manifest.edges.map((e) => [e.name, e.edges]))).toEqual(LINKS);
    expect(stage.manifest.edges.every((e) => e.dangling === 0 && e.nulls === 0)).toBe(true);
    expect(stage.manifest.report.errors).toBe(0);
  });

  it('combines races.date + races.time and propagates it to the fact tables (qualifying a day earlier)', async () => {
    const races = await readNodes(stage, 'races');
    const key = Array.from(races.getChild('__key')!.toArray() as BigInt64Array);
    const time = races.getChild('__time')!;
    expect(time.get(key.indexOf(1n))).toBe(micros('2009-03-29T06:00:00Z'));
    expect(time.get(key.indexOf(18n))).toBe(micros('2008-03-16T04:30:00Z'));
    const all = Array.from(time.toArray() as BigInt64Array);
    expect(all.reduce((a, b) => (b < a ? b : a))).toBe(micros('1950-05-13T00:00:00Z'));
    expect(all.reduce((a, b) => (b > a ? b : a))).toBe(micros('2023-11-26T13:00:00Z'));

    const qualifying = await readNodes(stage, 'qualifying');
    const qkey = Array.from(qualifying.getChild('__key')!.toArray() as BigInt64Array);
    expect(qualifying.getChild('__time')!.get(qkey.indexOf(1n))).toBe(
      micros('2008-03-15T04:30:00Z'),
    );
    const edges = await readEdges(stage, 'results', 'raceId');
    const results = await readNodes(stage, 'results');
    const src = edges.getChild('src')!.toArray() as Int32Array;
    const dst = edges.getChild('dst')!.toArray() as Int32Array;
    for (let i = 0; i < src.length; i += 997) {
      expect(edges.getChild('time')!.get(i)).toBe(results.getChild('__time')!.get(src[i]));
      expect(results.getChild('__time')!.get(src[i])).toBe(time.get(dst[i]));
    }
  });

  it('reads \\N as NULL', async () => {
    const results = await readNodes(stage, 'results');
    const entry = stage.manifest.tables.find((t) => t.name === 'results')!;
    const position = entry.features.find((f) => f.column === 'position')!;
    expect(position.nulls).toBe(10873);
    expect(results.getChild(position.field)!.nullCount).toBe(10873);
  });

  it('loads into the native graph store with both directions of every link', async () => {
    const loaded = await loadStage(stage);
    try {
      const counts = Object.fromEntries(loaded.graph.nodeTypes.map((n) => [n.name, n.count]));
      expect(counts).toEqual(ROWS);
      const edges = Object.fromEntries(loaded.graph.edgeTypes.map((e) => [e.name, e.numEdges]));
      for (const [name, links] of Object.entries(LINKS)) {
        const [src, relation, dst] = name.split('__');
        expect(edges[name]).toBe(links);
        expect(edges[`${dst}__rev_${relation}__${src}`]).toBe(links);
      }
      expect(
        loaded.graph.nodeTypes
          .filter((n) => n.hasTime)
          .map((n) => n.name)
          .sort(),
      ).toEqual([
        'constructor_results',
        'constructor_standings',
        'qualifying',
        'races',
        'results',
        'standings',
      ]);
    } finally {
      loaded.graph.close();
      loaded.columns.close();
    }
  });

  it('exposes each time column by name in its SQL relation: 74,063 rows up to 2010-01-01 as RelBench', async () => {
    let total = 0;
    for (const table of graph.tables) {
      const time = table.timeColumn === null ? 'TRUE' : `r.${quoteIdent(table.timeColumn)} <= $1`;
      const sql = `SELECT count(*) AS n FROM ${tableRelation(graph, table, 'duckdb')} r WHERE ${time}`;
      const params = table.timeColumn === null ? [] : [new Date('2010-01-01T00:00:00Z')];
      const result = await db.queryAll(sql, params);
      total += Number(result.columns[0].kind === 'bigint' ? result.columns[0].values[0] : -1);
    }
    expect(total).toBe(74063);
  });
});
