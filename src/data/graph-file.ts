// SPDX-License-Identifier: Apache-2.0
// The JSON graph file: a partial GraphDef the user writes or edits, merged over the inferred one.
// Per table, every field given replaces the inferred value; `columns` entries change the stype of
// the named columns; `drop` removes columns. With `onlyListed`, tables not listed are left out.
import { readFile, rename, writeFile } from 'node:fs/promises';
import type {
  ColumnDef,
  DataLocation,
  DerivedTimeDef,
  ForeignKeyDef,
  GraphDef,
  SemanticType,
} from './graph-def.js';
import { raise } from '../errors/index.js';

export interface TableOverride {
  name: string;
  source?: string;
  primaryKey?: string | null;
  foreignKeys?: ForeignKeyDef[];
  timeColumn?: string | null;
  endTimeColumn?: string | null;
  derivedTime?: DerivedTimeDef | null;
  columns?: Array<{ name: string; stype: SemanticType }>;
  drop?: string[];
}

export interface GraphOverride {
  version?: 1;
  /** Where the data lives (written by `prequel inspect`); a relative path is from the file. */
  data?: DataLocation;
  /** Keep only the tables listed below (default: every table of the source). */
  onlyListed?: boolean;
  tables?: TableOverride[];
}

const STYPES: readonly SemanticType[] = [
  'numerical',
  'categorical',
  'multicategorical',
  'text',
  'timestamp',
  'id',
  'embedding',
];

/** Reads and shape-checks a graph file; a full GraphDef is a valid override too. */
export async function readGraphFile(path: string): Promise<GraphOverride> {
  const text = await readFile(path, 'utf8').catch(() =>
    raise('DATA_FILE_NOT_FOUND', { path, expected: 'a JSON graph file' }),
  );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    raise('DATA_GRAPH_FILE_INVALID', { path, reason: (err as Error).message });
  }
  return checkOverride(value, path);
}

/** Checks the shape of an override given through the API or a file. */
export function checkOverride(value: unknown, where = 'the graph override'): GraphOverride {
  const fail = (reason: string): never => raise('DATA_GRAPH_FILE_INVALID', { path: where, reason });
  if (typeof value !== 'object' || value === null) fail('expected a JSON object');
  const override = value as GraphOverride;
  if (override.version !== undefined && override.version !== 1) fail('expected "version": 1');
  if (override.data !== undefined && typeof override.data?.path !== 'string') {
    fail('"data" must be an object with a "path" string');
  }
  if (override.tables !== undefined && !Array.isArray(override.tables))
    fail('"tables" must be a list');
  for (const table of override.tables ?? []) {
    if (typeof table?.name !== 'string') fail('every table needs a "name" string');
    for (const column of (table.columns ?? []) as ColumnDef[]) {
      if (typeof column?.name !== 'string') fail(`table ${table.name}: a column has no "name"`);
      if (column.stype !== undefined && !STYPES.includes(column.stype)) {
        fail(
          `table ${table.name}: column ${column.name} has stype ${column.stype}; expected one of ${STYPES.join(', ')}`,
        );
      }
    }
    for (const fk of table.foreignKeys ?? []) {
      if (typeof fk?.column !== 'string' || typeof fk?.references !== 'string') {
        fail(`table ${table.name}: a foreign key needs "column" and "references"`);
      }
    }
  }
  return override;
}

/**
 * Writes a graph file atomically (temp file + rename), recording `data` when given. The file
 * lists every table of `graph`, so it says `onlyListed`, and each table keeps the `drop` list
 * of `override` (the graph was inferred with it): read back as an override, it gives `graph`.
 */
export async function writeGraphFile(
  path: string,
  graph: GraphDef,
  data?: DataLocation,
  override?: GraphOverride,
): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  const tables = graph.tables.map((table) => {
    const drop = overrideOf(override, table.name)?.drop ?? [];
    return drop.length === 0 ? table : { ...table, drop };
  });
  const content = {
    version: graph.version,
    onlyListed: true,
    tables,
    ...(data === undefined ? {} : { data }),
  };
  await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`);
  await rename(temp, path);
}

/** Returns the override entry of `table`, if any. */
export function overrideOf(override: GraphOverride | undefined, table: string) {
  return override?.tables?.find((t) => t.name === table);
}
