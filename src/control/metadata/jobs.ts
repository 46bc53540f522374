// SPDX-License-Identifier: Apache-2.0
// Jobs and their logs. State moves queued -> running -> succeeded | failed | cancelled; every
// transition is one conditional UPDATE, so two processes sharing the database never both win.
import type { Db } from './database.js';
import { idString, nowIso, parseJson } from './ids.js';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface JobError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export interface JobRecord {
  id: string;
  kind: string;
  state: JobState;
  params: unknown;
  result: unknown;
  progress: number;
  progressMessage: string | null;
  error: JobError | null;
  owner: string | null;
  cancelRequested: boolean;
  rerunOf: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobLogEntry {
  seq: number;
  at: string;
  level: LogLevel;
  message: string;
}

export interface JobFilter {
  state?: JobState;
  kind?: string;
  /** Only jobs with an id below this one (for paging newest first). */
  before?: bigint;
  limit?: number;
}

interface JobRow {
  id: bigint;
  kind: string;
  state: JobState;
  params: string;
  result: string | null;
  progress: number;
  progress_message: string | null;
  error_code: string | null;
  error_message: string | null;
  error_details: string | null;
  owner: string | null;
  cancel_requested: bigint;
  rerun_of: bigint | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: idString(row.id),
    kind: row.kind,
    state: row.state,
    params: JSON.parse(row.params),
    result: parseJson(row.result),
    progress: row.progress,
    progressMessage: row.progress_message,
    error:
      row.error_code === null
        ? null
        : {
            code: row.error_code,
            message: row.error_message ?? '',
            details: parseJson<Record<string, unknown>>(row.error_details) ?? {},
          },
    owner: row.owner,
    cancelRequested: row.cancel_requested !== 0n,
    rerunOf: row.rerun_of === null ? null : idString(row.rerun_of),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export class JobRepo {
  constructor(private readonly db: Db) {}

  create(kind: string, params: unknown, rerunOf: bigint | null = null): JobRecord {
    const row = this.db
      .prepare<unknown[], JobRow>(
        `INSERT INTO jobs (kind, state, params, rerun_of, created_at)
         VALUES (?, 'queued', ?, ?, ?) RETURNING *`,
      )
      .get(kind, JSON.stringify(params ?? null), rerunOf, nowIso());
    return toRecord(row as JobRow);
  }

  find(id: bigint): JobRecord | null {
    const row = this.db.prepare<unknown[], JobRow>('SELECT * FROM jobs WHERE id = ?').get(id);
    return row === undefined ? null : toRecord(row);
  }

  /** Newest first. */
  list(filter: JobFilter = {}): JobRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.state !== undefined) (where.push('state = ?'), params.push(filter.state));
    if (filter.kind !== undefined) (where.push('kind = ?'), params.push(filter.kind));
    if (filter.before !== undefined) (where.push('id < ?'), params.push(filter.before));
    const sql =
      'SELECT * FROM jobs' +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
      ' ORDER BY id DESC LIMIT ?';
    return this.db
      .prepare<unknown[], JobRow>(sql)
      .all(...params, filter.limit ?? 100)
      .map(toRecord);
  }

  /** Atomically moves the oldest queued job of one of `kinds` to running under `owner`. */
  claimNext(kinds: readonly string[], owner: string): JobRecord | null {
    if (kinds.length === 0) return null;
    const marks = kinds.map(() => '?').join(', ');
    const row = this.db
      .prepare<unknown[], JobRow>(
        `UPDATE jobs SET state = 'running', owner = ?, started_at = ?
         WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND kind IN (${marks})
                     ORDER BY id LIMIT 1)
           AND state = 'queued'
         RETURNING *`,
      )
      .get(owner, nowIso(), ...kinds);
    return row === undefined ? null : toRecord(row);
  }

  setProgress(id: bigint, fraction: number, message: string | null): void {
    this.db
      .prepare(
        `UPDATE jobs SET progress = ?, progress_message = ? WHERE id = ? AND state = 'running'`,
      )
      .run(fraction, message, id);
  }

  /** Ends a running job; false when it was not running (already ended elsewhere). */
  finish(
    id: bigint,
    state: 'succeeded' | 'failed' | 'cancelled',
    outcome: { result?: unknown; error?: JobError },
  ): boolean {
    const { result, error } = outcome;
    const info = this.db
      .prepare(
        `UPDATE jobs SET state = ?, result = ?, error_code = ?, error_message = ?,
           error_details = ?, finished_at = ?, progress = CASE WHEN ? THEN 1 ELSE progress END
         WHERE id = ? AND state = 'running'`,
      )
      .run(
        state,
        result === undefined ? null : JSON.stringify(result),
        error?.code ?? null,
        error?.message ?? null,
        error === undefined ? null : JSON.stringify(error.details),
        nowIso(),
        state === 'succeeded' ? 1 : 0,
        id,
      );
    return info.changes === 1;
  }

  /** Cancels a job that has not started; false when it is no longer queued. */
  cancelQueued(id: bigint): boolean {
    const info = this.db
      .prepare(
        `UPDATE jobs SET state = 'cancelled', cancel_requested = 1, finished_at = ?
         WHERE id = ? AND state = 'queued'`,
      )
      .run(nowIso(), id);
    return info.changes === 1;
  }

  /** Flags a running job for cancellation; its owner process stops it. */
  requestCancel(id: bigint): boolean {
    const info = this.db
      .prepare(`UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND state = 'running'`)
      .run(id);
    return info.changes === 1;
  }

  /** Running jobs, with their owners. */
  running(): JobRecord[] {
    return this.db
      .prepare<unknown[], JobRow>(`SELECT * FROM jobs WHERE state = 'running' ORDER BY id`)
      .all()
      .map(toRecord);
  }

  appendLog(id: bigint, level: LogLevel, message: string): JobLogEntry {
    const at = nowIso();
    const row = this.db
      .prepare<unknown[], { seq: bigint }>(
        `INSERT INTO job_logs (job_id, seq, at, level, message)
         VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM job_logs WHERE job_id = ?), ?, ?, ?)
         RETURNING seq`,
      )
      .get(id, id, at, level, message) as { seq: bigint };
    return { seq: Number(row.seq), at, level, message };
  }

  /** Log lines after `afterSeq`, oldest first. */
  logs(id: bigint, afterSeq = 0, limit = 1000): JobLogEntry[] {
    return this.db
      .prepare<unknown[], { seq: bigint; at: string; level: LogLevel; message: string }>(
        'SELECT seq, at, level, message FROM job_logs WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .all(id, afterSeq, limit)
      .map((r) => ({ seq: Number(r.seq), at: r.at, level: r.level, message: r.message }));
  }
}
