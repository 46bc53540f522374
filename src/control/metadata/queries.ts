// SPDX-License-Identifier: Apache-2.0
// Predictive queries as submitted, with the plan the compiler made of them (when it has).
import type { Db } from './database.js';
import { idString, nowIso, parseJson } from './ids.js';

export interface QueryRecord {
  id: string;
  sourceId: string;
  text: string;
  plan: unknown;
  createdAt: string;
}

interface QueryRow {
  id: bigint;
  source_id: bigint;
  text: string;
  plan: string | null;
  created_at: string;
}

function toRecord(row: QueryRow): QueryRecord {
  return {
    id: idString(row.id),
    sourceId: idString(row.source_id),
    text: row.text,
    plan: parseJson(row.plan),
    createdAt: row.created_at,
  };
}

export class QueryRepo {
  constructor(private readonly db: Db) {}

  create(sourceId: bigint, text: string, plan: unknown = null): QueryRecord {
    const row = this.db
      .prepare<unknown[], QueryRow>(
        'INSERT INTO queries (source_id, text, plan, created_at) VALUES (?, ?, ?, ?) RETURNING *',
      )
      .get(sourceId, text, plan === null ? null : JSON.stringify(plan), nowIso());
    return toRecord(row as QueryRow);
  }

  find(id: bigint): QueryRecord | null {
    const row = this.db.prepare<unknown[], QueryRow>('SELECT * FROM queries WHERE id = ?').get(id);
    return row === undefined ? null : toRecord(row);
  }

  list(sourceId?: bigint): QueryRecord[] {
    const rows =
      sourceId === undefined
        ? this.db.prepare<unknown[], QueryRow>('SELECT * FROM queries ORDER BY id').all()
        : this.db
            .prepare<unknown[], QueryRow>('SELECT * FROM queries WHERE source_id = ? ORDER BY id')
            .all(sourceId);
    return rows.map(toRecord);
  }
}
