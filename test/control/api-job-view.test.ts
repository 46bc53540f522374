// SPDX-License-Identifier: Apache-2.0
// REST job answers as a client reads them: the final `state` event of a job's stream carries its
// result (a train job's modelId, a predict job's prediction set and file paths), and jobs are
// answered with their params summarised (source, graph and model as ids and names), the whole
// params only with `?detail=full`.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/control/api/app.js';
import { trainedShop, type TrainedShop } from '../pipeline/shop.js';
import { withApi } from './helpers.js';

type SseEvent = { event: string; data: Record<string, unknown> };

function parseSse(body: string): SseEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)![1]!,
      data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as Record<string, unknown>,
    }));
}

async function finalState(app: FastifyInstance, auth: Record<string, string>, jobId: string) {
  const stream = await app.inject({ method: 'GET', url: `/jobs/${jobId}/events`, headers: auth });
  expect(stream.statusCode).toBe(200);
  const states = parseSse(stream.body).filter((e) => e.event === 'state');
  return states.at(-1)!.data;
}

describe('the final state event carries the result', () => {
  it('of a job that ends while the stream is open, and only on success', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      const ok = await prequel.submitJob('count', { n: 3, delayMs: 20 });
      expect(await finalState(app, auth, ok.id)).toMatchObject({
        state: 'succeeded',
        result: { count: 3 },
      });
      const failing = await prequel.submitJob('count', { n: 1, fail: true });
      const failed = await finalState(app, auth, failing.id);
      expect(failed.state).toBe('failed');
      expect(failed).not.toHaveProperty('result');
    });
  });
});

describe('train and predict jobs over REST', () => {
  let shop: TrainedShop;
  let app: FastifyInstance;
  let auth: { authorization: string };
  let trainJob: string;

  beforeAll(async () => {
    shop = await trainedShop();
    app = await buildApi(shop.prequel);
    auth = { authorization: `Bearer ${(await shop.prequel.createToken('view')).token}` };
    trainJob = (await shop.prequel.listJobs({ kind: 'train' }))[0]!.id;
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await shop?.close();
  });

  it("streams a finished train job's modelId, and a predict job's prediction set", async () => {
    const trained = await finalState(app, auth, trainJob);
    expect(trained).toMatchObject({ state: 'succeeded', result: { modelId: shop.modelId } });

    const started = await app.inject({
      method: 'POST',
      url: `/models/${shop.modelId}/predictions`,
      headers: auth,
      payload: { formats: ['csv'] },
    });
    expect(started.statusCode).toBe(202);
    const predicted = await finalState(app, auth, started.json().id);
    expect(predicted.state).toBe('succeeded');
    const result = predicted.result as { predictionSetId: string; files: { path: string }[] };
    expect(result.predictionSetId).toMatch(/^\d+$/);
    expect(result.files).toEqual([expect.objectContaining({ format: 'csv' })]);
    expect(result.files[0]!.path).toMatch(/^artifacts\//);
  }, 120_000);

  it('answers jobs with summarised params; ?detail=full gives them whole', async () => {
    const summary = await app.inject({ method: 'GET', url: `/jobs/${trainJob}`, headers: auth });
    const full = await app.inject({
      method: 'GET',
      url: `/jobs/${trainJob}?detail=full`,
      headers: auth,
    });
    expect(summary.statusCode).toBe(200);
    expect(full.statusCode).toBe(200);
    const params = summary.json().params;
    expect(params.source).toEqual({ id: expect.any(String), name: 'shop', kind: 'duckdb' });
    expect(params.graph).toEqual({
      id: expect.any(String),
      sourceId: params.source.id,
      version: 1,
      contentHash: expect.any(String),
    });
    expect(params.query).toContain('PREDICT');
    expect(summary.json().result.modelId).toBe(shop.modelId);
    expect(full.json().params.graph.definition.tables.length).toBe(2);
    expect(full.json().params.source.settings.path).toBe(shop.shop.dir);
    expect(summary.body.length).toBeLessThan(1500);
    expect(full.body.length).toBeGreaterThan(summary.body.length);

    // A predict job carries the model with its plan and metrics: summarised to id and name.
    const started = await app.inject({
      method: 'POST',
      url: `/models/${shop.modelId}/predictions`,
      headers: auth,
      payload: {},
    });
    expect(started.json().params.model).toEqual({ id: shop.modelId, name: expect.any(String) });
    expect(started.body.length).toBeLessThan(1500);
    await shop.prequel.waitForJob(started.json().id, { timeoutMs: 60_000 });

    const list = await app.inject({ method: 'GET', url: '/jobs', headers: auth });
    const jobs = list.json().jobs as { params: { graph?: object; model?: object } }[];
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    for (const job of jobs) {
      expect(job.params.graph).not.toHaveProperty('definition');
      if (job.params.model !== undefined) expect(job.params.model).not.toHaveProperty('plan');
    }
    expect(list.body.length).toBeLessThan(1500 * jobs.length);

    const bad = await app.inject({
      method: 'GET',
      url: `/jobs/${trainJob}?detail=all`,
      headers: auth,
    });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'CONTROL_BAD_REQUEST']);
  }, 120_000);
});
