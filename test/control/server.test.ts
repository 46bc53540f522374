// SPDX-License-Identifier: Apache-2.0
// A real server on 127.0.0.1 driven by a real HTTP client, and a short load test.
import autocannon from 'autocannon';
import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { withApi } from './helpers.js';

describe('REST server on loopback', () => {
  it('serves health, rejects no token, streams a job and cancels another over HTTP', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/jobs`)).status).toBe(401);

      const job = await prequel.submitJob('count', { n: 5, delayMs: 20 });
      const stream = await fetch(`${url}/jobs/${job.id}/events`, { headers: auth });
      expect(stream.status).toBe(200);
      const body = await stream.text();
      expect(body).toContain('event: progress');
      expect(body).toMatch(/"state":"succeeded"/);
      const done = await (await fetch(`${url}/jobs/${job.id}`, { headers: auth })).json();
      expect(done).toMatchObject({ state: 'succeeded', result: { count: 5 } });

      const slow = await prequel.submitJob('count', { n: 1000, delayMs: 20 });
      // The API answers while the job runs in its worker thread.
      const t0 = Date.now();
      expect((await fetch(`${url}/jobs/${slow.id}`, { headers: auth })).status).toBe(200);
      expect(Date.now() - t0).toBeLessThan(2000);
      const cancel = await fetch(`${url}/jobs/${slow.id}/cancel`, {
        method: 'POST',
        headers: auth,
      });
      expect(cancel.status).toBe(200);
      expect((await prequel.waitForJob(slow.id, { timeoutMs: 10_000 })).state).toBe('cancelled');
    });
  });

  it('serves an authenticated route under load with zero errors', async () => {
    await withApi(
      async ({ app, prequel, auth }) => {
        const url = await app.listen({ host: '127.0.0.1', port: 0 });
        const job = await prequel.submitJob('count', { n: 1 });
        await prequel.waitForJob(job.id, { timeoutMs: 20_000 });
        const result = await autocannon({
          url: `${url}/jobs/${job.id}`,
          headers: auth,
          connections: 8,
          duration: 2,
        });
        process.stdout.write(
          `load: GET /jobs/:id ${result.requests.average} req/s, p50 ${result.latency.p50} ms, ` +
            `p99 ${result.latency.p99} ms (${cpus().length} cpus, ${new Date().toISOString()})\n`,
        );
        expect(result.errors).toBe(0);
        expect(result.timeouts).toBe(0);
        expect(result.non2xx).toBe(0);
        expect(result.requests.total).toBeGreaterThan(50);
      },
      { rateLimit: { max: 1_000_000, timeWindowMs: 60_000 } },
    );
  });
});
