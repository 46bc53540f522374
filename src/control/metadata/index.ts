// SPDX-License-Identifier: Apache-2.0
// The metadata store: one SQLite database per workspace and a small repository per concern.
import type { WorkspaceMarker } from '../../workspace/layout.js';
import { openDatabaseSync, type Db } from './database.js';
import { GraphRepo } from './graphs.js';
import { nowIso } from './ids.js';
import { JobRepo } from './jobs.js';
import { ModelRepo, PredictionSetRepo } from './models.js';
import { QueryRepo } from './queries.js';
import { SourceRepo } from './sources.js';
import { TokenRepo } from './tokens.js';

export class MetadataStore {
  readonly workspaceId: bigint;
  readonly sources: SourceRepo;
  readonly graphs: GraphRepo;
  readonly queries: QueryRepo;
  readonly jobs: JobRepo;
  readonly models: ModelRepo;
  readonly predictionSets: PredictionSetRepo;
  readonly tokens: TokenRepo;

  private constructor(
    readonly db: Db,
    workspaceId: bigint,
  ) {
    this.workspaceId = workspaceId;
    this.sources = new SourceRepo(db, workspaceId);
    this.graphs = new GraphRepo(db);
    this.queries = new QueryRepo(db);
    this.jobs = new JobRepo(db);
    this.models = new ModelRepo(db);
    this.predictionSets = new PredictionSetRepo(db);
    this.tokens = new TokenRepo(db);
  }

  /** Opens and migrates the database at `path`, registering the workspace row if new. */
  static openSync(path: string, workspace: WorkspaceMarker): MetadataStore {
    const db = openDatabaseSync(path);
    const ensure = db.transaction(() => {
      db.prepare(
        'INSERT INTO workspaces (uid, name, created_at) VALUES (?, ?, ?) ON CONFLICT (uid) DO NOTHING',
      ).run(workspace.id, workspace.name, nowIso());
      const row = db.prepare('SELECT id FROM workspaces WHERE uid = ?').get(workspace.id) as {
        id: bigint;
      };
      return row.id;
    });
    return new MetadataStore(db, ensure.immediate());
  }

  /** Runs `fn` in one write transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export { openDatabaseSync, migrateSync, schemaVersionSync, SCHEMA_VERSION } from './database.js';
export type { Db } from './database.js';
export { MIGRATIONS, type Migration } from './migrations.js';
export * from './graphs.js';
export * from './ids.js';
export * from './jobs.js';
export * from './models.js';
export * from './queries.js';
export * from './sources.js';
export * from './tokens.js';
