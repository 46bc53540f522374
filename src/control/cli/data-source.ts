// SPDX-License-Identifier: Apache-2.0
// Which registered source and graph version a workspace command (train) works on: a source
// named with --source, or data given with --data or recorded in a --graph file (as `prequel
// inspect` writes it), registered in the workspace on first use (named after its directory or
// file) and reused afterwards. The graph is inferred, merged with the graph file and stored as
// a graph version; an unchanged graph reuses its version. --data wins over the data a graph file
// records, as a flag wins over a file; when the two name different paths a note says so. The
// data's validation errors and the caller's check (train compiles its query) run on the
// inferred graph before anything is registered or stored, so a mistake leaves no trace in the
// workspace.
import { existsSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import type { Connector } from '../../data/connector.js';
import type { DataLocation, GraphDef } from '../../data/graph-def.js';
import { inferGraph } from '../../data/infer.js';
import { validateGraph, type ValidationReport } from '../../data/validate.js';
import { readGraphFile, type GraphOverride } from '../../data/graph-file.js';
import { PrequelError, raise } from '../../errors/index.js';
import type { Prequel } from '../../prequel.js';
import { dataOverrideNote } from '../explain.js';
import { normaliseSourceInput, openSource } from '../../pipeline/source.js';
import type { SettingValue, SourceRecord } from '../metadata/sources.js';
import { plural } from '../../text/plural.js';
import { noDataError } from './explain.js';
import { fileOptionsFrom } from './source-options.js';

export interface DataSourceFlags {
  source?: string;
  data?: string;
  graph?: string;
  /** The name to register --data under (default: its directory or file name). */
  sourceName?: string;
  /** The flags of `withFileOptions` (delimiter, header, null, encoding). */
  [flag: string]: unknown;
}

export interface ResolvedSource {
  source: SourceRecord;
  graphVersion: number;
  /** What was done on the way, for the user (registered, inferred). */
  notes: string[];
}

/** A check of the inferred graph on the open data, before it is stored (e.g. the query's). */
export type DataCheck = (connector: Connector, graph: GraphDef) => Promise<void>;

/** Resolves the flags to a source and a stored graph version; see the file comment. */
export async function resolveDataSource(
  prequel: Prequel,
  flags: DataSourceFlags,
  check?: DataCheck,
): Promise<ResolvedSource> {
  if (flags.source !== undefined && flags.data !== undefined) {
    raise('CONTROL_INVALID_ARGUMENT', {
      name: '--source and --data',
      expected: 'one of them (a registered source, or data to register)',
      received: 'both',
    });
  }
  if (flags.sourceName !== undefined && flags.source !== undefined) {
    raise('CONTROL_INVALID_ARGUMENT', {
      name: '--source-name',
      expected: 'given with --data or --graph (the name to register their data under)',
      received: `it with --source ${flags.source}, which is registered already`,
    });
  }
  const override = flags.graph === undefined ? undefined : await readGraphFile(flags.graph);
  const notes: string[] = [];
  let source: SourceRecord | null;
  let location: DataLocation | null = null;
  if (flags.source !== undefined) {
    source = await prequel.getSource(flags.source);
    if (override === undefined) {
      const latest = await latestGraph(prequel, source.id);
      if (latest !== null) {
        const graph = await prequel.getGraph(source.id, latest);
        if (check !== undefined) await withConnector(source, (c) => check(c, graph.definition));
        return { source, graphVersion: latest, notes };
      }
    }
  } else {
    location = dataLocation(flags, override?.data, notes);
    source = await registeredSource(prequel, location);
    if (source !== null && flags.sourceName !== undefined && source.name !== flags.sourceName) {
      notes.push(
        `this data is registered already as source ${source.name}; --source-name ` +
          `${flags.sourceName} is not used (\`prequel sources\` lists the sources)`,
      );
    }
  }
  // The source to be (registered only once its data and the check passed).
  const record = source ?? (await unregisteredSource(prequel, location!, flags.sourceName));
  const { graph, report } = await withConnector(record, async (connector) => {
    const inferred = await inferGraph(connector, {
      override: override === undefined ? undefined : withoutData(override),
      overrideSource: flags.graph,
    });
    const validation = await validateGraph(connector, inferred.graph);
    refuseValidationErrors(validation, inspectCommand(record, flags.graph));
    await check?.(connector, inferred.graph);
    return { graph: inferred.graph, report: validation };
  });
  if (source === null) {
    source = await prequel.registerSource({
      name: record.name,
      kind: 'duckdb',
      settings: record.settings,
    });
    notes.push(
      `registered data source ${source.name} (${location!.path}); reuse it with ` +
        `--source ${source.name}`,
    );
  }
  const stored = await prequel.putGraph(source.id, graph);
  const { version } = stored.graph;
  notes.push(
    stored.created
      ? `stored graph version ${version} of source ${source.name}`
      : `graph unchanged: version ${version} of source ${source.name}`,
  );
  const summary = validationSummary(report, inspectCommand(source, flags.graph));
  if (summary !== null) notes.push(summary);
  return { source, graphVersion: version, notes };
}

/** Opens a source's data, runs `fn` on it and closes it. */
async function withConnector<T>(
  source: SourceRecord,
  fn: (connector: Connector) => Promise<T>,
): Promise<T> {
  const connector = await openSource(source);
  try {
    return await fn(connector);
  } finally {
    await connector.close();
  }
}

/**
 * Raises DATA_VALIDATION_FAILED naming the first error of a validation report (a duplicated or
 * null key, a missing column...), which would fail materialisation; warnings pass.
 */
export function refuseValidationErrors(report: ValidationReport, inspect: string): void {
  const first = report.issues.find((i) => i.severity === 'error');
  if (first === undefined) return;
  const where = first.column === undefined ? first.table : `${first.table}.${first.column}`;
  raise('DATA_VALIDATION_FAILED', {
    count: report.errors,
    first: `${first.code} ${where}: ${first.message}; \`${inspect}\` lists them all`,
  });
}

/**
 * One line counting the validation report's errors and warnings per code, pointing at the
 * command that lists them; null when there are none.
 */
export function validationSummary(report: ValidationReport, inspect: string): string | null {
  const parts: string[] = [];
  for (const [severity, noun] of [
    ['error', 'validation error'],
    ['warning', 'validation warning'],
  ] as const) {
    const perCode = new Map<string, number>();
    for (const issue of report.issues) {
      if (issue.severity === severity) perCode.set(issue.code, (perCode.get(issue.code) ?? 0) + 1);
    }
    if (perCode.size === 0) continue;
    const total = [...perCode.values()].reduce((a, b) => a + b, 0);
    const codes = [...perCode].map(([code, n]) => `${code} ${n}`).join(', ');
    parts.push(`${plural(total, noun)} (${codes})`);
  }
  if (parts.length === 0) return null;
  return `warning: the data has ${parts.join(' and ')}; run \`${inspect}\` for details`;
}

/** The `prequel inspect` command that shows a DuckDB source's validation issues. */
function inspectCommand(source: SourceRecord, graphFile: string | undefined): string {
  const { path, delimiter, nullString, nullStrings, encoding, header } = source.settings;
  if (source.kind !== 'duckdb' || typeof path !== 'string') return 'prequel inspect';
  const args = ['prequel', 'inspect', shellWord(path)];
  if (graphFile !== undefined) args.push('--graph', shellWord(graphFile));
  if (typeof delimiter === 'string') args.push('--delimiter', shellWord(delimiter));
  if (typeof nullString === 'string') args.push('--null', shellWord(nullString));
  for (const marker of Array.isArray(nullStrings) ? nullStrings : []) {
    args.push('--null', shellWord(marker));
  }
  if (typeof encoding === 'string') args.push('--encoding', shellWord(encoding));
  if (header === false) args.push('--no-header');
  return args.join(' ');
}

/** A word as a shell reads it back: single-quoted unless it is plain. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

async function latestGraph(prequel: Prequel, source: string): Promise<number | null> {
  try {
    return (await prequel.getGraph(source, 'latest')).version;
  } catch (err) {
    if (err instanceof PrequelError && err.code === 'CONTROL_GRAPH_NOT_FOUND') return null;
    throw err;
  }
}

function withoutData(override: GraphOverride): GraphOverride {
  const { data: _data, ...rest } = override;
  return rest;
}

/**
 * The data to read: --data, else the location the graph file records (relative to it). A --data
 * path other than the recorded one is noted in `notes`.
 */
function dataLocation(
  flags: DataSourceFlags,
  recorded: DataLocation | undefined,
  notes: string[],
): DataLocation {
  const given = fileOptionsFrom(flags, flags.data ?? flags.graph);
  if (flags.header !== false) delete given.header;
  if (flags.data !== undefined) {
    const note = dataOverrideNote(flags.data, flags.graph, recorded);
    if (note !== null) notes.push(note);
    return { path: resolve(flags.data), files: given };
  }
  if (flags.graph === undefined) return noDataError('train');
  if (recorded === undefined) {
    return raise('CONTROL_INVALID_ARGUMENT', {
      name: '--source, --data or --graph',
      expected:
        'a registered source, a data directory or file, or a graph file written by ' +
        '`prequel inspect` (it records its data)',
      received: `${flags.graph} without "data"`,
    });
  }
  const path = resolve(dirname(resolve(flags.graph)), recorded.path);
  return { path, files: { ...recorded.files, ...given } };
}

/** The settings of a DuckDB source reading `location`. */
function settingsOf(location: DataLocation): Record<string, SettingValue> {
  const files = location.files ?? {};
  const settings: Record<string, SettingValue> = { path: location.path };
  if (files.delimiter !== undefined) settings.delimiter = files.delimiter;
  if (files.header === false) settings.header = false;
  // One marker keeps the nullString setting, so sources registered before nullStrings match.
  if (files.nullStrings !== undefined && files.nullStrings.length === 1) {
    settings.nullString = files.nullStrings[0]!;
  } else if (files.nullStrings !== undefined && files.nullStrings.length > 1) {
    settings.nullStrings = files.nullStrings;
  }
  if (files.encoding !== undefined) settings.encoding = files.encoding;
  if (files.quote !== undefined) settings.quote = files.quote;
  return settings;
}

function sameSettings(a: Record<string, SettingValue>, b: Record<string, SettingValue>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => JSON.stringify(a[k] ?? null) === JSON.stringify(b[k] ?? null));
}

/** The workspace's DuckDB source reading `location` with the same settings, or null. */
async function registeredSource(
  prequel: Prequel,
  location: DataLocation,
): Promise<SourceRecord | null> {
  if (!existsSync(location.path)) {
    raise('DATA_FILE_NOT_FOUND', {
      path: location.path,
      expected: 'a directory of .csv/.parquet/.json files, one such file, or a .duckdb file',
    });
  }
  const settings = settingsOf(location);
  const sources = await prequel.listSources();
  return sources.find((s) => s.kind === 'duckdb' && sameSettings(s.settings, settings)) ?? null;
}

/**
 * The DuckDB source that would read `location`, checked but not registered: named `chosen`
 * (--source-name; taken is an error) or after its directory or file, with a number when the
 * name is taken.
 */
async function unregisteredSource(
  prequel: Prequel,
  location: DataLocation,
  chosen?: string,
): Promise<SourceRecord> {
  const taken = new Set((await prequel.listSources()).map((s) => s.name));
  if (chosen !== undefined && taken.has(chosen)) raise('CONTROL_SOURCE_EXISTS', { name: chosen });
  const base = chosen ?? sourceName(location.path);
  let name = base;
  for (let n = 2; chosen === undefined && taken.has(name); n++) name = `${base.slice(0, 60)}-${n}`;
  const input = await normaliseSourceInput({
    name,
    kind: 'duckdb',
    settings: settingsOf(location),
  });
  const now = new Date().toISOString();
  return {
    id: '0',
    name,
    kind: 'duckdb',
    settings: input.settings ?? {},
    secrets: {},
    createdAt: now,
    updatedAt: now,
  };
}

/** A source name from a path: the directory or file name, made a valid name. */
export function sourceName(path: string): string {
  const stem = basename(path, extname(path)).replace(/[^A-Za-z0-9_.-]/g, '_');
  const name = /^[A-Za-z]/.test(stem) ? stem : `data_${stem}`;
  return name.slice(0, 64);
}
