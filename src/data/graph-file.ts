// SPDX-License-Identifier: Apache-2.0
// The JSON graph file: a partial GraphDef the user writes or edits, merged over the inferred one.
// Per table, every field given replaces the inferred value; `columns` entries change the stype of
// the named columns; `drop` removes columns. With `onlyListed`, tables not listed are left out.
// Its schema (src/data/graph-schema.ts) is the REST API's: an unknown property is an error.
import { readFile, rename, writeFile } from 'node:fs/promises';
import type {
  DataLocation,
  DerivedTimeDef,
  ForeignKeyDef,
  GraphDef,
  PhysicalType,
  SemanticType,
  EpochUnit,
} from './graph-def.js';
import { GraphFileSchema, checkSchema } from './graph-schema.js';
import { raise } from '../errors/index.js';
import { didYouMean } from '../text/nearest.js';

export interface TableOverride {
  name: string;
  source?: string;
  primaryKey?: string | null;
  foreignKeys?: ForeignKeyDef[];
  timeColumn?: string | null;
  /** Unit of an integer time column (seconds, ms, us or ns since the epoch). */
  timeUnit?: EpochUnit | null;
  endTimeColumn?: string | null;
  derivedTime?: DerivedTimeDef | null;
  /** `physical` (written by `prequel inspect`) is accepted and not used. */
  columns?: Array<{ name: string; stype: SemanticType; physical?: PhysicalType }>;
  drop?: string[];
  /** Written by `prequel inspect`; not used. */
  rowCount?: number;
}

export interface GraphOverride {
  version?: 1;
  /** Where the data lives (written by `prequel inspect`); a relative path is from the file. */
  data?: DataLocation;
  /** Keep only the tables listed below (default: every table of the source). */
  onlyListed?: boolean;
  tables?: TableOverride[];
}

/** Reads and checks a graph file; a full GraphDef is a valid override too. */
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

const EXAMPLE =
  '{"version": 1, "tables": [{"name": "orders", "timeColumn": "placed_at"}]}, as ' +
  '`prequel inspect` writes it';

/** What a JSON value is, for a message about a document of the wrong shape. */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a JSON list';
  if (value === null) return 'null';
  return typeof value === 'string' ? 'a JSON string' : `a JSON ${typeof value}`;
}

/** Where a JSON pointer points, in words: `/tables/0 (table purchases)`, `the top level`. */
function placeOf(value: unknown, pointer: string): string {
  if (pointer === '') return 'the top level';
  const table = /^\/tables\/(\d+)/.exec(pointer);
  const tables = (value as { tables?: unknown }).tables;
  const name = table === null || !Array.isArray(tables) ? undefined : tables[Number(table[1])];
  const named = (name as { name?: unknown } | undefined)?.name;
  return typeof named === 'string' ? `${pointer} (table ${named})` : pointer;
}

/**
 * Checks an override given through the API or a file (`where` names it) against the graph file
 * schema (src/data/graph-schema.ts, the one the REST API uses): a property it does not have is
 * DATA_GRAPH_FILE_UNKNOWN_PROPERTY with the JSON path and the likely intended name, anything
 * else of the wrong shape DATA_GRAPH_FILE_INVALID saying what is expected there.
 */
export function checkOverride(value: unknown, where = 'the graph override'): GraphOverride {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    raise('DATA_GRAPH_FILE_INVALID', {
      path: where,
      reason: `it holds ${kindOf(value)}; expected one JSON object such as ${EXAMPLE}`,
    });
  }
  const problem = checkSchema(GraphFileSchema, value);
  if (problem === null) return value as GraphOverride;
  const place = placeOf(value, problem.pointer);
  if (problem.unknown !== undefined) {
    const { property, allowed, suggestions } = problem.unknown;
    raise('DATA_GRAPH_FILE_UNKNOWN_PROPERTY', {
      path: where,
      pointer: problem.pointer === '' ? '/' : problem.pointer,
      place,
      property,
      suggestion: didYouMean(suggestions),
      suggestions,
      allowed,
      properties: allowed.join(', '),
    });
  }
  return raise('DATA_GRAPH_FILE_INVALID', { path: where, reason: `${place} ${problem.reason}` });
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
