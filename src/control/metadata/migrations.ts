// SPDX-License-Identifier: Apache-2.0
// Versioned schema migrations of the metadata database. Each runs once, in its own transaction,
// and is recorded in schema_migrations; append new ones, never edit an applied one.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE workspaces (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE data_sources (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        settings TEXT NOT NULL,
        secrets TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (workspace_id, name)
      );
      CREATE TABLE graph_definitions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source_id INTEGER NOT NULL REFERENCES data_sources(id),
        version INTEGER NOT NULL,
        definition TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (source_id, version)
      );
      CREATE TABLE queries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source_id INTEGER NOT NULL REFERENCES data_sources(id),
        text TEXT NOT NULL,
        plan TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        state TEXT NOT NULL
          CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        params TEXT NOT NULL,
        result TEXT,
        progress REAL NOT NULL DEFAULT 0,
        progress_message TEXT,
        error_code TEXT,
        error_message TEXT,
        error_details TEXT,
        owner TEXT,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        rerun_of INTEGER REFERENCES jobs(id),
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX jobs_by_state ON jobs (state, id);
      CREATE TABLE job_logs (
        job_id INTEGER NOT NULL REFERENCES jobs(id),
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
      );
      CREATE TABLE models (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        source_id INTEGER REFERENCES data_sources(id),
        query_id INTEGER REFERENCES queries(id),
        graph_id INTEGER REFERENCES graph_definitions(id),
        job_id INTEGER REFERENCES jobs(id),
        plan TEXT NOT NULL,
        metrics TEXT NOT NULL,
        checkpoint_path TEXT NOT NULL,
        checkpoint_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE prediction_sets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        model_id INTEGER NOT NULL REFERENCES models(id),
        job_id INTEGER REFERENCES jobs(id),
        anchor_time TEXT NOT NULL,
        row_count INTEGER NOT NULL,
        files TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT
      );
    `,
  },
];

/** The schema version this build writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
