// SPDX-License-Identifier: Apache-2.0
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { writeShop } from '../pipeline/shop.js';
import { tinyGraph, withApi } from './helpers.js';

/** Registers the tiny shop (5 users) as source `shop` through the API. */
async function registerShop(app: FastifyInstance, auth: Record<string, string>, dir: string) {
  const shop = writeShop(join(dir, 'shop'), 5);
  const res = await app.inject({
    method: 'POST',
    url: '/sources',
    headers: auth,
    payload: { name: 'shop', kind: 'duckdb', settings: { path: shop.dir } },
  });
  expect(res.statusCode).toBe(201);
  return shop;
}

describe('REST: data sources and graphs', () => {
  it('registers, lists and gets a source by id and by name', async () => {
    await withApi(async ({ app, auth, dir }) => {
      const created = await app.inject({
        method: 'POST',
        url: '/sources',
        headers: auth,
        payload: {
          name: 'f1',
          kind: 'duckdb',
          settings: { path: dir, delimiter: ';' },
          secrets: { motherduckToken: { env: 'MOTHERDUCK_TOKEN' } },
        },
      });
      expect(created.statusCode).toBe(201);
      const source = created.json();
      expect(source).toMatchObject({ name: 'f1', kind: 'duckdb', settings: { delimiter: ';' } });
      expect(source.id).toMatch(/^[0-9]+$/);
      const list = await app.inject({ method: 'GET', url: '/sources', headers: auth });
      expect(list.json().sources.map((s: { name: string }) => s.name)).toEqual(['f1']);
      for (const key of [source.id, 'f1']) {
        const got = await app.inject({ method: 'GET', url: `/sources/${key}`, headers: auth });
        expect(got.statusCode).toBe(200);
        expect(got.json().secrets).toEqual({ motherduckToken: { env: 'MOTHERDUCK_TOKEN' } });
      }
      const dup = await app.inject({
        method: 'POST',
        url: '/sources',
        headers: auth,
        payload: { name: 'f1', kind: 'duckdb', settings: { path: dir } },
      });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().code).toBe('CONTROL_SOURCE_EXISTS');
    });
  });

  it('rejects plain secrets and malformed sources with coded errors', async () => {
    await withApi(async ({ app, auth }) => {
      const cases: [unknown, number, string][] = [
        [
          { name: 's', kind: 'snowflake', settings: { password: 'hunter2' } },
          400,
          'CONTROL_PLAIN_SECRET',
        ],
        [
          { name: 's', kind: 'snowflake', settings: { privateKey: 'abc' } },
          400,
          'CONTROL_PLAIN_SECRET',
        ],
        [
          { name: 's', kind: 'duckdb', settings: { url: 'pg://u:pw@host/db' } },
          400,
          'CONTROL_PLAIN_SECRET',
        ],
        [
          { name: 's', kind: 'snowflake', secrets: { password: 'hunter2' } },
          400,
          'CONTROL_BAD_REQUEST',
        ],
        [
          { name: 's', kind: 'snowflake', secrets: { password: { env: 'bad name' } } },
          400,
          'CONTROL_SECRET_REF_INVALID',
        ],
        [{ name: 's', kind: 'postgres' }, 400, 'CONTROL_BAD_REQUEST'],
        [{ name: 's', kind: 'duckdb' }, 400, 'CONTROL_SOURCE_SETTING_INVALID'],
        [
          { name: 's', kind: 'duckdb', settings: { path: 3 } },
          400,
          'CONTROL_SOURCE_SETTING_INVALID',
        ],
        [
          { name: 's', kind: 'duckdb', settings: { path: '/no/such/dir' } },
          400,
          'CONTROL_SOURCE_SETTING_INVALID',
        ],
        [
          { name: 's', kind: 'snowflake', settings: { account: 'a', warehouse: 'w' } },
          400,
          'CONTROL_SOURCE_SETTING_INVALID',
        ],
        [{ name: '1bad', kind: 'duckdb' }, 400, 'CONTROL_INVALID_ARGUMENT'],
        [{ kind: 'duckdb' }, 400, 'CONTROL_BAD_REQUEST'],
        [{ name: 's', kind: 'duckdb', password: 'x' }, 400, 'CONTROL_BAD_REQUEST'],
      ];
      for (const [payload, status, code] of cases) {
        const res = await app.inject({
          method: 'POST',
          url: '/sources',
          headers: auth,
          payload: payload as object,
        });
        expect([res.statusCode, res.json().code], JSON.stringify(payload)).toEqual([status, code]);
        expect(res.body).not.toContain('hunter2');
      }
      const notJson = await app.inject({
        method: 'POST',
        url: '/sources',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: '{"name": ',
      });
      expect(notJson.statusCode).toBe(400);
      expect(notJson.json().code).toBe('CONTROL_BAD_REQUEST');
    });
  });

  it('versions graph definitions by content and serves each version', async () => {
    await withApi(async ({ app, auth, dir }) => {
      await app.inject({
        method: 'POST',
        url: '/sources',
        headers: auth,
        payload: { name: 'f1', kind: 'duckdb', settings: { path: dir } },
      });
      const put = (definition: unknown) =>
        app.inject({
          method: 'PUT',
          url: '/sources/f1/graph',
          headers: auth,
          payload: { definition },
        });
      const v1 = await put(tinyGraph());
      expect(v1.statusCode).toBe(201);
      expect(v1.json().version).toBe(1);
      const same = await put(tinyGraph());
      expect(same.statusCode).toBe(200);
      expect(same.json().version).toBe(1);
      const v2 = await put(tinyGraph(true));
      expect([v2.statusCode, v2.json().version]).toEqual([201, 2]);
      expect(v2.json().contentHash).not.toBe(v1.json().contentHash);
      const list = await app.inject({ method: 'GET', url: '/sources/f1/graphs', headers: auth });
      expect(list.json().versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      const latest = await app.inject({
        method: 'GET',
        url: '/sources/f1/graphs/latest',
        headers: auth,
      });
      expect(latest.json().definition).toEqual(tinyGraph(true));
      const first = await app.inject({ method: 'GET', url: '/sources/f1/graphs/1', headers: auth });
      expect(first.json().definition).toEqual(tinyGraph());
      const bad = await put({ version: 2, tables: [] });
      expect([bad.statusCode, bad.json().code]).toEqual([400, 'CONTROL_BAD_REQUEST']);
      const badColumn = await put({
        version: 1,
        tables: [{ ...tinyGraph().tables[0], columns: [{ name: 'x' }] }],
      });
      expect(badColumn.statusCode).toBe(400);
    });
  });

  it('answers 404 for unknown sources and graph versions', async () => {
    await withApi(async ({ app, auth, dir }) => {
      const unknown = await app.inject({ method: 'GET', url: '/sources/nope', headers: auth });
      expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'CONTROL_SOURCE_NOT_FOUND']);
      const byId = await app.inject({ method: 'GET', url: '/sources/12345', headers: auth });
      expect(byId.statusCode).toBe(404);
      await app.inject({
        method: 'POST',
        url: '/sources',
        headers: auth,
        payload: { name: 'f1', kind: 'duckdb', settings: { path: dir } },
      });
      const noGraph = await app.inject({
        method: 'GET',
        url: '/sources/f1/graphs/latest',
        headers: auth,
      });
      expect([noGraph.statusCode, noGraph.json().code]).toEqual([404, 'CONTROL_GRAPH_NOT_FOUND']);
      const putUnknown = await app.inject({
        method: 'PUT',
        url: '/sources/nope/graph',
        headers: auth,
        payload: { definition: tinyGraph() },
      });
      expect(putUnknown.statusCode).toBe(404);
    });
  });

  it('infers, validates and stores the graph of a source, with an optional override', async () => {
    await withApi(async ({ app, auth, dir }) => {
      await registerShop(app, auth, dir);
      const inspect = (payload?: object) =>
        app.inject({ method: 'POST', url: '/sources/shop/inspect', headers: auth, payload });
      const first = await inspect();
      expect(first.statusCode).toBe(201);
      const body = first.json();
      expect(body.created).toBe(true);
      expect(body.graph).toMatchObject({ version: 1, sourceId: expect.stringMatching(/^\d+$/) });
      const users = body.graph.definition.tables.find((t: { name: string }) => t.name === 'users');
      expect(users).toMatchObject({ primaryKey: 'user_id', rowCount: 5 });
      expect(body.report).toMatchObject({ errors: 0 });
      expect(body.report.edges).toEqual([
        expect.objectContaining({ table: 'orders', references: 'users', dangling: 0 }),
      ]);
      const again = await inspect({});
      expect([again.statusCode, again.json().created, again.json().graph.version]).toEqual([
        200,
        false,
        1,
      ]);
      const override = {
        tables: [{ name: 'users', columns: [{ name: 'age', stype: 'categorical' }] }],
      };
      const changed = await inspect({ override });
      expect([changed.statusCode, changed.json().graph.version]).toEqual([201, 2]);
      const age = changed
        .json()
        .graph.definition.tables.find((t: { name: string }) => t.name === 'users')
        .columns.find((c: { name: string }) => c.name === 'age');
      expect(age.stype).toBe('categorical');
      const stored = await app.inject({
        method: 'GET',
        url: '/sources/shop/graphs/latest',
        headers: auth,
      });
      expect(stored.json().definition).toEqual(changed.json().graph.definition);
    });
  });

  it(
    'answers 400 on bad inspect bodies, ' + '404 on unknown sources and 401 without a token',
    async () => {
      await withApi(async ({ app, auth, dir }) => {
        await registerShop(app, auth, dir);
        const bad: unknown[] = [
          { override: { tables: [{ columns: [] }] } },
          {
            override: { tables: [{ name: 'users', columns: [{ name: 'age', stype: 'colour' }] }] },
          },
          { override: { version: 2 } },
          { override: { data: { path: '/elsewhere' } } },
          { graph: {} },
        ];
        for (const payload of bad) {
          const res = await app.inject({
            method: 'POST',
            url: '/sources/shop/inspect',
            headers: auth,
            payload: payload as object,
          });
          expect([res.statusCode, res.json().code], JSON.stringify(payload)).toEqual([
            400,
            'CONTROL_BAD_REQUEST',
          ]);
        }
        const missingTable = await app.inject({
          method: 'POST',
          url: '/sources/shop/inspect',
          headers: auth,
          payload: { override: { onlyListed: true, tables: [{ name: 'nope' }] } },
        });
        expect([missingTable.statusCode, missingTable.json().code]).toEqual([
          404,
          'DATA_TABLE_NOT_FOUND',
        ]);
        for (const url of ['/sources/nope/inspect', '/sources/nope/materialise']) {
          const res = await app.inject({ method: 'POST', url, headers: auth });
          expect([res.statusCode, res.json().code], url).toEqual([404, 'CONTROL_SOURCE_NOT_FOUND']);
        }
        for (const url of ['/sources/shop/inspect', '/sources/shop/materialise']) {
          const res = await app.inject({ method: 'POST', url });
          expect([res.statusCode, res.json().code], url).toEqual([401, 'CONTROL_UNAUTHORIZED']);
        }
      });
    },
  );

  it('materialises the stored graph of a source as a job', async () => {
    await withApi(async ({ app, prequel, auth, dir }) => {
      await registerShop(app, auth, dir);
      const noGraph = await app.inject({
        method: 'POST',
        url: '/sources/shop/materialise',
        headers: auth,
      });
      expect([noGraph.statusCode, noGraph.json().code]).toEqual([404, 'CONTROL_GRAPH_NOT_FOUND']);
      await app.inject({ method: 'POST', url: '/sources/shop/inspect', headers: auth });
      const res = await app.inject({
        method: 'POST',
        url: '/sources/shop/materialise',
        headers: auth,
        payload: { graphVersion: 1 },
      });
      expect(res.statusCode).toBe(202);
      const job = await prequel.waitForJob(res.json().id, { timeoutMs: 30_000 });
      expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
      expect(job.result).toMatchObject({ tables: { users: 5 } });
    });
  });

  it('takes the file option a CSV warning suggests, under the name the warning gives', async () => {
    await withApi(async ({ app, auth, dir }) => {
      const data = join(dir, 'laps');
      mkdirSync(data);
      writeFileSync(join(data, 'laps.csv'), 'lap_id,ms\n1,\\N\n2,81000\n3,NA\n');
      const register = (name: string, settings: Record<string, unknown>) =>
        app.inject({
          method: 'POST',
          url: '/sources',
          headers: auth,
          payload: { name, kind: 'duckdb', settings: { path: data, ...settings } },
        });
      const warnings = async (name: string) => {
        const res = await app.inject({
          method: 'POST',
          url: `/sources/${name}/inspect`,
          headers: auth,
        });
        expect(res.statusCode, res.body).toBeLessThan(300);
        const issues = res.json().report.issues as Array<{ code: string; message: string }>;
        return issues.filter((i) => i.code.startsWith('CSV_NULL'));
      };
      expect((await register('plain', {})).statusCode).toBe(201);
      const [suggestion] = await warnings('plain');
      // The warning names the key and value to give; the API takes exactly that.
      const named = /"(\w+)": (\[[^\]]*\]) in a data source's settings/.exec(suggestion!.message);
      expect(named?.[1]).toBe('nullStrings');
      const value = JSON.parse(named![2]!) as string[];
      const registered = await register('suggested', { [named![1]!]: [...value, 'NA'] });
      expect(registered.statusCode, registered.body).toBe(201);
      expect(registered.json().settings.nullStrings).toEqual(['\\N', 'NA']);
      expect(await warnings('suggested')).toEqual([]);

      const bad: [Record<string, unknown>, number, string][] = [
        [{ nullStrings: [{ marker: 'NA' }] }, 400, 'CONTROL_BAD_REQUEST'],
        [{ nullStrings: '\\N' }, 400, 'CONTROL_SOURCE_SETTING_INVALID'],
        [{ delimiter: 'ab' }, 400, 'CONTROL_SOURCE_SETTING_INVALID'],
        [{ delimiter: '' }, 400, 'CONTROL_SOURCE_SETTING_INVALID'],
      ];
      for (const [settings, status, code] of bad) {
        const res = await register('bad', settings);
        expect([res.statusCode, res.json().code], JSON.stringify(settings)).toEqual([status, code]);
      }
      const ab = await register('bad', { delimiter: 'ab' });
      expect(ab.json().message).toContain('setting delimiter must be one character');
    });
  });
});
