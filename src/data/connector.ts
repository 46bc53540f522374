// SPDX-License-Identifier: Apache-2.0
// The connector contract: one interface over DuckDB (embedded default) and Snowflake. Results
// arrive as typed columns, never as arrays of row objects, so millions of rows cost a few
// buffers rather than millions of JS objects.
import type { PhysicalType } from './graph-def.js';

export type SqlDialect = 'duckdb' | 'snowflake';

export interface ColumnInfo {
  name: string;
  physical: PhysicalType;
  /** The engine's own type name, e.g. BIGINT, VARCHAR, TIMESTAMP_NTZ, NUMBER(38,0). */
  engineType: string;
  nullable: boolean;
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
}

/**
 * One column of a query result.
 * - int: Int32Array; bigint: BigInt64Array (keys never pass through a JS number);
 * - float: Float64Array;
 * - boolean: Uint8Array (0/1);
 * - string: dictionary-encoded: `codes` Int32Array into `dictionary`;
 * - timestamp: BigInt64Array of microseconds since the Unix epoch, UTC (DATE maps to midnight);
 * - list: offsets Int32Array into a flat Float64Array or string dictionary child.
 * `valid` is a Uint8Array (1 = present, 0 = NULL) or null when no value is NULL.
 */
export type ResultColumn =
  | { name: string; kind: 'int'; values: Int32Array; valid: Uint8Array | null }
  | { name: string; kind: 'bigint'; values: BigInt64Array; valid: Uint8Array | null }
  | { name: string; kind: 'float'; values: Float64Array; valid: Uint8Array | null }
  | { name: string; kind: 'boolean'; values: Uint8Array; valid: Uint8Array | null }
  | {
      name: string;
      kind: 'string';
      codes: Int32Array;
      dictionary: string[];
      valid: Uint8Array | null;
    }
  | { name: string; kind: 'timestamp'; values: BigInt64Array; valid: Uint8Array | null }
  | {
      name: string;
      kind: 'list';
      offsets: Int32Array;
      child: ResultColumn;
      valid: Uint8Array | null;
    };

/** A chunk of a result: the same columns, `rows` rows each. */
export interface ResultChunk {
  rows: number;
  columns: ResultColumn[];
}

/** A bound parameter value: named parameters appear in SQL as $name (DuckDB) or :name. */
export type SqlValue = number | bigint | string | boolean | null | Date;

/**
 * A warning about how a source table was read, e.g. a CSV delimiter or NULL marker that was
 * guessed. Validation reports the notes of the graph's tables as warnings.
 */
export interface SourceNote {
  /** A stable warning code, e.g. CSV_DELIMITER_DETECTED. */
  code: string;
  /** The source table. */
  table: string;
  column?: string;
  count?: number;
  message: string;
  details: Record<string, unknown>;
  /**
   * How to make the guess explicit in full (the CLI flag and the settings key), the same for
   * every file it applies to: hosts print each distinct hint once, after the warnings.
   */
  hint?: string;
}

export interface Connector {
  readonly dialect: SqlDialect;
  /** Notes from reading the source's tables, if the connector reads files. */
  sourceNotes?(): readonly SourceNote[];
  listTables(): Promise<string[]>;
  describe(table: string): Promise<TableInfo>;
  countRows(table: string): Promise<bigint>;
  /** Runs SQL and streams the result in chunks of bounded size. */
  query(sql: string, params?: SqlValue[]): AsyncIterable<ResultChunk>;
  /** Runs SQL and concatenates the whole result (for small results). */
  queryAll(sql: string, params?: SqlValue[]): Promise<ResultChunk>;
  /** Runs a statement with no result. */
  execute(sql: string, params?: SqlValue[]): Promise<void>;
  close(): Promise<void>;
}
