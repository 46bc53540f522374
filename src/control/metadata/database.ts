// SPDX-License-Identifier: Apache-2.0
// Opens the metadata database: WAL mode, foreign keys on, 64-bit integers as bigint, migrated.
import Database from 'better-sqlite3';
import { raise } from '../../errors/index.js';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';

export type Db = Database.Database;

/** Opens (creating if needed) the SQLite file at `path` and applies pending migrations. */
export function openDatabaseSync(path: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  const db = new Database(path, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.defaultSafeIntegers(true);
    migrateSync(db, migrations);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Applies the migrations not yet recorded; returns the versions it applied. */
export function migrateSync(db: Db, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  const found = Number(
    (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: bigint | null })
      .v ?? 0,
  );
  if (found > latest) raise('CONTROL_METADATA_TOO_NEW', { found, supported: latest });

  const applied: number[] = [];
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  for (const migration of migrations) {
    // Checked again inside the write transaction: another process may have just applied it.
    const apply = db.transaction(() => {
      if (isApplied.get(migration.version) !== undefined) return false;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
      return true;
    });
    if (apply.immediate()) applied.push(migration.version);
  }
  return applied;
}

/** The highest applied migration. */
export function schemaVersionSync(db: Db): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as {
    v: bigint | null;
  };
  return Number(row.v ?? 0);
}

export { SCHEMA_VERSION };
