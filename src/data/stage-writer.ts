// SPDX-License-Identifier: Apache-2.0
// Writes the stage's node and edge files chunk by chunk: the data engine's SQL assigns dense node
// ids (row_number over the table's order) and joins foreign keys to parent ids, so JS memory
// holds one chunk at a time, never a whole table or a key -> id map.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import {
  Field,
  Int32,
  Int64,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Utf8,
  makeData,
  vectorFromArray,
  type Data,
} from 'apache-arrow';
import type { Connector, ResultColumn } from './connector.js';
import {
  findColumn,
  findTable,
  type ColumnDef,
  type GraphDef,
  type TableDef,
} from './graph-def.js';
import { FeatureEncoder, toBitmap } from './encode.js';
import { keyFamily } from './infer.js';
import { TIME, sourceOf, tableRelation } from './relation.js';
import { keyAsText, quoteIdent, toTimestamp } from './sql.js';
import type { StageFeature, StageNodeTable } from './stage.js';
import { PrequelError, prequelError, raise } from '../errors/index.js';

/** Progress of a long step: `rows` of `total` done. */
export type Progress = (event: {
  step: string;
  table: string;
  rows: number;
  total: number;
}) => void;

/** An Arrow IPC file being written batch by batch. */
class ArrowFile {
  private readonly writer = new RecordBatchFileWriter();
  private readonly done: Promise<void>;
  private batches = 0;

  constructor(path: string) {
    this.done = pipeline(this.writer.toNodeStream(), createWriteStream(path));
  }

  write(schema: Schema, children: Data[], rows: number): void {
    const data = makeData({
      type: new Struct(schema.fields),
      length: rows,
      nullCount: 0,
      children,
    });
    this.writer.write(new RecordBatch(schema, data));
    this.batches += 1;
  }

  async close(schema: Schema): Promise<void> {
    // An empty table still gets its schema, as one empty batch.
    if (this.batches === 0) {
      this.write(
        schema,
        schema.fields.map((f) => vectorFromArray([], f.type).data[0]),
        0,
      );
    }
    this.writer.finish();
    await this.done;
  }
}

function int64Data(column: ResultColumn, rows: number): Data {
  if (column.kind !== 'bigint' && column.kind !== 'timestamp')
    throw new RangeError(`${column.name} is not int64`);
  const nullCount =
    column.valid === null ? 0 : column.valid.subarray(0, rows).filter((v) => v === 0).length;
  const nullBitmap = toBitmap(column.valid, rows);
  return makeData({
    type: new Int64(),
    length: rows,
    nullCount,
    data: column.values.slice(0, rows),
    nullBitmap,
  });
}

/** Node ids as Int32 (the SQL casts row numbers to INTEGER; Snowflake returns them as NUMBER). */
function int32Ids(column: ResultColumn, rows: number): Data {
  let out: Int32Array;
  if (column.kind === 'int') {
    out = column.values.slice(0, rows);
  } else if (column.kind === 'bigint') {
    out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) out[i] = Number(column.values[i]);
  } else {
    throw new RangeError(`${column.name} is not a node id`);
  }
  return makeData({ type: new Int32(), length: rows, nullCount: 0, data: out });
}

/** The columns written as features: everything but keys, ids and the time column. */
export function featureColumns(table: TableDef): ColumnDef[] {
  return table.columns.filter((c) => c.stype !== 'id' && c.name !== table.timeColumn);
}

/** The ORDER BY list that fixes a table's node ids (over the relation alias r). */
export function nodeOrder(table: TableDef): string {
  if (table.primaryKey !== null) return `r.${quoteIdent(table.primaryKey)}`;
  const parts = table.timeColumn === null ? [] : [`r.${quoteIdent(TIME)}`];
  const derived = table.derivedTime === undefined ? null : table.timeColumn;
  for (const c of table.columns) {
    if (c.physical !== 'list' && c.name !== derived) parts.push(`r.${quoteIdent(c.name)}`);
  }
  return parts.length === 0 ? '1' : parts.join(', ');
}

function featureExpression(
  table: TableDef,
  column: ColumnDef,
  dialect: Connector['dialect'],
): string {
  const c = `r.${quoteIdent(column.name)}`;
  if (column.stype === 'timestamp' && column.physical === 'string')
    return toTimestamp(dialect, c, true);
  if (column.stype === 'text' || (column.stype === 'categorical' && column.physical === 'other')) {
    return dialect === 'duckdb' ? `CAST(${c} AS VARCHAR)` : `TO_VARCHAR(${c})`;
  }
  if (column.stype === 'numerical' && column.physical === 'string') {
    return dialect === 'duckdb' ? `TRY_CAST(${c} AS DOUBLE)` : `TRY_TO_DOUBLE(${c})`;
  }
  // A numerical integer becomes float32 anyway (validation warns past 2^24); cast in SQL so one
  // beyond int64 (a NUMBER(38,0) or HUGEINT) becomes a float too, not an out-of-range error.
  if (column.stype === 'numerical' && column.physical === 'bigint') return `CAST(${c} AS DOUBLE)`;
  return c;
}

/** Writes the node file of `table` to `path`; returns its manifest entry. */
export async function writeNodeFile(
  connector: Connector,
  graph: GraphDef,
  table: TableDef,
  path: string,
  file: string,
  total: number,
  progress?: Progress,
): Promise<StageNodeTable> {
  if (total > 0x7fffffff) {
    raise('DATA_VALUE_OUT_OF_RANGE', {
      column: `${table.name} rows`,
      value: total,
      expected: 'at most 2^31 - 1 nodes',
    });
  }
  const dialect = connector.dialect;
  const features = featureColumns(table);
  const encoders = features.map((c, j) => new FeatureEncoder(`f${j}`, c.stype));
  const keyColumn =
    table.primaryKey === null ? null : table.columns.find((c) => c.name === table.primaryKey);
  const keyType =
    keyColumn === undefined || keyColumn === null
      ? null
      : keyColumn.physical === 'string'
        ? 'string'
        : 'bigint';
  const select: string[] = [];
  const fields: Field[] = [];
  if (keyType !== null) {
    const k = `r.${quoteIdent(table.primaryKey!)}`;
    select.push(`${keyType === 'bigint' ? `CAST(${k} AS BIGINT)` : k} AS "__key"`);
    fields.push(new Field('__key', keyType === 'bigint' ? new Int64() : new Utf8(), false));
  }
  const temporal = table.timeColumn !== null;
  if (temporal) {
    select.push(`r.${quoteIdent(TIME)} AS "__time"`);
    fields.push(new Field('__time', new Int64(), true));
  }
  features.forEach((c, j) => select.push(`${featureExpression(table, c, dialect)} AS "f${j}"`));
  encoders.forEach((e) => fields.push(e.arrowField()));
  const schema = new Schema(fields);
  const columns = select.length > 0 ? select.join(', ') : '1 AS "__one"';
  const relation = tableRelation(graph, table, dialect);
  const sql = `SELECT ${columns} FROM ${relation} r ORDER BY ${nodeOrder(table)}`;

  const out = new ArrowFile(path);
  let rows = 0;
  try {
    for await (const chunk of connector.query(sql)) {
      if (chunk.rows === 0) continue;
      const children: Data[] = [];
      let c = 0;
      if (keyType === 'bigint') children.push(int64Data(chunk.columns[c++], chunk.rows));
      else if (keyType === 'string') children.push(encodeStrings(chunk.columns[c++], chunk.rows));
      if (temporal) children.push(int64Data(chunk.columns[c++], chunk.rows));
      encoders.forEach((e, j) => children.push(e.encode(chunk.columns[c + j], chunk.rows)));
      out.write(schema, children, chunk.rows);
      rows += chunk.rows;
      progress?.({ step: 'nodes', table: table.name, rows, total });
    }
  } catch (err) {
    throw withColumnName(err, table, features);
  }
  await out.close(schema);
  const stageFeatures: StageFeature[] = features.map((column, j) => {
    const e = encoders[j];
    const feature: StageFeature = {
      field: e.field,
      column: column.name,
      stype: column.stype,
      encoding: e.encoding,
      nulls: e.nulls,
    };
    if (e.encoding === 'codes' || e.encoding === 'code-lists') feature.vocabulary = e.vocabulary;
    return feature;
  });
  return { name: table.name, file, rows, keyType, temporal, features: stageFeatures };
}

/** A value error on a feature field (f0, f1, ...) renamed to the table's own column. */
function withColumnName(err: unknown, table: TableDef, features: ColumnDef[]): unknown {
  if (!(err instanceof PrequelError) || err.code !== 'DATA_VALUE_OUT_OF_RANGE') return err;
  const field = /^f(\d+)$/.exec(String(err.details.column));
  const feature = field === null ? undefined : features[Number(field[1])];
  if (feature === undefined) return err;
  return prequelError(
    err.code,
    { ...err.details, column: `${table.name}.${feature.name}` },
    err.cause ?? err,
  );
}

function encodeStrings(column: ResultColumn, rows: number): Data {
  if (column.kind !== 'string') throw new RangeError(`${column.name} is not a string column`);
  const strings = Array.from({ length: rows }, (_, i) => column.dictionary[column.codes[i]]);
  return vectorFromArray(strings, new Utf8()).data[0];
}

/** Writes the edge file of one foreign key; returns the number of edges written. */
export async function writeEdgeFile(
  connector: Connector,
  graph: GraphDef,
  table: TableDef,
  column: string,
  references: string,
  path: string,
  progress?: Progress,
): Promise<number> {
  const dialect = connector.dialect;
  const parent = findTable(graph, references)!;
  const temporal = table.timeColumn !== null;
  const fk = quoteIdent(column);
  const pk = quoteIdent(parent.primaryKey!);
  // Keys of two types (validation allows it only where one table is empty) join as text.
  const physical = (t: TableDef, c: string) => findColumn(t, c)?.physical ?? 'other';
  const same =
    keyFamily(physical(table, column)) === keyFamily(physical(parent, parent.primaryKey!));
  const key = (e: string) => (same ? e : keyAsText(dialect, e));
  const sql =
    `WITH c AS (SELECT row_number() OVER (ORDER BY ${nodeOrder(table)}) - 1 AS s, ` +
    `${key(`r.${fk}`)} AS fk` +
    `${temporal ? `, r.${quoteIdent(TIME)} AS t` : ''} ` +
    `FROM ${tableRelation(graph, table, dialect)} r), ` +
    `p AS (SELECT row_number() OVER (ORDER BY r.${pk}) - 1 AS d, ${key(`r.${pk}`)} AS k ` +
    `FROM ${quoteIdent(sourceOf(parent))} r) ` +
    `SELECT CAST(c.s AS INTEGER) AS src, CAST(p.d AS INTEGER) AS dst` +
    `${temporal ? ', c.t AS "time"' : ''} ` +
    `FROM c JOIN p ON c.fk = p.k ORDER BY c.s`;
  const fields: Field[] = [
    new Field('src', new Int32(), false),
    new Field('dst', new Int32(), false),
  ];
  if (temporal) fields.push(new Field('time', new Int64(), true));
  const schema = new Schema(fields);
  const out = new ArrowFile(path);
  let edges = 0;
  for await (const chunk of connector.query(sql)) {
    if (chunk.rows === 0) continue;
    const children = [
      int32Ids(chunk.columns[0], chunk.rows),
      int32Ids(chunk.columns[1], chunk.rows),
    ];
    if (temporal) children.push(int64Data(chunk.columns[2], chunk.rows));
    out.write(schema, children, chunk.rows);
    edges += chunk.rows;
    progress?.({ step: 'edges', table: `${table.name}.${column}`, rows: edges, total: edges });
  }
  await out.close(schema);
  return edges;
}
