// SPDX-License-Identifier: Apache-2.0
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createServerLogger } from '../../src/control/api/logger.js';
import { withApi } from './helpers.js';

/** A JSON source body of exactly `bytes` bytes. */
/** A source body of exactly `bytes` bytes: `dir` padded with slashes (still the same path). */
function sourceBody(name: string, dir: string, bytes: number): string {
  const empty = JSON.stringify({ name, kind: 'duckdb', settings: { path: dir } });
  return JSON.stringify({
    name,
    kind: 'duckdb',
    settings: { path: dir + '/'.repeat(bytes - empty.length) },
  });
}

describe('REST: authentication, limits, docs and logs', () => {
  it('serves health and the OpenAPI docs without a token', async () => {
    await withApi(async ({ app }) => {
      const health = await app.inject({ method: 'GET', url: '/health' });
      expect([health.statusCode, health.json().status]).toEqual([200, 'ok']);
      const spec = await app.inject({ method: 'GET', url: '/docs/json' });
      expect(spec.statusCode).toBe(200);
      const doc = spec.json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/sources',
          '/jobs/{jobId}/events',
          '/models/{modelId}/predict',
          '/predictions/{setId}/download',
          '/sources/{source}/inspect',
          '/queries/explain',
          '/train',
          '/models/{modelId}/evaluate',
          '/models/{modelId}/report',
        ]),
      );
      const page = await app.inject({ method: 'GET', url: '/docs' });
      expect([200, 302]).toContain(page.statusCode);
    });
  });

  it('declares request and response schemas on every route and requires a token on all but health', async () => {
    await withApi(async ({ app }) => {
      const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
      let checked = 0;
      for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
        for (const [method, op] of Object.entries(ops)) {
          expect(op.responses, `${method} ${path}`).toBeDefined();
          expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
          if (path === '/health') continue;
          expect(op.responses['4XX'] ?? op.responses['4xx'], `${method} ${path}`).toBeDefined();
          const url = path.replace(/\{[^}]+\}/g, '1');
          const res = await app.inject({
            method: method.toUpperCase() as 'GET',
            url,
            payload: method === 'get' ? undefined : {},
          });
          expect([res.statusCode, res.json().code], `${method} ${path}`).toEqual([
            401,
            'CONTROL_UNAUTHORIZED',
          ]);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(18);
    });
  });

  it('rejects missing, malformed, unknown and revoked tokens', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      const { token } = await prequel.createToken('short-lived');
      const headers = [
        {},
        { authorization: 'Bearer' },
        { authorization: 'Basic dXNlcjpwdw==' },
        { authorization: 'Bearer pq_not-a-real-token' },
        { authorization: `Bearer ${token}x` },
        { authorization: token },
      ];
      for (const h of headers) {
        const res = await app.inject({ method: 'GET', url: '/jobs', headers: h });
        expect(res.statusCode, JSON.stringify(h)).toBe(401);
      }
      expect(
        (
          await app.inject({
            method: 'GET',
            url: '/jobs',
            headers: { authorization: `Bearer ${token}` },
          })
        ).statusCode,
      ).toBe(200);
      await prequel.revokeToken('short-lived');
      expect(
        (
          await app.inject({
            method: 'GET',
            url: '/jobs',
            headers: { authorization: `Bearer ${token}` },
          })
        ).statusCode,
      ).toBe(401);
      expect((await app.inject({ method: 'GET', url: '/jobs', headers: auth })).statusCode).toBe(
        200,
      );
      const tokens = await prequel.listTokens();
      expect(tokens.map((t) => t.name)).toEqual(['test']);
      expect(tokens[0].lastUsedAt).not.toBeNull();
      const unknown = await app.inject({ method: 'GET', url: '/nope', headers: auth });
      expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'CONTROL_ROUTE_NOT_FOUND']);
    });
  });

  it('accepts a body at the limit and answers 413 one byte over, naming limit and setting', async () => {
    await withApi(
      async ({ app, auth, dir }) => {
        const headers = { ...auth, 'content-type': 'application/json' };
        const atLimit = await app.inject({
          method: 'POST',
          url: '/sources',
          headers,
          payload: sourceBody('a', dir, 300),
        });
        expect(atLimit.statusCode).toBe(201);
        const over = await app.inject({
          method: 'POST',
          url: '/sources',
          headers,
          payload: sourceBody('b', dir, 301),
        });
        expect(over.statusCode).toBe(413);
        expect(over.json().code).toBe('CONTROL_BODY_TOO_LARGE');
        expect(over.json().details).toEqual({
          limit: 300,
          setting: 'bodyLimit (prequel serve --body-limit <bytes>)',
        });
        expect(over.json().message).toContain('300 bytes');
      },
      { bodyLimit: 300 },
    );
  });

  it('rate limits with a coded 429', async () => {
    await withApi(
      async ({ app, auth }) => {
        const codes: number[] = [];
        for (let i = 0; i < 5; i++)
          codes.push((await app.inject({ method: 'GET', url: '/jobs', headers: auth })).statusCode);
        expect(codes).toEqual([200, 200, 200, 429, 429]);
        const limited = await app.inject({ method: 'GET', url: '/jobs', headers: auth });
        expect(limited.json().code).toBe('CONTROL_RATE_LIMITED');
      },
      { rateLimit: { max: 3, timeWindowMs: 60_000 } },
    );
  });

  it('logs requests with ids and without the bearer token', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    await withApi(
      async ({ app, auth }) => {
        const res = await app.inject({
          method: 'GET',
          url: '/jobs',
          headers: { ...auth, 'x-request-id': 'req-123' },
        });
        expect(res.headers['x-request-id']).toBe('req-123');
        const other = await app.inject({ method: 'GET', url: '/jobs', headers: auth });
        expect(other.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
        const token = auth.authorization.slice('Bearer '.length);
        expect(lines.length).toBeGreaterThan(0);
        expect(lines.some((l) => JSON.parse(l).reqId === 'req-123')).toBe(true);
        expect(lines.join('\n')).not.toContain(token);
      },
      { logger: createServerLogger({ destination: sink }) },
    );
  });
});
