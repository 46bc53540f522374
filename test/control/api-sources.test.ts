// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { tinyGraph, withApi } from './helpers.js';

describe('REST: data sources and graphs', () => {
  it('registers, lists and gets a source by id and by name', async () => {
    await withApi(async ({ app, auth }) => {
      const created = await app.inject({
        method: 'POST',
        url: '/sources',
        headers: auth,
        payload: {
          name: 'f1',
          kind: 'duckdb',
          settings: { path: '/data/f1.duckdb', threads: 2 },
          secrets: { motherduckToken: { env: 'MOTHERDUCK_TOKEN' } },
        },
      });
      expect(created.statusCode).toBe(201);
      const source = created.json();
      expect(source).toMatchObject({ name: 'f1', kind: 'duckdb', settings: { threads: 2 } });
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
        payload: { name: 'f1', kind: 'duckdb' },
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
    await withApi(async ({ app, auth }) => {
      await app.inject({
        method: 'POST',
        url: '/sources',
        headers: auth,
        payload: { name: 'f1', kind: 'duckdb' },
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
    await withApi(async ({ app, auth }) => {
      const unknown = await app.inject({ method: 'GET', url: '/sources/nope', headers: auth });
      expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'CONTROL_SOURCE_NOT_FOUND']);
      const byId = await app.inject({ method: 'GET', url: '/sources/12345', headers: auth });
      expect(byId.statusCode).toBe(404);
      await app.inject({
        method: 'POST',
        url: '/sources',
        headers: auth,
        payload: { name: 'f1', kind: 'duckdb' },
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

  it('answers 501 for materialise until the data engine is connected', async () => {
    await withApi(async ({ app, auth }) => {
      await app.inject({
        method: 'POST',
        url: '/sources',
        headers: auth,
        payload: { name: 'f1', kind: 'duckdb' },
      });
      await app.inject({
        method: 'PUT',
        url: '/sources/f1/graph',
        headers: auth,
        payload: { definition: tinyGraph() },
      });
      const res = await app.inject({
        method: 'POST',
        url: '/sources/f1/materialise',
        headers: auth,
        payload: {},
      });
      expect([res.statusCode, res.json().code]).toEqual([501, 'CONTROL_NOT_AVAILABLE']);
      expect(res.json().details.component).toBe('data engine');
    });
  });
});
