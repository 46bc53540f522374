// SPDX-License-Identifier: Apache-2.0
// Graph definitions, versioned per data source. Each version stores the JSON and the SHA-256 of
// its canonical form; putting a definition identical to the latest returns the latest.
import { createHash } from 'node:crypto';
import type { GraphDef } from '../../data/graph-def.js';
import { raise } from '../../errors/index.js';
import type { Db } from './database.js';
import { idString, nowIso } from './ids.js';

export interface GraphVersionSummary {
  id: string;
  sourceId: string;
  version: number;
  contentHash: string;
  createdAt: string;
}

export interface GraphVersion extends GraphVersionSummary {
  definition: GraphDef;
}

interface GraphRow {
  id: bigint;
  source_id: bigint;
  version: bigint;
  definition: string;
  content_hash: string;
  created_at: string;
}

/** JSON with object keys sorted, so equal definitions hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function summary(row: GraphRow): GraphVersionSummary {
  return {
    id: idString(row.id),
    sourceId: idString(row.source_id),
    version: Number(row.version),
    contentHash: row.content_hash,
    createdAt: row.created_at,
  };
}

function full(row: GraphRow): GraphVersion {
  return { ...summary(row), definition: JSON.parse(row.definition) as GraphDef };
}

export class GraphRepo {
  constructor(private readonly db: Db) {}

  /** Stores `definition` as the next version unless it equals the latest. */
  put(sourceId: bigint, definition: GraphDef): { graph: GraphVersion; created: boolean } {
    if (definition === null || typeof definition !== 'object' || definition.version !== 1) {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: 'definition.version',
        expected: '1',
        received: (definition as { version?: unknown } | null)?.version,
      });
    }
    if (!Array.isArray(definition.tables)) {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: 'definition.tables',
        expected: 'an array of tables',
        received: typeof definition.tables,
      });
    }
    const json = canonicalJson(definition);
    const hash = createHash('sha256').update(json).digest('hex');
    const insert = this.db.transaction(() => {
      const latest = this.latestRow(sourceId);
      if (latest !== undefined && latest.content_hash === hash) {
        return { graph: full(latest), created: false };
      }
      const version = latest === undefined ? 1n : latest.version + 1n;
      const row = this.db
        .prepare<unknown[], GraphRow>(
          `INSERT INTO graph_definitions (source_id, version, definition, content_hash, created_at)
           VALUES (?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(sourceId, version, json, hash, nowIso()) as GraphRow;
      return { graph: full(row), created: true };
    });
    return insert.immediate();
  }

  list(sourceId: bigint): GraphVersionSummary[] {
    return this.db
      .prepare<unknown[], GraphRow>(
        'SELECT * FROM graph_definitions WHERE source_id = ? ORDER BY version',
      )
      .all(sourceId)
      .map(summary);
  }

  /** The given version, or the latest; null when there is none. */
  find(sourceId: bigint, version: number | 'latest'): GraphVersion | null {
    const row =
      version === 'latest'
        ? this.latestRow(sourceId)
        : this.db
            .prepare<unknown[], GraphRow>(
              'SELECT * FROM graph_definitions WHERE source_id = ? AND version = ?',
            )
            .get(sourceId, BigInt(version));
    return row === undefined ? null : full(row);
  }

  /** A version by its own id; null when there is none. */
  findById(id: bigint): GraphVersion | null {
    const row = this.db
      .prepare<unknown[], GraphRow>('SELECT * FROM graph_definitions WHERE id = ?')
      .get(id);
    return row === undefined ? null : full(row);
  }

  private latestRow(sourceId: bigint): GraphRow | undefined {
    return this.db
      .prepare<unknown[], GraphRow>(
        'SELECT * FROM graph_definitions WHERE source_id = ? ORDER BY version DESC LIMIT 1',
      )
      .get(sourceId);
  }
}
