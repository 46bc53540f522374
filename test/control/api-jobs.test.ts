// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { withApi } from './helpers.js';

const BIG_ID = '9007199254740993'; // 2^53 + 1: not representable as a JS number

function parseSse(body: string): { event: string; data: Record<string, unknown> }[] {
  return body
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)![1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]) as Record<string, unknown>;
      return { event, data };
    });
}

describe('REST: jobs', () => {
  it('lists, gets, streams and reads the logs of a job', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      const job = await prequel.submitJob('count', { n: 3, delayMs: 20 });
      const stream = await app.inject({
        method: 'GET',
        url: `/jobs/${job.id}/events`,
        headers: auth,
      });
      expect(stream.statusCode).toBe(200);
      expect(stream.headers['content-type']).toContain('text/event-stream');
      const events = parseSse(stream.body);
      const states = events.filter((e) => e.event === 'state').map((e) => e.data.state);
      expect(states.at(-1)).toBe('succeeded');
      expect(events.filter((e) => e.event === 'log').map((e) => e.data.message)).toEqual([
        'count 1',
        'count 2',
        'count 3',
      ]);
      const got = await app.inject({ method: 'GET', url: `/jobs/${job.id}`, headers: auth });
      expect(got.json()).toMatchObject({
        id: job.id,
        kind: 'count',
        state: 'succeeded',
        progress: 1,
      });
      expect(got.json().result).toEqual({ count: 3 });
      const list = await app.inject({
        method: 'GET',
        url: '/jobs?state=succeeded&limit=5',
        headers: auth,
      });
      expect(list.json().jobs.map((j: { id: string }) => j.id)).toEqual([job.id]);
      const logs = await app.inject({
        method: 'GET',
        url: `/jobs/${job.id}/logs?after=1`,
        headers: auth,
      });
      expect(logs.json().logs.map((l: { seq: number }) => l.seq)).toEqual([2, 3]);
    });
  });

  it('cancels a running job and reruns it', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      const job = await prequel.submitJob('count', { n: 1000, delayMs: 10 });
      const cancel = await app.inject({
        method: 'POST',
        url: `/jobs/${job.id}/cancel`,
        headers: auth,
      });
      expect(cancel.statusCode).toBe(200);
      expect((await prequel.waitForJob(job.id, { timeoutMs: 10_000 })).state).toBe('cancelled');
      const again = await app.inject({
        method: 'POST',
        url: `/jobs/${job.id}/cancel`,
        headers: auth,
      });
      expect([again.statusCode, again.json().code]).toEqual([409, 'CONTROL_JOB_NOT_CANCELLABLE']);
      const rerun = await app.inject({
        method: 'POST',
        url: `/jobs/${job.id}/rerun`,
        headers: auth,
      });
      expect(rerun.statusCode).toBe(202);
      expect(rerun.json().rerunOf).toBe(job.id);
      await app.inject({ method: 'POST', url: `/jobs/${rerun.json().id}/cancel`, headers: auth });
    });
  });

  it('answers 404 for unknown job ids and 400 for malformed ones', async () => {
    await withApi(async ({ app, auth }) => {
      for (const url of [
        '/jobs/77',
        '/jobs/77/logs',
        '/jobs/77/events',
        '/jobs/9223372036854775807',
      ]) {
        const res = await app.inject({ method: 'GET', url, headers: auth });
        expect([res.statusCode, res.json().code], url).toEqual([404, 'CONTROL_JOB_NOT_FOUND']);
      }
      for (const url of ['/jobs/77/cancel', '/jobs/77/rerun']) {
        const res = await app.inject({ method: 'POST', url, headers: auth });
        expect(res.statusCode, url).toBe(404);
      }
      for (const url of [
        '/jobs/abc',
        '/jobs/-1',
        '/jobs/99999999999999999999',
        '/jobs?state=bogus',
        '/jobs?limit=0',
        '/jobs?extra=1',
      ]) {
        const res = await app.inject({ method: 'GET', url, headers: auth });
        expect([res.statusCode, res.json().code], url).toEqual([400, 'CONTROL_BAD_REQUEST']);
      }
    });
  });

  it('serialises a job id above 2^53 exactly', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      prequel.metadata.db
        .prepare(
          `INSERT INTO jobs (id, kind, state, params, created_at, rerun_of)
           VALUES (?, 'count', 'failed', '{}', '2026-01-01T00:00:00.000Z', NULL)`,
        )
        .run(BigInt(BIG_ID));
      const res = await app.inject({ method: 'GET', url: `/jobs/${BIG_ID}`, headers: auth });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(`"id":"${BIG_ID}"`);
      const rerun = await app.inject({
        method: 'POST',
        url: `/jobs/${BIG_ID}/rerun`,
        headers: auth,
      });
      expect(rerun.json().rerunOf).toBe(BIG_ID);
      expect(rerun.json().id).toBe('9007199254740994');
      await app.inject({ method: 'POST', url: `/jobs/${rerun.json().id}/cancel`, headers: auth });
    });
  });
});
