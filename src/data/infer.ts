// SPDX-License-Identifier: Apache-2.0
// Schema inference: from the source's tables to a GraphDef, then the user's override on top.
//
// Rules (each overridable per table from the graph file or the API):
// - Primary key: an integer or string column named `id`, `<table>Id` / `<table>_id` (table name
//   singular or plural, case and underscores ignored), preferring one with no NULL and no
//   repeated value (a named key with repeats stays the key and fails validation); failing that,
//   the first column when its name reads as a key (`...Id`, `..._id`) and it is
//   unique and non-NULL and not named after another table. Otherwise there is no primary key.
// - Foreign key: a column whose name reads as a key and is not its own table's primary key,
//   referencing table P when its name equals P's key name, or `<P>Id` (singular or plural), or
//   ends with P's key name (`originAirportId` -> airports.airportId), types compatible. An empty
//   table's text key is compatible with any key (a CSV file with only a header types every
//   column text): the link is kept and validation reports its keys as dangling. With no name
//   match in any table, an integer or string `...Id` column whose distinct values (at least 2)
//   all occur in some table's key is proposed too (value containment; the smallest such table
//   wins); a name match of incompatible type leaves the column unlinked rather than linked by
//   values to a table it is not named after.
// - Time column: a DATE/TIMESTAMP column not named like a birth or end date (dob, birth, end,
//   expiry, until, updated, deleted); a name like created_at / timestamp / date / time is
//   preferred, else the first such column. End time: a DATE/TIMESTAMP named end / until / expiry.
//   A text column counts as a timestamp when at least TIME_PARSE_MIN of its values parse as one:
//   a few bad values (`not a date`, `2021-13-45`) make the engine type the column text, but must
//   not cost the table its time column. Its rows with a bad value get a NULL time and never
//   become visible; validation reports them (TIME_UNPARSEABLE, with a count, an example and its
//   row), and other such columns (TIMESTAMP_UNPARSEABLE). Below the share, it stays text.
//   With no such column, an integer column named like a creation time (`ts`, `created_at`,
//   `event_time`, ...) whose values all lie between 1980 and 2100 as Unix seconds, ms, us or ns
//   (ranges that do not overlap) is the time column, with that `timeUnit`.
// - Semantic type: keys -> id; other key-like columns (`...Id`) -> categorical when they have few
//   distinct values (as for strings below), else id: never a numeric feature; DATE/TIMESTAMP ->
//   timestamp; booleans -> categorical; numbers -> numerical (categorical when at most 2
//   distinct values); strings -> categorical when at most 20 distinct values, or at most 1000 and
//   at most half the non-NULL count, else text; lists of numbers -> embedding; lists of strings
//   -> multicategorical; other engine types (TIME, INTERVAL, ...) -> text.
import type { Connector } from './connector.js';
import type {
  ColumnDef,
  ForeignKeyDef,
  GraphDef,
  PhysicalType,
  SemanticType,
  TableDef,
  EpochUnit,
} from './graph-def.js';
import { overrideOf, type GraphOverride, type TableOverride } from './graph-file.js';
import { looksLikeKey, profileTable, type ColumnProfile, type TableProfile } from './profile.js';
import { quoteIdent } from './sql.js';
import { checkDerivedTime } from './derived-time.js';
import { raise } from '../errors/index.js';
import { didYouMean, nearestNames } from '../text/nearest.js';

export const CATEGORICAL_ALWAYS = 20;
export const CATEGORICAL_MAX = 1000;
export const CATEGORICAL_RATIO = 0.5;
/** Share of a text column's non-NULL values that must parse as timestamps to read it as one. */
export const TIME_PARSE_MIN = 0.9;

export interface InferOptions {
  override?: GraphOverride;
  /** Where the override came from, for error messages (default 'the graph override'). */
  overrideSource?: string;
}

export interface InferResult {
  graph: GraphDef;
  /** Column statistics per graph table. */
  profiles: Map<string, TableProfile>;
}

const norm = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  if (name.endsWith('sses') || name.endsWith('xes')) return name.slice(0, -2);
  if (name.endsWith('s') && !name.endsWith('ss')) return name.slice(0, -1);
  return name;
}

const keyPhysical = (p: PhysicalType) => p === 'int' || p === 'bigint' || p === 'string';

/** The family two key types must share to be joined. */
export function keyFamily(p: PhysicalType): 'integer' | 'string' | 'other' {
  if (p === 'int' || p === 'bigint') return 'integer';
  return p === 'string' ? 'string' : 'other';
}

/**
 * Whether a key of `a` can be joined with a key of `b`: the same family, or one of them a text
 * key of an empty table, whose type says nothing (see the file comment).
 */
export function keysCompatible(
  a: { physical: PhysicalType; empty: boolean },
  b: { physical: PhysicalType; empty: boolean },
): boolean {
  const [fa, fb] = [keyFamily(a.physical), keyFamily(b.physical)];
  if (fa === 'other' || fb === 'other') return false;
  return fa === fb || (a.empty && fa === 'string') || (b.empty && fb === 'string');
}

/** The tables of `available` a mistyped table name likely means (edit distance, plural). */
export function closeTables(name: string, available: readonly string[]): string[] {
  const plural = available.filter((t) => t !== name && singular(norm(t)) === singular(norm(name)));
  return [...new Set([...plural, ...nearestNames(name, available)])].slice(0, 3);
}

/** Unix time ranges an epoch column may hold, per unit: 1980-01-01 to 2100-01-01. */
const EPOCH_FROM = 315_532_800n;
const EPOCH_TO = 4_102_444_800n;
const PER_SECOND: Record<EpochUnit, bigint> = {
  s: 1n,
  ms: 1_000n,
  us: 1_000_000n,
  ns: 1_000_000_000n,
};

/**
 * The unit in which every integer between `min` and `max` is a Unix time from 1980 to 2100, or
 * null. The ranges of the four units do not overlap, so at most one fits.
 */
export function epochUnit(min: bigint | null, max: bigint | null): EpochUnit | null {
  if (min === null || max === null) return null;
  for (const [unit, per] of Object.entries(PER_SECOND) as Array<[EpochUnit, bigint]>) {
    if (min >= EPOCH_FROM * per && max < EPOCH_TO * per) return unit;
  }
  return null;
}

function tableNames(table: string, source: string): string[] {
  return [...new Set([norm(table), singular(norm(table)), norm(source), singular(norm(source))])];
}

function inferPrimaryKey(table: string, profile: TableProfile, others: string[][]): string | null {
  const unique = (c: ColumnProfile) =>
    keyPhysical(c.physical) &&
    (profile.rows === 0 || (c.nonNull === profile.rows && c.distinct === profile.rows));
  const names = tableNames(table, profile.source).map((n) => `${n}id`);
  // A column named as this table's key is its key even with repeated or NULL values: the
  // validation then reports them (DATA_PK_DUPLICATE names the value) instead of the key
  // silently vanishing and its column being read as a link.
  const isNamed = (c: ColumnProfile) => norm(c.name) === 'id' || names.includes(norm(c.name));
  const named =
    profile.columns.find((c) => unique(c) && isNamed(c)) ??
    profile.columns.find((c) => keyPhysical(c.physical) && isNamed(c));
  if (named !== undefined) return named.name;
  // A first column named after another table (`originAirportId`) is a link, not this table's key.
  const first = profile.columns[0];
  const linked = (c: ColumnProfile) =>
    others.some((n) => n.some((o) => norm(c.name).endsWith(`${o}id`)));
  if (first === undefined || profile.rows === 0 || !looksLikeKey(first.name)) return null;
  return unique(first) && !linked(first) ? first.name : null;
}

interface KeyedTable {
  name: string;
  key: ColumnProfile;
  profile: TableProfile;
}

function nameMatch(column: string, parent: KeyedTable, source: string): number {
  const c = norm(column);
  const k = norm(parent.key.name);
  if (c === k && k !== 'id') return 3;
  if (tableNames(parent.name, source).some((n) => c === `${n}id`)) return 2;
  if (k !== 'id' && k.length > 2 && c.endsWith(k)) return 1;
  return 0;
}

async function contained(
  connector: Connector,
  child: TableProfile,
  column: ColumnProfile,
  parent: KeyedTable,
) {
  if (column.distinct < 2) return false;
  if (
    column.min !== null &&
    parent.key.min !== null &&
    (column.min < parent.key.min || column.max! > parent.key.max!)
  ) {
    return false;
  }
  const c = quoteIdent(column.name);
  const k = quoteIdent(parent.key.name);
  const sql =
    `SELECT count(*) AS n FROM (SELECT DISTINCT ${c} AS v FROM ${quoteIdent(child.source)} ` +
    `WHERE ${c} IS NOT NULL) x ` +
    `WHERE NOT EXISTS (SELECT 1 FROM ${quoteIdent(parent.profile.source)} p WHERE p.${k} = x.v)`;
  const result = await connector.queryAll(sql);
  const n = result.columns[0];
  return (n.kind === 'bigint' || n.kind === 'int') && Number(n.values[0]) === 0;
}

async function inferForeignKeys(
  connector: Connector,
  table: string,
  profile: TableProfile,
  primaryKey: string | null,
  keyed: KeyedTable[],
): Promise<ForeignKeyDef[]> {
  const out: ForeignKeyDef[] = [];
  const child = (c: ColumnProfile) => ({ physical: c.physical, empty: profile.rows === 0 });
  const keyOf = (p: KeyedTable) => ({ physical: p.key.physical, empty: p.profile.rows === 0 });
  for (const column of profile.columns) {
    if (column.name === primaryKey || !keyPhysical(column.physical) || !looksLikeKey(column.name))
      continue;
    const others = keyed.filter((p) => !(p.name === table && p.key.name === column.name));
    const byName = others
      .map((p) => ({ p, score: nameMatch(column.name, p, p.profile.source) }))
      .filter((m) => m.score > 0)
      .sort((a, b) => b.score - a.score || b.p.key.name.length - a.p.key.name.length);
    const named = byName.find((m) => keysCompatible(child(column), keyOf(m.p)));
    if (named !== undefined) {
      out.push({ column: column.name, references: named.p.name });
      continue;
    }
    // Named after a table whose key cannot match: never linked by values to another table.
    if (byName.length > 0) continue;
    const family = keyFamily(column.physical);
    const parents = others.filter(
      (p) => keyFamily(p.key.physical) === family && p.profile.rows > 0,
    );
    const hits: KeyedTable[] = [];
    for (const parent of parents) {
      if (await contained(connector, profile, column, parent)) hits.push(parent);
    }
    hits.sort((a, b) => a.profile.rows - b.profile.rows || a.name.localeCompare(b.name));
    if (hits.length > 0) out.push({ column: column.name, references: hits[0].name });
  }
  return out;
}

const NOT_CREATION = /(birth|dob|born|end|expir|until|valid_?to|updated|modified|deleted)/i;
const CREATION =
  /^(created|creation|inserted|event|posted)?[_ ]?(at|time|timestamp|date|ts|datetime)$/i;
const END = /(end|until|expir|valid_?to|closed)/i;
const isTime = (p: PhysicalType) => p === 'date' || p === 'timestamp';

/** Whether a text column's values are timestamps but for a few (see the file comment). */
function isTextTime(column: ColumnProfile): boolean {
  const parsed = column.timeParsed ?? 0;
  return column.physical === 'string' && parsed > 0 && parsed >= TIME_PARSE_MIN * column.nonNull;
}

/** Names of an integer column that may hold Unix times: `ts`, `created_at`, `eventTime`. */
const EPOCH_NAME =
  /^(ts|time|timestamp|epoch|created|unix_?time)$|[_ ](at|time|ts|timestamp|epoch)$/i;
const EPOCH_CAMEL = /[a-z0-9](At|Time|Ts|Timestamp|Epoch)$/;

/**
 * The unit of an integer column named like a creation time whose values `min`..`max` are Unix
 * times from 1980 to 2100 in that unit (see the file comment), or null.
 */
export function epochColumnUnit(
  name: string,
  physical: PhysicalType,
  min: bigint | null,
  max: bigint | null,
): EpochUnit | null {
  if (physical !== 'int' && physical !== 'bigint') return null;
  if (!(EPOCH_NAME.test(name) || EPOCH_CAMEL.test(name)) || NOT_CREATION.test(name)) return null;
  return epochUnit(min, max);
}

const epochColumn = (c: ColumnProfile) => epochColumnUnit(c.name, c.physical, c.min, c.max);

interface InferredTimes {
  time: string | null;
  end: string | null;
  unit: EpochUnit | null;
}

function inferTimeColumns(profile: TableProfile): InferredTimes {
  const times = profile.columns.filter((c) => isTime(c.physical) || isTextTime(c));
  const creation = times.filter((c) => !NOT_CREATION.test(c.name));
  const time = (creation.find((c) => CREATION.test(c.name)) ?? creation[0])?.name ?? null;
  const end = times.find((c) => END.test(c.name) && c.name !== time)?.name ?? null;
  if (time !== null || profile.rows === 0) return { time, end, unit: null };
  const epoch = profile.columns.find((c) => epochColumn(c) !== null);
  return epoch === undefined
    ? { time, end, unit: null }
    : { time: epoch.name, end, unit: epochColumn(epoch) };
}

/** The semantic type of a column that is not a key or time column of its table. */
export function inferStype(column: ColumnProfile): SemanticType {
  const p = column.physical;
  const d = column.distinct;
  const few =
    d <= CATEGORICAL_ALWAYS || (d <= CATEGORICAL_MAX && d <= CATEGORICAL_RATIO * column.nonNull);
  if (isTime(p) || isTextTime(column)) return 'timestamp';
  if (p === 'boolean') return 'categorical';
  if (p === 'list') {
    return /VARCHAR|STRING|TEXT/i.test(column.engineType) ? 'multicategorical' : 'embedding';
  }
  if (p === 'other') return 'text';
  if (looksLikeKey(column.name) && (keyPhysical(p) || d === column.nonNull)) {
    return few ? 'categorical' : 'id';
  }
  if (p === 'int' || p === 'bigint' || p === 'float' || p === 'decimal') {
    return d <= 2 && p !== 'float' && p !== 'decimal' ? 'categorical' : 'numerical';
  }
  return few ? 'categorical' : 'text';
}

function requireColumn(profile: TableProfile, table: string, column: string, where: string) {
  if (!profile.columns.some((c) => c.name === column)) {
    raise('DATA_COLUMN_NOT_FOUND', {
      table,
      column,
      where,
      available: profile.columns.map((c) => c.name),
    });
  }
}

/** Infers the graph of `connector`'s tables and merges `options.override` over it. */
export async function inferGraph(
  connector: Connector,
  options: InferOptions = {},
): Promise<InferResult> {
  const override = options.override;
  const where = options.overrideSource ?? 'the graph override';
  const available = await connector.listTables();
  const listed = override?.tables ?? [];
  const names = override?.onlyListed
    ? listed.map((t) => t.name)
    : [
        ...new Set([
          ...available.filter((t) => !listed.some((l) => l.source === t)),
          ...listed.map((t) => t.name),
        ]),
      ];

  const profiles = new Map<string, TableProfile>();
  for (const name of names) {
    const source = overrideOf(override, name)?.source ?? name;
    if (!available.includes(source)) raise('DATA_TABLE_NOT_FOUND', { table: source, available });
    const keyNames = tableNames(name, source).map((n) => `${n}id`);
    const given = overrideOf(override, name)?.primaryKey;
    const candidate = (column: string, index: number) =>
      given === undefined
        ? index === 0 || norm(column) === 'id' || keyNames.includes(norm(column))
        : column === given;
    profiles.set(name, await profileTable(connector, source, candidate));
  }

  const primaryKeys = new Map<string, string | null>();
  for (const [name, profile] of profiles) {
    const given = overrideOf(override, name)?.primaryKey;
    if (given !== undefined && given !== null) requireColumn(profile, name, given, where);
    const others = [...profiles]
      .filter(([n]) => n !== name)
      .map(([n, p]) => tableNames(n, p.source));
    primaryKeys.set(name, given !== undefined ? given : inferPrimaryKey(name, profile, others));
  }
  const keyed: KeyedTable[] = [];
  for (const [name, profile] of profiles) {
    const key = primaryKeys.get(name);
    const column = profile.columns.find((c) => c.name === key);
    if (column !== undefined) keyed.push({ name, key: column, profile });
  }

  const tables: TableDef[] = [];
  for (const [name, profile] of profiles) {
    const entry = overrideOf(override, name);
    const primaryKey = primaryKeys.get(name) ?? null;
    const foreignKeys =
      entry?.foreignKeys ?? (await inferForeignKeys(connector, name, profile, primaryKey, keyed));
    for (const fk of foreignKeys) {
      requireColumn(profile, name, fk.column, where);
      if (!profiles.has(fk.references)) {
        const tables = [...profiles.keys()];
        const suggestions = closeTables(fk.references, tables);
        raise('DATA_FK_MISSING_TABLE', {
          table: name,
          column: fk.column,
          references: fk.references,
          suggestion: didYouMean(suggestions),
          suggestions,
          available: tables,
        });
      }
    }
    if (entry?.derivedTime != null) {
      const pointer = `/tables/${override!.tables!.indexOf(entry)}`;
      await checkDerivedTime(connector, entry.derivedTime, profile, foreignKeys, {
        file: where,
        pointer,
        table: name,
      });
    }
    tables.push(buildTable(name, profile, primaryKey, foreignKeys, entry, where));
  }
  return { graph: { version: 1, tables }, profiles };
}

function buildTable(
  name: string,
  profile: TableProfile,
  primaryKey: string | null,
  foreignKeys: ForeignKeyDef[],
  entry: TableOverride | undefined,
  where: string,
): TableDef {
  const inferred = inferTimeColumns(profile);
  const derivedTime = entry?.derivedTime ?? undefined;
  const timeColumn = entry?.timeColumn !== undefined ? entry.timeColumn : inferred.time;
  const endTimeColumn = entry?.endTimeColumn !== undefined ? entry.endTimeColumn : inferred.end;
  // An inferred unit goes with the inferred time column only, read from the data.
  const timeUnit =
    entry?.timeUnit !== undefined
      ? entry.timeUnit
      : timeColumn === inferred.time && derivedTime === undefined
        ? inferred.unit
        : null;
  if (timeColumn !== null && derivedTime === undefined)
    requireColumn(profile, name, timeColumn, where);
  if (endTimeColumn !== null) requireColumn(profile, name, endTimeColumn, where);
  if (derivedTime?.from === 'columns') {
    requireColumn(profile, name, derivedTime.date, where);
    requireColumn(profile, name, derivedTime.timeOfDay, where);
  }
  if (timeUnit !== null && (timeColumn === null || derivedTime !== undefined)) {
    raise('DATA_GRAPH_FILE_INVALID', {
      path: where,
      reason:
        `table ${name}: "timeUnit" is the unit of an integer timeColumn read from the data; ` +
        `remove it, or set timeColumn to such a column` +
        (derivedTime === undefined ? '' : ' and remove derivedTime'),
    });
  }

  const keys = new Set([primaryKey, ...foreignKeys.map((f) => f.column)]);
  const dropped = new Set(entry?.drop ?? []);
  for (const column of dropped) {
    requireColumn(profile, name, column, where);
    if (keys.has(column) || (column === timeColumn && derivedTime === undefined)) {
      raise('DATA_GRAPH_FILE_INVALID', {
        path: where,
        reason: `table ${name}: cannot drop key or time column ${column}`,
      });
    }
  }
  const columns: ColumnDef[] = profile.columns
    .filter((c) => !dropped.has(c.name))
    .map((c) => ({
      name: c.name,
      physical: c.physical,
      stype: keys.has(c.name)
        ? 'id'
        : c.name === timeColumn || c.name === endTimeColumn
          ? 'timestamp'
          : inferStype(c),
    }));
  if (derivedTime !== undefined && timeColumn !== null) {
    const existing = columns.find((c) => c.name === timeColumn);
    if (existing !== undefined) existing.physical = 'timestamp';
    else columns.push({ name: timeColumn, physical: 'timestamp', stype: 'timestamp' });
  }
  for (const given of entry?.columns ?? []) {
    const column = columns.find((c) => c.name === given.name);
    if (column === undefined) {
      requireColumn(profile, name, given.name, where);
      raise('DATA_GRAPH_FILE_INVALID', {
        path: where,
        reason: `table ${name}: ${given.name} is dropped`,
      });
    }
    if (keys.has(given.name) && given.stype !== 'id') {
      raise('DATA_GRAPH_FILE_INVALID', {
        path: where,
        reason: `table ${name}: key column ${given.name} must keep stype id`,
      });
    }
    column.stype = given.stype;
  }
  const table: TableDef = {
    name,
    primaryKey,
    foreignKeys,
    timeColumn,
    endTimeColumn,
    columns,
    rowCount: profile.rows,
  };
  if (timeUnit !== null) table.timeUnit = timeUnit;
  if (entry?.source !== undefined) table.source = entry.source;
  if (derivedTime !== undefined) table.derivedTime = derivedTime;
  return table;
}
