// SPDX-License-Identifier: Apache-2.0
// The graph definition: how a set of tables becomes a temporal heterogeneous graph. Inferred by
// the data engine (schema inference), edited by the user as a JSON graph file, validated by the
// query compiler and materialised into the graph and column stores. It is plain data (JSON
// round-trips exactly) so it can be stored, hashed and diffed.

/** Semantic type of a column: how the model reads it. */
export type SemanticType =
  'numerical' | 'categorical' | 'multicategorical' | 'text' | 'timestamp' | 'id' | 'embedding';

/** Physical type of a column as the data engine reports it. */
export type PhysicalType =
  | 'int'
  | 'bigint'
  | 'float'
  | 'decimal'
  | 'boolean'
  | 'string'
  | 'date'
  | 'timestamp'
  | 'list'
  | 'other';

/** Unit of an integer time column: seconds, milli-, micro- or nanoseconds since the epoch. */
export type EpochUnit = 's' | 'ms' | 'us' | 'ns';

/** Every time unit, in the order messages list them. */
export const EPOCH_UNITS: readonly EpochUnit[] = ['s', 'ms', 'us', 'ns'];

export interface ColumnDef {
  name: string;
  physical: PhysicalType;
  stype: SemanticType;
}

export interface ForeignKeyDef {
  /** Column of this table holding the key. */
  column: string;
  /** Table whose primary key it references. */
  references: string;
}

export interface TableDef {
  name: string;
  /** Primary key column, or null for tables without one (e.g. pure fact tables). */
  primaryKey: string | null;
  foreignKeys: ForeignKeyDef[];
  /** The row's creation time, or null for a static table (always visible). */
  timeColumn: string | null;
  /**
   * For an integer time column: what its values count since the Unix epoch (1970-01-01 UTC).
   * Absent for date, timestamp and text time columns.
   */
  timeUnit?: EpochUnit;
  /** The row's end of validity, or null. */
  endTimeColumn: string | null;
  columns: ColumnDef[];
  /** Rows, when known (inspect fills it in). */
  rowCount?: number;
  /** Name of the source table when it differs from `name` (e.g. a file named otherwise). */
  source?: string;
  /** When set, `timeColumn` names a computed column rather than one read from the source. */
  derivedTime?: DerivedTimeDef;
}

/**
 * A computed time column: a date column combined with a time-of-day column (a NULL time of day
 * counts as midnight), or the time of the parent row reached through a foreign key. The optional
 * offset (whole seconds, may be negative) is added to the result.
 */
export type DerivedTimeDef =
  | { from: 'columns'; date: string; timeOfDay: string; offsetSeconds?: number }
  | { from: 'parent'; foreignKey: string; offsetSeconds?: number };

export interface GraphDef {
  /** Format version of the graph file. */
  version: 1;
  tables: TableDef[];
}

/** Looks up a table by exact name. */
export function findTable(graph: GraphDef, name: string): TableDef | undefined {
  return graph.tables.find((t) => t.name === name);
}

/** Looks up a column of a table by exact name. */
export function findColumn(table: TableDef, name: string): ColumnDef | undefined {
  return table.columns.find((c) => c.name === name);
}

/**
 * Where a graph's data lives and how to read it: written into the graph file by `prequel
 * inspect`, so later commands can take the graph file alone. Not part of the graph's identity.
 */
export interface DataLocation {
  /** A directory of CSV/Parquet/JSON files, one such file, or a .duckdb file. */
  path: string;
  /** How CSV files are read. */
  files?: {
    delimiter?: string;
    header?: boolean;
    nullStrings?: string[];
    encoding?: 'utf-8' | 'latin-1' | 'utf-16';
    quote?: string;
  };
}
