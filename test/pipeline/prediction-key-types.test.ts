// SPDX-License-Identifier: Apache-2.0
// Prediction files keep the type of the source's keys: integer keys are INTEGER or BIGINT in
// Parquet (read back with DuckDB) and Int32 or Int64 in Arrow, string keys stay VARCHAR, and a
// key too large for 64 bits (HUGEINT, UBIGINT) falls back to VARCHAR rather than wrapping.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellValue } from '../../src/data/column-builder.js';
import { openDuckDb } from '../../src/data/duckdb.js';
import type { GraphDef, PhysicalType } from '../../src/data/graph-def.js';
import {
  keyType,
  outputKeyTypes,
  writePredictions,
  type PredictionRow,
} from '../../src/pipeline/predict.js';
import type { ModelFileMeta } from '../../src/pipeline/train.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prequel-key-types-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function graph(userKey: PhysicalType, itemKey: PhysicalType): GraphDef {
  const keyTable = (name: string, key: string, physical: PhysicalType) => ({
    name,
    primaryKey: key,
    foreignKeys: [],
    timeColumn: null,
    endTimeColumn: null,
    columns: [{ name: key, physical, stype: 'id' as const }],
  });
  return {
    version: 1,
    tables: [keyTable('users', 'user_id', userKey), keyTable('items', 'item_id', itemKey)],
  };
}

function meta(task: ModelFileMeta['task']): ModelFileMeta {
  return {
    query: 'PREDICT ...',
    plan: {},
    task,
    entity: { table: 'users', key: 'user_id' },
    stage: { hash: 'x', vocabularies: {} },
    settings: {},
    config: {} as ModelFileMeta['config'],
    ...(task === 'ranking' ? { ranked: { table: 'items', key: 'item_id' }, k: 2 } : {}),
  };
}

/** Column name -> DuckDB type of a Parquet file. */
async function parquetTypes(path: string): Promise<Record<string, string>> {
  const db = await openDuckDb(':memory:');
  try {
    const r = await db.queryAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    const name = r.columns.find((c) => c.name === 'column_name')!;
    const type = r.columns.find((c) => c.name === 'column_type')!;
    return Object.fromEntries(
      Array.from({ length: r.rows }, (_, i) => [cellValue(name, i), cellValue(type, i)]),
    );
  } finally {
    await db.close();
  }
}

const ANCHOR = '2024-01-01T00:00:00.000Z';

describe('keyType', () => {
  it('follows the physical type of the key column', () => {
    expect(keyType(graph('int', 'int'), 'users', 'user_id', ['1', '2'])).toBe('INTEGER');
    expect(keyType(graph('bigint', 'int'), 'users', 'user_id', ['9007199254740993'])).toBe(
      'BIGINT',
    );
    expect(keyType(graph('string', 'int'), 'users', 'user_id', ['7'])).toBe('VARCHAR');
    expect(keyType(graph('bigint', 'int'), 'users', 'user_id', ['18446744073709551615'])).toBe(
      'VARCHAR',
    );
    expect(keyType(graph('bigint', 'int'), 'users', 'user_id', ['-9223372036854775808'])).toBe(
      'BIGINT',
    );
  });
});

describe('writePredictions', () => {
  it('writes a BIGINT entity key exactly, and a string key as VARCHAR', async () => {
    const rows: PredictionRow[] = [
      { id: '9007199254740993', score: 0.25 },
      { id: '-3', score: 0.5 },
    ];
    const keys = outputKeyTypes(graph('bigint', 'int'), meta('binary'), rows);
    expect(keys).toEqual({ entity: 'BIGINT' });
    const parquet = join(dir, 'binary.parquet');
    await writePredictions(parquet, 'parquet', rows, meta('binary'), ANCHOR, keys);
    expect(await parquetTypes(parquet)).toEqual({
      user_id: 'BIGINT',
      anchor_time: 'TIMESTAMP',
      probability: 'DOUBLE',
    });
    const arrowPath = join(dir, 'binary.arrow');
    await writePredictions(arrowPath, 'arrow', rows, meta('binary'), ANCHOR, keys);
    const arrow = tableFromIPC(readFileSync(arrowPath));
    expect(String(arrow.schema.fields[0]!.type)).toBe('Int64');
    expect(Array.from(arrow.getChild('user_id')!.toArray() as BigInt64Array)).toEqual([
      9007199254740993n,
      -3n,
    ]);

    const named = [{ id: 'u-1', score: 0.1 }];
    const textKeys = outputKeyTypes(graph('string', 'int'), meta('binary'), named);
    const textParquet = join(dir, 'text.parquet');
    await writePredictions(textParquet, 'parquet', named, meta('binary'), ANCHOR, textKeys);
    expect((await parquetTypes(textParquet)).user_id).toBe('VARCHAR');
  });

  it("types a ranking's entity and item keys each from its own column", async () => {
    const rows: PredictionRow[] = [
      {
        id: '5',
        score: 0.9,
        ranked: [
          { item: '12', score: 0.9 },
          { item: '4', score: 0.3 },
        ],
      },
    ];
    const keys = outputKeyTypes(graph('int', 'bigint'), meta('ranking'), rows);
    expect(keys).toEqual({ entity: 'INTEGER', item: 'BIGINT' });
    const parquet = join(dir, 'ranking.parquet');
    await writePredictions(parquet, 'parquet', rows, meta('ranking'), ANCHOR, keys);
    expect(await parquetTypes(parquet)).toEqual({
      user_id: 'INTEGER',
      anchor_time: 'TIMESTAMP',
      rank: 'INTEGER',
      item_id: 'BIGINT',
      score: 'DOUBLE',
    });
    const arrowPath = join(dir, 'ranking.arrow');
    await writePredictions(arrowPath, 'arrow', rows, meta('ranking'), ANCHOR, keys);
    const arrow = tableFromIPC(readFileSync(arrowPath));
    const typed = arrow.schema.fields.filter((f) => f.name !== 'anchor_time');
    expect(typed.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'user_id:Int32',
      'rank:Int32',
      'item_id:Int64',
      'score:Float64',
    ]);
  });
});
