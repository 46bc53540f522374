// SPDX-License-Identifier: Apache-2.0
// The DuckDB connector, prequel's embedded default: a directory of CSV / Parquet / JSON files
// (one table per file), a single such file, an existing .duckdb database, or an empty in-memory
// database. Results stream as typed columns (connector.ts), never as row objects.
import { stat } from 'node:fs/promises';
import {
  DuckDBInstance,
  timestampValue,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api';
import type {
  ColumnInfo,
  Connector,
  ResultChunk,
  SourceNote,
  SqlValue,
  TableInfo,
} from './connector.js';
import { ColumnBuilder, concatChunks } from './column-builder.js';
import { appendChunk, planColumn } from './duckdb-vectors.js';
import { quoteIdent } from './sql.js';
import { checkFileOptions, registerFiles, type FileOptions } from './duckdb-files.js';
import { createInstance } from './duckdb-settings.js';
import { PrequelError, raise } from '../errors/index.js';

export type { FileOptions } from './duckdb-files.js';

export interface DuckDbOptions extends FileOptions {
  /** Rows per streamed chunk (default 65,536). */
  chunkRows?: number;
  /** Per-table file options, keyed by table name (file name without extension). */
  tables?: Record<string, FileOptions>;
  /** Open a .duckdb file read-only (default true). */
  readOnly?: boolean;
  /**
   * DuckDB settings, e.g. { memory_limit: '2GB', threads: '4' } (beyond the memory limit DuckDB
   * spills); one DuckDB does not know or refuses raises DATA_SETTING_INVALID naming it.
   */
  settings?: Record<string, string>;
}

const DEFAULT_CHUNK_ROWS = 65_536;

/** Opens `source` (a directory, a table file, a .duckdb file or ':memory:') with DuckDB. */
export async function openDuckDb(
  source: string,
  options: DuckDbOptions = {},
): Promise<DuckDbConnector> {
  checkFileOptions(options);
  const settings = options.settings ?? {};
  if (source === ':memory:') {
    return DuckDbConnector.create(await createInstance(':memory:', settings), options);
  }
  const info = await stat(source).catch(() => null);
  if (info === null) {
    raise('DATA_FILE_NOT_FOUND', {
      path: source,
      expected: 'a directory of .csv/.parquet/.json files, one such file, or a .duckdb database',
    });
  }
  if (info.isFile() && /\.(duckdb|db|ddb)$/i.test(source)) {
    const access = options.readOnly === false ? 'READ_WRITE' : 'READ_ONLY';
    const instance = await createInstance(source, settings, { access_mode: access }).catch(
      (err) => {
        if (err instanceof PrequelError) throw err; // a refused setting, named
        return raise(
          'DATA_FILE_UNREADABLE',
          { path: source, format: 'a DuckDB database', reason: message(err) },
          err,
        );
      },
    );
    return DuckDbConnector.create(instance, options);
  }
  const memory = await createInstance(':memory:', settings);
  const connector = await DuckDbConnector.create(memory, options);
  try {
    connector.notes.push(
      ...(await registerFiles(connector.connection, source, info.isDirectory(), options)),
    );
  } catch (err) {
    await connector.close();
    throw err;
  }
  return connector;
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

function toDuckValue(value: SqlValue): DuckDBValue {
  if (value instanceof Date) return timestampValue(BigInt(value.getTime()) * 1000n);
  return value;
}

/** A DuckDB database behind the connector interface. */
export class DuckDbConnector implements Connector {
  readonly dialect = 'duckdb' as const;
  private closed = false;
  /** What was guessed while registering files (see csv-dialect.ts). */
  readonly notes: SourceNote[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    /** The one connection; exposed for the file registration step. */
    readonly connection: DuckDBConnection,
    private readonly chunkRows: number,
  ) {}

  static async create(instance: DuckDBInstance, options: DuckDbOptions): Promise<DuckDbConnector> {
    const connection = await instance.connect();
    // Timestamps WITH time zone render in UTC; those without one are read as UTC wall time.
    await connection.run("SET TimeZone = 'UTC'");
    return new DuckDbConnector(instance, connection, options.chunkRows ?? DEFAULT_CHUNK_ROWS);
  }

  sourceNotes(): readonly SourceNote[] {
    return this.notes;
  }

  private check(): void {
    if (this.closed) raise('DATA_CONNECTOR_CLOSED', { dialect: 'duckdb' });
  }

  async listTables(): Promise<string[]> {
    const result = await this.queryAll(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1",
    );
    const column = result.columns[0];
    if (column.kind !== 'string') return [];
    return Array.from(column.codes, (code) => column.dictionary[code]);
  }

  async describe(table: string): Promise<TableInfo> {
    await this.requireTable(table);
    const result = await this.stream(`SELECT * FROM ${quoteIdent(table)} LIMIT 0`, []);
    const columns: ColumnInfo[] = result.columnNames().map((name, i) => {
      const type = result.columnType(i);
      return {
        name,
        physical: planColumn(type).physical,
        engineType: type.toString(),
        nullable: true,
      };
    });
    return { name: table, columns };
  }

  async countRows(table: string): Promise<bigint> {
    await this.requireTable(table);
    const result = await this.queryAll(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
    const column = result.columns[0];
    return column.kind === 'bigint' ? column.values[0] : BigInt(0);
  }

  /** Raises DATA_TABLE_NOT_FOUND unless `table` exists. */
  async requireTable(table: string): Promise<void> {
    const tables = await this.listTables();
    if (!tables.includes(table)) raise('DATA_TABLE_NOT_FOUND', { table, available: tables });
  }

  private async stream(sql: string, params: SqlValue[]) {
    this.check();
    try {
      return await this.connection.stream(sql, params.map(toDuckValue));
    } catch (err) {
      return raise('DATA_QUERY_FAILED', { dialect: 'duckdb', reason: message(err), sql }, err);
    }
  }

  async *query(sql: string, params: SqlValue[] = []): AsyncIterable<ResultChunk> {
    const result = await this.stream(sql, params);
    const names = result.columnNames();
    const types = result.columnTypes();
    const plans = types.map(planColumn);
    const fresh = () => plans.map((p, i) => new ColumnBuilder(names[i], p.kind, p.childKind));
    let builders = fresh();
    let rows = 0;
    for (;;) {
      let chunk;
      try {
        chunk = await result.fetchChunk();
      } catch (err) {
        raise('DATA_QUERY_FAILED', { dialect: 'duckdb', reason: message(err), sql }, err);
      }
      if (chunk === null || chunk.rowCount === 0) break;
      rows += appendChunk(builders, chunk, types);
      if (rows >= this.chunkRows) {
        yield { rows, columns: builders.map((b) => b.finish()) };
        builders = fresh();
        rows = 0;
      }
    }
    if (rows > 0 || names.length > 0) yield { rows, columns: builders.map((b) => b.finish()) };
  }

  async queryAll(sql: string, params: SqlValue[] = []): Promise<ResultChunk> {
    const chunks: ResultChunk[] = [];
    for await (const chunk of this.query(sql, params)) chunks.push(chunk);
    if (chunks.length === 0) return { rows: 0, columns: [] };
    const first = chunks[0].columns;
    const full = chunks.filter((c) => c.rows > 0);
    const kinds = first.map((c) => c.kind);
    return concatChunks(
      full.length > 0 ? full : [chunks[0]],
      first.map((c) => c.name),
      kinds,
    );
  }

  async execute(sql: string, params: SqlValue[] = []): Promise<void> {
    this.check();
    try {
      await this.connection.run(sql, params.map(toDuckValue));
    } catch (err) {
      if (err instanceof PrequelError) throw err;
      raise('DATA_QUERY_FAILED', { dialect: 'duckdb', reason: message(err), sql }, err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
