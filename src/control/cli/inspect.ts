// SPDX-License-Identifier: Apache-2.0
// `prequel inspect <source>`: infers the graph of a data source, prints its tables, keys, links,
// semantic types, row counts and validation issues, and writes the graph file for the user to edit.
import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openDuckDb, type DuckDbOptions } from '../../data/duckdb.js';
import { formatOf } from '../../data/duckdb-files.js';
import { inferGraph } from '../../data/infer.js';
import { readGraphFile, writeGraphFile } from '../../data/graph-file.js';
import { reportHints, validateGraph, type ValidationReport } from '../../data/validate.js';
import type { GraphDef } from '../../data/graph-def.js';
import { raise } from '../../errors/index.js';
import { examples } from './common.js';
import { checkOutputFile } from './paths.js';
import { fileOptionsFrom, withFileOptions } from './source-options.js';
import { plural } from '../../text/plural.js';

export interface InspectOptions {
  /** A graph file merged over the inferred graph. */
  graph?: string;
  /** Where to write the graph file (default: graph.json in the working directory). */
  out?: string;
  /** Print JSON instead of text. */
  json?: boolean;
  /** Options of the DuckDB file reader (delimiter, header, null strings, encoding). */
  files?: DuckDbOptions;
}

export interface InspectResult {
  graph: GraphDef;
  report: ValidationReport;
  graphFile: string;
  /** Files of a source directory that are not read as tables (not a table format). */
  skipped: string[];
  /** What the command prints. */
  output: string;
}

/** Infers and validates the graph of `source`, writes the graph file and renders the output. */
export async function inspectSource(
  source: string,
  options: InspectOptions = {},
): Promise<InspectResult> {
  const connector = await openDuckDb(source, options.files ?? {});
  try {
    const override = options.graph === undefined ? undefined : await readGraphFile(options.graph);
    const { graph } = await inferGraph(connector, { override, overrideSource: options.graph });
    const report = await validateGraph(connector, graph);
    const graphFile = resolve(options.out ?? 'graph.json');
    const data = { path: resolve(source), files: options.files ?? {} };
    await writeGraphFile(graphFile, graph, data, override);
    const skipped = skippedFiles(source);
    const output = options.json
      ? `${JSON.stringify({ source, graphFile, skipped, graph, report }, jsonValue, 2)}\n`
      : formatInspect(source, graph, report, graphFile, skipped);
    return { graph, report, graphFile, skipped, output };
  } finally {
    await connector.close();
  }
}

const TABLE_FORMATS = '.csv, .tsv, .txt, .parquet, .json, .jsonl, .ndjson (each optionally .gz)';

/** The files of a source directory that are not read as tables; hidden files are left out. */
export function skippedFiles(source: string): string[] {
  if (!statSync(source).isDirectory()) return [];
  return readdirSync(source, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.') && formatOf(e.name) === null)
    .map((e) => e.name)
    .sort();
}

function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Renders the inferred graph and its validation report as text. */
export function formatInspect(
  source: string,
  graph: GraphDef,
  report: ValidationReport,
  graphFile: string,
  skipped: string[] = [],
): string {
  const lines = [`source: ${source}`, `tables: ${graph.tables.length}`];
  if (skipped.length > 0) {
    lines.push(
      `note: skipped ${plural(skipped.length, 'file')} not in a table format: ` +
        `${skipped.join(', ')} (read as tables: ${TABLE_FORMATS})`,
    );
  }
  lines.push('');
  for (const table of graph.tables) {
    const rows = table.rowCount === undefined ? '' : ` (${plural(table.rowCount, 'row')})`;
    lines.push(`${table.name}${rows}${table.source === undefined ? '' : ` from ${table.source}`}`);
    lines.push(`  primary key: ${table.primaryKey ?? '-'}`);
    const derived =
      table.derivedTime === undefined ? '' : ` (derived from ${table.derivedTime.from})`;
    const unit = table.timeUnit === undefined ? '' : ` (Unix time in ${table.timeUnit})`;
    lines.push(`  time: ${table.timeColumn ?? '- (static)'}${derived}${unit}`);
    if (table.endTimeColumn !== null) lines.push(`  end time: ${table.endTimeColumn}`);
    for (const fk of table.foreignKeys) lines.push(`  link: ${fk.column} -> ${fk.references}`);
    const columns = table.columns.map((c) => `${c.name}:${c.stype}`).join(', ');
    lines.push(`  columns: ${columns}`, '');
  }
  if (report.edges.length > 0) {
    lines.push('links:');
    for (const e of report.edges) {
      lines.push(
        `  ${e.name}: ${plural(e.edges, 'edge')}, ${e.dangling} dangling, ${e.nulls} null`,
      );
    }
    lines.push('');
  }
  lines.push(`issues: ${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}`);
  for (const issue of report.issues) {
    const where = issue.column === undefined ? issue.table : `${issue.table}.${issue.column}`;
    lines.push(`  ${issue.severity} ${issue.code} ${where}: ${issue.message}`);
  }
  // A hint shared by many warnings (the option that makes a guess explicit) is printed once.
  for (const hint of reportHints(report)) lines.push(`  hint: ${hint}`);
  lines.push('', `graph file written to ${graphFile}`);
  return `${lines.join('\n')}\n`;
}

/** Adds `inspect` to the command tree; output goes to `write` (stdout by default). */
export function registerInspect(
  program: Command,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Command {
  const command = program
    .command('inspect')
    .description('infer the graph of a data source, validate it and write the graph file')
    .argument(
      '<source>',
      'a directory of .csv/.parquet/.json files, one such file, or a .duckdb file',
    )
    .option('--graph <file>', 'graph file merged over the inferred graph')
    .option('--out <file>', 'where to write the graph file', 'graph.json')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples([
        'prequel inspect ./shop',
        'prequel inspect ./shop --out shop.json',
        "prequel inspect ../shared/data/f1/raw --null '\\N' --graph examples/f1/graph.json " +
          '--out f1.json',
        'prequel inspect warehouse.duckdb --json',
      ]),
    );
  return withFileOptions(command).action(async (source: string, flags: Record<string, unknown>) => {
    const files = fileOptionsFrom(flags, source);
    const out = resolve(flags.out as string);
    checkOutputFile(out, 'the graph file');
    const result = await inspectSource(source, {
      graph: flags.graph as string | undefined,
      out: flags.out as string,
      json: flags.json === true,
      files,
    });
    write(result.output);
    // The graph file is written either way, for the user to fix; errors still fail the command.
    const first = result.report.issues.find((i) => i.severity === 'error');
    if (first !== undefined) {
      const where = first.column === undefined ? first.table : `${first.table}.${first.column}`;
      raise('DATA_VALIDATION_FAILED', {
        count: result.report.errors,
        first: `${first.code} ${where}: ${first.message}`,
      });
    }
  });
}
