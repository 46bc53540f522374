// SPDX-License-Identifier: Apache-2.0
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MIGRATIONS,
  migrateSync,
  openDatabaseSync,
  resolveSecretsSync,
  schemaVersionSync,
  validateSourceInput,
  type SourceInput,
} from '../../src/control/metadata/index.js';
import { Prequel } from '../../src/prequel.js';
import { tempDir, tinyGraph, withPrequel } from './helpers.js';

describe('metadata database', () => {
  it('migrates an empty database once, in WAL mode, and re-running changes nothing', () => {
    const dir = tempDir();
    try {
      const path = join(dir, 'm.sqlite');
      const db = openDatabaseSync(path);
      expect(schemaVersionSync(db)).toBe(MIGRATIONS.at(-1)!.version);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = (
        db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
          name: string;
        }[]
      ).map((t) => t.name);
      expect(tables).toEqual(
        expect.arrayContaining([
          'workspaces',
          'data_sources',
          'graph_definitions',
          'queries',
          'jobs',
          'job_logs',
          'models',
          'prediction_sets',
          'api_tokens',
          'schema_migrations',
        ]),
      );
      expect(migrateSync(db)).toEqual([]);
      db.close();
      const again = openDatabaseSync(path);
      expect(again.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({
        n: BigInt(MIGRATIONS.length),
      });
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies a new migration once and rolls back a failing one', () => {
    const dir = tempDir();
    try {
      const db = openDatabaseSync(join(dir, 'm.sqlite'));
      const extra = [
        ...MIGRATIONS,
        { version: 100, name: 'notes', sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY)' },
      ];
      expect(migrateSync(db, extra)).toEqual([100]);
      expect(migrateSync(db, extra)).toEqual([]);
      const broken = [
        ...extra,
        {
          version: 101,
          name: 'broken',
          sql: 'CREATE TABLE half (id INTEGER); CREATE TABLE oops (',
        },
      ];
      expect(() => migrateSync(db, broken)).toThrow();
      expect(
        db.prepare(`SELECT name FROM sqlite_master WHERE name = 'half'`).get(),
      ).toBeUndefined();
      expect(schemaVersionSync(db)).toBe(100);
      expect(() => migrateSync(db, MIGRATIONS)).toThrow(
        expect.objectContaining({ code: 'CONTROL_METADATA_TOO_NEW' }),
      );
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens only real workspaces and creates each once', async () => {
    const dir = tempDir();
    try {
      await expect(Prequel.open({ workspace: join(dir, 'none') })).rejects.toMatchObject({
        code: 'CONTROL_WORKSPACE_NOT_FOUND',
      });
      const info = await Prequel.init(join(dir, 'ws'), { name: 'f1' });
      expect(info.name).toBe('f1');
      await expect(Prequel.init(join(dir, 'ws'))).rejects.toMatchObject({
        code: 'CONTROL_WORKSPACE_EXISTS',
      });
      await expect(
        Prequel.open({ workspace: join(dir, 'ws'), jobKinds: [{ kind: 'x', module: 'rel.js' }] }),
      ).rejects.toMatchObject({ code: 'CONTROL_JOB_KIND_INVALID' });
      const opened = await Prequel.open({ workspace: join(dir, 'ws') });
      await opened.close();
      await opened.close();
      await expect(opened.listJobs()).rejects.toMatchObject({ code: 'CONTROL_CLOSED' });
      expect(() => opened.workspaceInfo()).toThrow(
        expect.objectContaining({ code: 'CONTROL_CLOSED' }),
      );
      writeFileSync(join(dir, 'ws', 'prequel-workspace.json'), '{"format": 9}');
      await expect(Prequel.open({ workspace: join(dir, 'ws') })).rejects.toMatchObject({
        code: 'CONTROL_WORKSPACE_INVALID',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses plain secrets and resolves secret references at use time', async () => {
    const bad: [SourceInput, string][] = [
      [{ name: 'a', kind: 'snowflake', settings: { password: 'x' } }, 'CONTROL_PLAIN_SECRET'],
      [{ name: 'a', kind: 'snowflake', settings: { api_key: 'x' } }, 'CONTROL_PLAIN_SECRET'],
      [
        { name: 'a', kind: 'snowflake', settings: { privateKeyPassphrase: 'x' } },
        'CONTROL_PLAIN_SECRET',
      ],
      [
        { name: 'a', kind: 'duckdb', settings: { dsn: 'https://me:pw@example.com/x' } },
        'CONTROL_PLAIN_SECRET',
      ],
      [
        {
          name: 'a',
          kind: 'snowflake',
          secrets: { password: { env: 'A', keyFile: '/k' } as never },
        },
        'CONTROL_SECRET_REF_INVALID',
      ],
      [
        { name: 'a', kind: 'snowflake', secrets: { password: 'x' as never } },
        'CONTROL_SECRET_REF_INVALID',
      ],
      [
        { name: 'a', kind: 'snowflake', settings: { nested: {} as never } },
        'CONTROL_INVALID_ARGUMENT',
      ],
      [{ name: '', kind: 'duckdb' }, 'CONTROL_INVALID_ARGUMENT'],
    ];
    for (const [input, code] of bad) {
      expect(() => validateSourceInput(input), JSON.stringify(input)).toThrow(
        expect.objectContaining({ code }),
      );
    }
    await withPrequel(async (prequel, dir) => {
      writeFileSync(join(dir, 'key.pem'), 'PRIVATE');
      const source = await prequel.registerSource({
        name: 'wh',
        kind: 'snowflake',
        settings: { account: 'acme', user: 'svc', database: 'db', schema: 'public' },
        secrets: { password: { env: 'PQ_TEST_PW' }, privateKey: { keyFile: join(dir, 'key.pem') } },
      });
      expect(resolveSecretsSync(source, { PQ_TEST_PW: 'pw' })).toEqual({
        password: 'pw',
        privateKey: 'PRIVATE',
      });
      expect(() => resolveSecretsSync(source, {})).toThrow(
        expect.objectContaining({ code: 'CONTROL_SECRET_UNRESOLVED' }),
      );
      const stored = prequel.metadata.db
        .prepare('SELECT settings, secrets FROM data_sources')
        .get();
      expect(JSON.stringify(stored)).not.toContain('PRIVATE');
    });
  });

  it('stores tokens hashed and versions graphs by content hash', async () => {
    await withPrequel(async (prequel, dir) => {
      const { token, record } = await prequel.createToken('ci');
      const row = prequel.metadata.db.prepare('SELECT * FROM api_tokens').get() as Record<
        string,
        unknown
      >;
      expect(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
        token.slice(10),
      );
      expect(prequel.verifyTokenSync(token)?.id).toBe(record.id);
      expect(prequel.verifyTokenSync(token + 'x')).toBeNull();
      for (const name of ['', 'a b', 'x'.repeat(65)]) {
        await expect(prequel.createToken(name)).rejects.toMatchObject({
          code: 'CONTROL_INVALID_ARGUMENT',
        });
      }
      await prequel.registerSource({ name: 'f1', kind: 'duckdb', settings: { path: dir } });
      const reordered = JSON.parse(JSON.stringify(tinyGraph()), (_k, v) =>
        v !== null && typeof v === 'object' && !Array.isArray(v)
          ? Object.fromEntries(Object.entries(v).reverse())
          : v,
      );
      const a = await prequel.putGraph('f1', tinyGraph());
      const b = await prequel.putGraph('f1', reordered);
      expect([a.created, b.created, b.graph.version]).toEqual([true, false, 1]);
    });
  });
});
