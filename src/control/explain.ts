// SPDX-License-Identifier: Apache-2.0
// Explains a predictive query against a data source read directly (no workspace): infers the
// graph (or merges a graph file over it), reads the data's time range, compiles the plan and,
// on request, runs the label SQL of each split to count its examples.
import { openDuckDb, type DuckDbOptions } from '../data/duckdb.js';
import type { Connector } from '../data/connector.js';
import type { DataLocation, GraphDef } from '../data/graph-def.js';
import { raise } from '../errors/index.js';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readGraphFile } from '../data/graph-file.js';
import { inferGraph } from '../data/infer.js';
import { compilePlan, readTimeRange, type PlanOptions, type QueryPlan } from './pql/index.js';

export interface ExplainSourceOptions {
  /**
   * A directory of CSV/Parquet/JSON files, one such file, or a .duckdb file. Optional when the
   * graph file records where its data lives (as `prequel inspect` writes it).
   */
  data?: string;
  /** A graph file merged over the inferred graph. */
  graphFile?: string;
  /** How CSV files are read; defaults to the graph file's when the data comes from there. */
  files?: DuckDbOptions;
  plan?: Omit<PlanOptions, 'timeRange' | 'dialect'>;
  /** Run each split's label SQL and count its examples. */
  countExamples?: boolean;
}

export interface SplitCounts {
  train: number;
  validation: number;
  test: number;
}

export interface ExplainResult {
  graph: GraphDef;
  plan: QueryPlan;
  examples: SplitCounts | null;
  /** What the user should know about the inputs (e.g. data read instead of the graph file's). */
  notes: string[];
}

/** Compiles `query` against the data in `options.data`. */
export async function explainOnSource(
  query: string,
  options: ExplainSourceOptions,
): Promise<ExplainResult> {
  const override =
    options.graphFile === undefined ? undefined : await readGraphFile(options.graphFile);
  const notes: string[] = [];
  const location = dataLocation(options, override?.data, notes);
  const connector = await openDuckDb(location.path, location.files);
  try {
    const { graph } = await inferGraph(connector, {
      override,
      overrideSource: options.graphFile,
    });
    const timeRange = (await readTimeRange(connector, graph)) ?? undefined;
    const plan = compilePlan(query, graph, {
      ...options.plan,
      dialect: connector.dialect,
      timeRange,
    });
    const examples = options.countExamples ? await countExamples(connector, plan) : null;
    return { graph, plan, examples, notes };
  } finally {
    await connector.close();
  }
}

/**
 * The data to read: `options.data` (noted in `notes` when the graph file records other data),
 * else the location recorded in the graph file.
 */
function dataLocation(
  options: ExplainSourceOptions,
  recorded: DataLocation | undefined,
  notes: string[],
): { path: string; files: DuckDbOptions } {
  if (options.data !== undefined) {
    const note = dataOverrideNote(options.data, options.graphFile, recorded);
    if (note !== null) notes.push(note);
    return { path: options.data, files: options.files ?? {} };
  }
  if (recorded === undefined || options.graphFile === undefined) {
    return raise('CONTROL_INVALID_ARGUMENT', {
      name: '--data',
      expected: 'a data source, or a graph file written by `prequel inspect` (it records one)',
      received: options.graphFile === undefined ? 'neither' : `${options.graphFile} without "data"`,
    });
  }
  const path = resolve(dirname(options.graphFile), recorded.path);
  return { path, files: { ...recorded.files, ...options.files } };
}

/** A path made comparable: absolute, and through its symbolic links when it exists. */
function canonicalPath(path: string): string {
  const abs = resolve(path);
  return existsSync(abs) ? realpathSync(abs) : abs;
}

/**
 * The note saying that --data `data` is read instead of the data path the graph file records,
 * or null when the graph file records none or the same path.
 */
export function dataOverrideNote(
  data: string,
  graphFile: string | undefined,
  recorded: DataLocation | undefined,
): string | null {
  if (graphFile === undefined || recorded === undefined) return null;
  const recordedPath = resolve(dirname(resolve(graphFile)), recorded.path);
  if (canonicalPath(data) === canonicalPath(recordedPath)) return null;
  return (
    `note: reading --data ${resolve(data)}, not ${recordedPath} recorded in the graph ` +
    `file ${graphFile} (--data wins over the graph file's data)`
  );
}

/** Runs each split's label SQL and counts the rows (temporal plans only). */
export async function countExamples(
  connector: Connector,
  plan: QueryPlan,
): Promise<SplitCounts | null> {
  const s = plan.splits;
  if (s === null) return null;
  const count = async (sql: { sql: string; params: unknown[] }) => {
    const wrapped = `SELECT COUNT(*) AS n FROM (${sql.sql}) AS labels`;
    const chunk = await connector.queryAll(wrapped, sql.params as never);
    const column = chunk.columns[0]!;
    if (column.kind !== 'bigint' && column.kind !== 'int') {
      throw new Error(`COUNT(*) returned a ${column.kind} column`);
    }
    return Number(column.values[0]);
  };
  return {
    train: await count(s.train.sql),
    validation: await count(s.validation.sql),
    test: await count(s.test.sql),
  };
}
