// SPDX-License-Identifier: Apache-2.0
// Label tables from a query plan's SQL (entity_id, anchor_time, label) as training examples:
// entity keys become node ids of the entity table through the stage's key column (row r of a
// stage node file is node r), anchor times stay microseconds since the epoch UTC.
import type { CompiledSql } from '../control/pql/sql.js';
import type { Connector, ResultColumn } from '../data/connector.js';
import { readNodes, type Stage } from '../data/stage.js';
import { raise } from '../errors/index.js';
import type { LabelSet } from './trainer.js';

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

function keyAt(c: ResultColumn, i: number): string | null {
  if (c.valid !== null && !c.valid[i]) return null;
  switch (c.kind) {
    case 'int':
    case 'bigint':
    case 'float':
      return String(c.values[i]);
    case 'string':
      return c.dictionary[c.codes[i]!]!;
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

/**
 * Runs one split's label SQL and returns its examples. Rows whose entity is not a node of the
 * graph (or whose label is NULL) are left out and counted in `dropped`.
 */
export async function queryLabels(
  connector: Connector,
  sql: CompiledSql,
  index: ReadonlyMap<string, number>,
  split: string,
): Promise<LabelSet & { dropped: number }> {
  const chunk = await connector.queryAll(sql.sql, sql.params);
  const entity = column(chunk.columns, 'entity_id', split);
  const anchor = column(chunk.columns, 'anchor_time', split);
  const label = column(chunk.columns, 'label', split);
  if (anchor.kind !== 'timestamp') {
    raise('TRAIN_BAD_LABELS', { split, problem: `anchor_time is ${anchor.kind}, not a timestamp` });
  }
  const entities: number[] = [];
  const times: bigint[] = [];
  const labels: number[] = [];
  let dropped = 0;
  for (let i = 0; i < chunk.rows; i++) {
    const key = keyAt(entity, i);
    const node = key === null ? undefined : index.get(key);
    const y = numberAt(label, i);
    const valid = anchor.valid === null || anchor.valid[i] === 1;
    if (node === undefined || y === null || !Number.isFinite(y) || !valid) {
      dropped++;
      continue;
    }
    entities.push(node);
    times.push(anchor.values[i]!);
    labels.push(y);
  }
  return {
    entities: Int32Array.from(entities),
    times: BigInt64Array.from(times),
    labels: Float64Array.from(labels),
    dropped,
  };
}
