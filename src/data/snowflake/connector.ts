// SPDX-License-Identifier: Apache-2.0
// The Snowflake connector: SQL runs in the warehouse, results stream back chunk by chunk
// through the driver's row stream (which downloads the warehouse's result chunks only as rows
// are read), and are packed into typed columns of at most `chunkRows` rows. Identifiers are
// quoted, values are sent as binds, credentials come from the environment at connect only.
import type { Readable } from 'node:stream';
import type { Binds, ConnectionOptions } from 'snowflake-sdk';
import type { ColumnInfo, Connector, ResultChunk, SqlValue, TableInfo } from '../connector.js';
import { concatChunks } from '../column-builder.js';
import { ColumnReader, engineTypeOf, physicalOf, type SnowflakeColumnMeta } from './columns.js';
import {
  readCredentials,
  resolveOptions,
  type ResolvedOptions,
  type SnowflakeOptions,
} from './config.js';
import { connectError, snowflakeError, statementError } from './errors.js';
import { quoteIdentifier } from './identifiers.js';
import * as sdk from './sdk.js';
import { writeTable, type WriteColumn, type WriteOptions, type WriteResult } from './write.js';

export type { SnowflakeOptions } from './config.js';
export { quoteIdentifier } from './identifiers.js';
export { MAX_BIND_VALUES } from './write.js';
export type { WriteColumn, WriteColumnType, WriteOptions, WriteResult } from './write.js';

/** A statement's result: its columns' metadata, then its rows in typed chunks. */
interface Run {
  columns: SnowflakeColumnMeta[];
  chunks: AsyncGenerator<ResultChunk>;
}

export class SnowflakeConnector implements Connector {
  readonly dialect = 'snowflake' as const;
  private connection: sdk.Connection | null;

  private constructor(
    private readonly options: ResolvedOptions,
    connection: sdk.Connection,
  ) {
    this.connection = connection;
  }

  /** Logs in to Snowflake; login and network failures reject with coded errors. */
  static async connect(options: SnowflakeOptions): Promise<SnowflakeConnector> {
    const resolved = resolveOptions(options);
    const connection = await sdk.createConnection({
      account: resolved.account,
      username: resolved.user,
      database: resolved.database,
      schema: resolved.schema,
      ...(resolved.warehouse === undefined ? {} : { warehouse: resolved.warehouse }),
      ...(resolved.role === undefined ? {} : { role: resolved.role }),
      ...(resolved.accessUrl === undefined ? {} : { accessUrl: resolved.accessUrl }),
      ...readCredentials(options),
      application: 'prequel',
      clientSessionKeepAlive: false,
      representNullAsStringNull: false,
      sfRetryMaxLoginRetries: resolved.loginRetries,
      timeout: resolved.requestTimeoutMs,
    } as ConnectionOptions);
    try {
      await sdk.connect(connection);
    } catch (err) {
      throw connectError(err, resolved.endpoint);
    }
    return new SnowflakeConnector(resolved, connection);
  }

  async listTables(): Promise<string[]> {
    const result = await this.queryAll(
      'SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES ' +
        'WHERE TABLE_SCHEMA = CURRENT_SCHEMA() AND TABLE_CATALOG = CURRENT_DATABASE() ' +
        'ORDER BY TABLE_NAME',
    );
    return stringValues(result, 0);
  }

  async describe(table: string): Promise<TableInfo> {
    const listed = await this.queryAll(
      'SELECT COLUMN_NAME, IS_NULLABLE FROM INFORMATION_SCHEMA.COLUMNS ' +
        'WHERE TABLE_SCHEMA = CURRENT_SCHEMA() AND TABLE_CATALOG = CURRENT_DATABASE() ' +
        'AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [table],
    );
    if (listed.rows === 0) throw this.missingTable(table);
    const names = stringValues(listed, 0);
    const nullable = stringValues(listed, 1);
    const nullableByName = new Map(names.map((name, i) => [name, nullable[i] !== 'NO']));

    const run = await this.run(`SELECT * FROM ${quoteIdentifier(table)} LIMIT 0`, undefined, table);
    await run.chunks.return(undefined);
    const columns: ColumnInfo[] = run.columns.map((meta) => ({
      name: meta.name,
      physical: physicalOf(meta),
      engineType: engineTypeOf(meta),
      nullable: nullableByName.get(meta.name) ?? meta.nullable,
    }));
    return { name: table, columns };
  }

  async countRows(table: string): Promise<bigint> {
    const run = await this.run(`SELECT COUNT(*) FROM ${quoteIdentifier(table)}`, undefined, table);
    const result = await collect(run);
    const column = result.columns[0];
    if (column.kind === 'bigint') return column.values[0];
    if (column.kind === 'int') return BigInt(column.values[0]);
    throw snowflakeError('SNOWFLAKE_VALUE_INVALID', {
      column: 'COUNT(*)',
      type: column.kind,
      expected: 'an integer count',
      received: column.kind,
    });
  }

  async *query(sql: string, params: SqlValue[] = []): AsyncGenerator<ResultChunk> {
    const run = await this.run(sql, toBinds(params));
    yield* run.chunks;
  }

  async queryAll(sql: string, params: SqlValue[] = []): Promise<ResultChunk> {
    return collect(await this.run(sql, toBinds(params)));
  }

  async execute(sql: string, params: SqlValue[] = []): Promise<void> {
    const run = await this.run(sql, toBinds(params));
    await run.chunks.return(undefined);
  }

  /**
   * Writes typed columns as `table` in the connection's database and schema, all or nothing
   * for readers: mode 'replace' (default) leaves exactly these rows, 'append' adds them,
   * creating the table when missing. Names are quoted, so taken exactly (case included).
   */
  async writeTable(
    table: string,
    columns: readonly WriteColumn[],
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    return writeTable(
      {
        execute: (sql, params) => this.execute(sql, params),
        executeRows: async (sql, rows) => {
          const run = await this.run(sql, rows as Binds);
          await run.chunks.return(undefined);
        },
        tableExists: async (name) => {
          const found = await this.queryAll(
            'SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES ' +
              'WHERE TABLE_SCHEMA = CURRENT_SCHEMA() AND TABLE_CATALOG = CURRENT_DATABASE() ' +
              'AND TABLE_NAME = ?',
            [name],
          );
          const count = found.columns[0];
          return (count.kind === 'bigint' || count.kind === 'int') && count.values[0] > 0;
        },
      },
      table,
      columns,
      options,
    );
  }

  /** Logs out; later calls fail with SNOWFLAKE_CONNECTION_CLOSED. Safe to call twice. */
  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    if (connection === null) return;
    try {
      await sdk.destroy(connection);
    } catch (err) {
      throw statementError(err, this.options.endpoint);
    }
  }

  // Sends the statement, waits for the result metadata, and returns the lazy chunk reader.
  // `binds` are scalars (toBinds) or rows of an array bind; `table` names the table the
  // statement reads, to report a missing one as such.
  private async run(sql: string, binds: Binds | undefined, table?: string): Promise<Run> {
    const connection = this.connection;
    if (connection === null) {
      throw snowflakeError('SNOWFLAKE_CONNECTION_CLOSED', { account: this.options.account });
    }
    let statement: sdk.RowStatement;
    try {
      statement = await sdk.executeStreaming(connection, sql, binds);
    } catch (err) {
      const sqlState = (err as { sqlState?: string }).sqlState;
      if (table !== undefined && sqlState === '42S02') throw this.missingTable(table, err);
      throw statementError(err, this.options.endpoint);
    }
    const columns = (statement.getColumns() ?? []).map((c): SnowflakeColumnMeta => ({
      name: c.getName(),
      type: c.getType(),
      precision: c.getPrecision() ?? null,
      scale: c.getScale() ?? null,
      nullable: c.isNullable(),
    }));
    const stream = statement.streamRows();
    return { columns, chunks: this.readChunks(stream, columns) };
  }

  // Reads rows synchronously while the driver has them buffered, hands out a chunk each
  // `chunkRows` rows, and waits for the driver only when its buffer is empty. While the
  // caller holds a chunk nothing is read, so the driver fetches no further result chunks.
  private async *readChunks(
    stream: Readable,
    columns: SnowflakeColumnMeta[],
  ): AsyncGenerator<ResultChunk> {
    const chunkRows = this.options.chunkRows;
    const readers = columns.map((meta) => new ColumnReader(meta));
    const finish = (rows: number): ResultChunk => ({
      rows,
      columns: readers.map((r) => r.finish()),
    });
    let rows = 0;
    let total = 0;
    let ended = false;
    let failure: unknown = null;
    let wake: (() => void) | null = null;
    const signal = (): void => wake?.();
    stream.on('readable', signal);
    stream.on('end', () => ((ended = true), signal()));
    stream.on('error', (err) => ((failure = err), signal()));

    try {
      for (;;) {
        let row: unknown[] | null;
        while ((row = stream.read() as unknown[] | null) !== null) {
          for (let c = 0; c < readers.length; c++) readers[c].push(row[c]);
          total++;
          if (++rows === chunkRows) {
            yield finish(rows);
            rows = 0;
          }
        }
        if (failure !== null) throw statementError(failure, this.options.endpoint);
        if (ended) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      // An empty result still yields one empty chunk, so the caller learns its columns.
      if (rows > 0 || total === 0) yield finish(rows);
    } finally {
      stream.removeAllListeners('readable');
      if (!ended) stream.destroy();
    }
  }

  private missingTable(table: string, cause?: unknown) {
    const { database, schema } = this.options;
    return snowflakeError('SNOWFLAKE_TABLE_NOT_FOUND', { table, database, schema }, cause);
  }
}

// Binds travel as the driver's scalars. A bigint within 2^53 goes as a number (the driver sends
// its exact digits typed FIXED); a larger one as its exact decimal text, typed TEXT, which the
// warehouse casts where a number is expected. A Date goes as ISO-8601 UTC text.
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function toBinds(params: SqlValue[]): Binds | undefined {
  if (params.length === 0) return undefined;
  return params.map((value, i) => {
    const index = i + 1;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'bigint') {
      return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : value.toString();
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw paramInvalid(index, String(value));
      return value;
    }
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw paramInvalid(index, 'an invalid Date');
      return value.toISOString();
    }
    throw paramInvalid(index, value === undefined ? 'undefined' : typeof value);
  });
}

function paramInvalid(index: number, received: string) {
  return snowflakeError('SNOWFLAKE_PARAM_INVALID', { index, received });
}

async function collect(run: Run): Promise<ResultChunk> {
  const chunks: ResultChunk[] = [];
  for await (const chunk of run.chunks) chunks.push(chunk);
  const readers = run.columns.map((meta) => new ColumnReader(meta));
  return concatChunks(
    chunks,
    run.columns.map((meta) => meta.name),
    readers.map((reader) => reader.kind),
  );
}

function stringValues(result: ResultChunk, index: number): string[] {
  const column = result.columns[index];
  if (column.kind !== 'string') {
    throw snowflakeError('SNOWFLAKE_VALUE_INVALID', {
      column: column.name,
      type: column.kind,
      expected: 'text',
      received: column.kind,
    });
  }
  return Array.from(column.codes, (code) => column.dictionary[code]);
}
