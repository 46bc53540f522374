// SPDX-License-Identifier: Apache-2.0
// Label tables from a query plan's SQL (entity_id, anchor_time, label) as training examples:
// entity keys become node ids of the entity table through the stage's key column (row r of a
// stage node file is node r), anchor times stay microseconds since the epoch UTC. Labels by
// task: a number (binary, regression), a class index through a vocabulary (multiclass), a set of
// class indices (multilabel) or of node ids of the ranked table (ranking), from a list column.
import type { CompiledSql } from '../control/pql/sql.js';
import type { Connector, ResultColumn } from '../data/connector.js';
import { readNodes, type Stage } from '../data/stage.js';
import { raise } from '../errors/index.js';
import type { LabelSet, TaskKind } from './model.js';

/** Entity key (as a string) -> node id, for the rows of one table of the stage. */
export async function entityIndex(stage: Stage, table: string): Promise<Map<string, number>> {
  const nodes = await readNodes(stage, table);
  const keys = nodes.getChild('__key');
  if (keys === null) {
    raise('TRAIN_BAD_LABELS', {
      split: 'any',
      problem: `table ${table} has no primary key, so label rows cannot name its entities`,
    });
  }
  const index = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) {
    const k: unknown = keys.get(i);
    if (k !== null && k !== undefined) index.set(String(k), i);
  }
  return index;
}

function column(columns: ResultColumn[], name: string, split: string): ResultColumn {
  const c = columns.find((x) => x.name.toLowerCase() === name);
  if (c === undefined) {
    raise('TRAIN_BAD_LABELS', {
      split,
      problem: `the label table has no ${name} column (has ${columns.map((x) => x.name).join(', ')})`,
    });
  }
  return c;
}

/** Row i of a key column as text (the form entity and item indexes use); null for NULL. */
export function keyAt(c: ResultColumn, i: number): string | null {
  if (c.valid !== null && !c.valid[i]) return null;
  switch (c.kind) {
    case 'int':
    case 'bigint':
    case 'float':
      return String(c.values[i]);
    case 'string':
      return c.dictionary[c.codes[i]!]!;
    case 'boolean':
      return c.values[i] ? 'true' : 'false';
    default:
      return null;
  }
}

function numberAt(c: ResultColumn, i: number): number | null {
  if (c.valid !== null && !c.valid[i]) return null;
  switch (c.kind) {
    case 'int':
    case 'float':
    case 'boolean':
      return Number(c.values[i]);
    case 'bigint':
      return Number(c.values[i]);
    default:
      return null;
  }
}

export interface LabelOptions {
  /** How to read the label column (default: a number, for binary and regression). */
  task?: TaskKind;
  /**
   * Multiclass and multilabel: the class vocabulary (the training split's, for validation and
   * test). Absent: built from this split's labels, most frequent first, ties by value.
   */
  classes?: readonly string[];
  /** Ranking: key -> node id of the ranked table (entityIndex(stage, rankedTable)). */
  targetIndex?: ReadonlyMap<string, number>;
}

export interface QueriedLabels extends LabelSet {
  /** Rows left out: unknown entity, NULL label, unseen class, or (ranking) no known item. */
  dropped: number;
  /** Multiclass and multilabel: the vocabulary used (built here or given). */
  classes?: string[];
  /** Label values or list members outside the vocabulary or the ranked table, left out. */
  unseen: number;
}

/** Label values per row as keys (null for NULL), lists flattened per row. */
function labelKeys(label: ResultColumn, rows: number, split: string): (string[] | null)[] {
  const out: (string[] | null)[] = [];
  if (label.kind !== 'list') {
    for (let i = 0; i < rows; i++) {
      const key = keyAt(label, i);
      out.push(key === null ? null : [key]);
    }
    return out;
  }
  if (label.child.kind === 'list')
    raise('TRAIN_BAD_LABELS', { split, problem: 'the label column is a list of lists' });
  for (let i = 0; i < rows; i++) {
    if (label.valid !== null && !label.valid[i]) {
      out.push(null);
      continue;
    }
    const members = new Set<string>();
    for (let j = label.offsets[i]!; j < label.offsets[i + 1]!; j++) {
      const key = keyAt(label.child, j);
      if (key !== null) members.add(key);
    }
    out.push([...members]);
  }
  return out;
}

/** Most frequent first, ties by value (numbers numerically). */
function buildVocabulary(keys: (string[] | null)[]): string[] {
  const counts = new Map<string, number>();
  for (const row of keys) for (const k of row ?? []) counts.set(k, (counts.get(k) ?? 0) + 1);
  const numeric = [...counts.keys()].every((k) => Number.isFinite(Number(k)));
  const compare = (a: string, b: string) =>
    numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0;
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || compare(a[0], b[0])).map(([k]) => k);
}

/**
 * Runs one split's label SQL and returns its examples. Rows whose entity is not a node of the
 * graph (or whose label is NULL) are left out and counted in `dropped`.
 */
export async function queryLabels(
  connector: Connector,
  sql: CompiledSql,
  index: ReadonlyMap<string, number>,
  split: string,
  options: LabelOptions = {},
): Promise<QueriedLabels> {
  const chunk = await connector.queryAll(sql.sql, sql.params);
  const entity = column(chunk.columns, 'entity_id', split);
  const anchor = column(chunk.columns, 'anchor_time', split);
  const label = column(chunk.columns, 'label', split);
  if (anchor.kind !== 'timestamp') {
    raise('TRAIN_BAD_LABELS', { split, problem: `anchor_time is ${anchor.kind}, not a timestamp` });
  }
  const task = options.task ?? 'binary';
  const categorical = task === 'multiclass' || task === 'multilabel' || task === 'ranking';
  if (task === 'ranking' && options.targetIndex === undefined) {
    raise('TRAIN_BAD_LABELS', {
      split,
      problem: "ranking labels need targetIndex (the ranked table's key -> node id)",
    });
  }
  const keys = categorical ? labelKeys(label, chunk.rows, split) : null;
  let classes: string[] | undefined;
  let lookup: ReadonlyMap<string, number> | undefined = options.targetIndex;
  if (task === 'multiclass' || task === 'multilabel') {
    classes = options.classes !== undefined ? [...options.classes] : buildVocabulary(keys!);
    lookup = new Map(classes.map((c, i) => [c, i]));
  }
  const entities: number[] = [];
  const times: bigint[] = [];
  const labels: number[] = [];
  const offsets: number[] = [0];
  const items: number[] = [];
  let dropped = 0;
  let unseen = 0;
  for (let i = 0; i < chunk.rows; i++) {
    const key = keyAt(entity, i);
    const node = key === null ? undefined : index.get(key);
    const valid = anchor.valid === null || anchor.valid[i] === 1;
    if (node === undefined || !valid) {
      dropped++;
      continue;
    }
    let y: number | null;
    if (keys === null) {
      y = numberAt(label, i);
      if (y !== null && !Number.isFinite(y)) y = null;
    } else {
      const row = keys[i];
      const known: number[] = [];
      for (const k of row ?? []) {
        const id = lookup!.get(k);
        if (id === undefined) unseen++;
        else known.push(id);
      }
      // A multilabel example keeps an empty set (every known label negative); the others
      // need a known class or item.
      const empty = known.length === 0 && task !== 'multilabel';
      y = row === null || empty ? null : task === 'multiclass' ? known[0]! : known.length;
      if (y !== null && task !== 'multiclass') {
        items.push(...known);
        offsets.push(items.length);
      }
    }
    if (y === null) {
      dropped++;
      continue;
    }
    entities.push(node);
    times.push(anchor.values[i]!);
    labels.push(y);
  }
  const lists = task === 'multilabel' || task === 'ranking';
  return {
    entities: Int32Array.from(entities),
    times: BigInt64Array.from(times),
    labels: Float64Array.from(labels),
    ...(lists
      ? { lists: { offsets: Int32Array.from(offsets), items: Int32Array.from(items) } }
      : {}),
    dropped,
    unseen,
    ...(classes === undefined ? {} : { classes }),
  };
}
