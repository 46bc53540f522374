// SPDX-License-Identifier: Apache-2.0
// Name resolution of a query against a graph definition: which table and column every reference
// means, how it reaches the entity table, and the value kind of every operand. Names match
// exactly first, then case-insensitively when that is unambiguous (warehouses upper-case
// unquoted names, so `TRANSACTIONS.PRICE` finds `transactions.price`); the SQL always uses the
// graph's own spelling.
import type { Aggregation, ColumnRef } from './ast.js';
import type { ColumnDef, GraphDef, TableDef } from '../../data/graph-def.js';

/** How a column outside aggregations reaches the entity row (at most one unique hop). */
export type Link =
  | { kind: 'entity' }
  /** entity.`via` is a foreign key to this table's primary key. */
  | { kind: 'parent'; via: string }
  /** this table's primary key is a foreign key to the entity's primary key (one-to-one). */
  | { kind: 'child' }
  /** inside an aggregation: a column of the aggregated fact row. */
  | { kind: 'fact' };

export type ValueKind = 'numeric' | 'text' | 'boolean' | 'timestamp' | 'list' | 'other';

/** What an operand evaluates to. */
export interface OperandInfo {
  kind: ValueKind;
  /** Element kind of a set-valued operand. */
  element: ValueKind | null;
}

export interface ResolvedColumn {
  table: TableDef;
  /** null for `table.*`. */
  column: ColumnDef | null;
  link: Link;
}

export interface ResolvedAggregation {
  table: TableDef;
  /** Column of the aggregated table that references the entity's primary key. */
  foreignKey: string;
  column: ColumnDef | null;
}

/** What validation learned about a query: resolved references and operand kinds. */
export interface Bindings {
  columns: Map<ColumnRef, ResolvedColumn>;
  aggregations: Map<Aggregation, ResolvedAggregation>;
}

export function findTableLoose(graph: GraphDef, name: string): TableDef | undefined {
  const exact = graph.tables.find((t) => t.name === name);
  if (exact !== undefined) return exact;
  const loose = graph.tables.filter((t) => t.name.toLowerCase() === name.toLowerCase());
  return loose.length === 1 ? loose[0] : undefined;
}

export function findColumnLoose(table: TableDef, name: string): ColumnDef | undefined {
  const exact = table.columns.find((c) => c.name === name);
  if (exact !== undefined) return exact;
  const loose = table.columns.filter((c) => c.name.toLowerCase() === name.toLowerCase());
  return loose.length === 1 ? loose[0] : undefined;
}

/** The value kind of a column, from its physical type (multicategorical columns are lists). */
export function columnKind(column: ColumnDef): ValueKind {
  if (column.stype === 'multicategorical') return 'list';
  switch (column.physical) {
    case 'int':
    case 'bigint':
    case 'float':
    case 'decimal':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'text';
    case 'date':
    case 'timestamp':
      return 'timestamp';
    case 'list':
      return 'list';
    default:
      return 'other';
  }
}

/** True when `column` of `table` is one of its foreign keys. */
export function isForeignKey(table: TableDef, column: string): boolean {
  return table.foreignKeys.some((fk) => fk.column === column);
}

/** Foreign keys of `fact` that reference `entity`. */
export function linksTo(fact: TableDef, entity: TableDef): string[] {
  return fact.foreignKeys.filter((fk) => fk.references === entity.name).map((fk) => fk.column);
}

/** The one-hop link from the entity table to `table`, or null when there is none unique. */
export function staticLink(entity: TableDef, table: TableDef): Link | null {
  if (table === entity) return { kind: 'entity' };
  const parents = entity.foreignKeys.filter((fk) => fk.references === table.name);
  if (parents.length === 1) return { kind: 'parent', via: parents[0].column };
  const pk = table.primaryKey;
  if (
    pk !== null &&
    table.foreignKeys.some((fk) => fk.column === pk && fk.references === entity.name)
  ) {
    return { kind: 'child' };
  }
  return null;
}

/** Value kind an aggregation produces over a column of kind `input`. */
export function aggregationKind(op: Aggregation['op'], input: ValueKind | null): ValueKind {
  switch (op) {
    case 'COUNT':
    case 'COUNT_DISTINCT':
    case 'SUM':
    case 'AVG':
      return 'numeric';
    case 'LIST_DISTINCT':
      return 'list';
    default:
      return input ?? 'other';
  }
}
