// SPDX-License-Identifier: Apache-2.0
// The whole REST flow on a real server on 127.0.0.1 driven by fetch: register CSV data, inspect
// it, explain a query, train (following the job's event stream), list the model, predict in
// batch (polling the job) and download every format, predict for uploaded ids, predict
// synchronously, evaluate. User keys start at 2^53 + 1, so every id must come back exact.
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/control/api/app.js';
import { Prequel } from '../../src/prequel.js';
import { FAST_OPTIONS, FIRST_USER_ID, SHOP_QUERY, writeShop, type Shop } from './shop.js';

let dir: string;
let shop: Shop;
let prequel: Prequel;
let url: string;
let close: () => Promise<void>;
let headers: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prequel-rest-'));
  shop = writeShop(join(dir, 'data'), 40);
  prequel = await Prequel.open({ workspace: join(dir, 'ws'), create: true });
  const app = await buildApi(prequel);
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  close = () => app.close();
  const { token } = await prequel.createToken('flow');
  headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
});

afterAll(async () => {
  await close?.();
  await prequel?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? { authorization: headers.authorization } : headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

/** Reads a job's server-sent events until its final state; returns the event names seen. */
async function followEvents(jobId: string): Promise<{ events: string[]; state: string }> {
  const res = await fetch(`${url}/jobs/${jobId}/events`, { headers });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const body = await res.text();
  const events = [...body.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]!);
  const states = [...body.matchAll(/"state":"(\w+)"/g)].map((m) => m[1]!);
  return { events, state: states[states.length - 1]! };
}

/** Polls a job until it ends. */
async function pollJob(jobId: string): Promise<Record<string, any>> {
  for (;;) {
    const job = (await call('GET', `/jobs/${jobId}`)).json();
    if (['succeeded', 'failed', 'cancelled'].includes(job.state)) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function download(setId: string, format: string): Promise<Buffer> {
  const res = await fetch(`${url}/predictions/${setId}/download?format=${format}`, { headers });
  expect(res.status, format).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

async function readParquet(bytes: Buffer): Promise<Record<string, unknown>[]> {
  const file = join(dir, 'predictions.parquet');
  writeFileSync(file, bytes);
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT CAST(user_id AS VARCHAR) AS user_id, CAST(anchor_time AS VARCHAR) AS anchor_time, ` +
        `probability FROM read_parquet('${file}')`,
    );
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

describe('REST flow on loopback', () => {
  it('registers, inspects, explains, trains, predicts and evaluates over HTTP', async () => {
    const created = await call('POST', '/sources', {
      name: 'shop',
      kind: 'duckdb',
      settings: { path: shop.dir },
    });
    expect(created.status).toBe(201);

    const inspected = await call('POST', '/sources/shop/inspect');
    expect(inspected.status).toBe(201);
    const { graph, report } = inspected.json();
    expect(graph.version).toBe(1);
    expect(graph.definition.tables.map((t: { name: string }) => t.name).sort()).toEqual([
      'orders',
      'users',
    ]);
    expect(report.errors).toBe(0);
    expect((await call('POST', '/sources/shop/inspect')).status).toBe(200);

    const explained = await call('POST', '/queries/explain', {
      source: 'shop',
      query: SHOP_QUERY,
      countExamples: true,
    });
    expect(explained.status).toBe(200);
    const explanation = explained.json();
    expect(explanation.plan.task.type).toBe('binary_classification');
    expect(explanation.text).toMatch(/^task\s+binary_classification/m);
    expect(explanation.examples.train).toBeGreaterThan(0);
    expect(explanation.examples.test).toBeGreaterThan(0);

    const queued = await call('POST', '/train', {
      source: 'shop',
      query: SHOP_QUERY,
      options: FAST_OPTIONS,
    });
    expect(queued.status).toBe(202);
    const trainJob = queued.json();
    const followed = await followEvents(trainJob.id);
    expect(followed.state).toBe('succeeded');
    expect(followed.events).toContain('progress');
    const trained = (await call('GET', `/jobs/${trainJob.id}`)).json();
    expect(trained.state).toBe('succeeded');
    const modelId: string = trained.result.modelId;

    const models = (await call('GET', '/models')).json().models;
    expect(models.map((m: { id: string }) => m.id)).toEqual([modelId]);
    const model = (await call('GET', `/models/${modelId}`)).json();
    expect(model.jobId).toBe(trainJob.id);
    const testAuroc = model.metrics.test.model.auroc;
    expect(testAuroc).toBeGreaterThanOrEqual(0);
    expect(model.metrics.test.baselines.length).toBeGreaterThan(0);
    const page = await call('GET', `/models/${modelId}/report`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<html/i);

    // Batch inference at the default anchor (the latest time in the data), every format.
    const formats = ['csv', 'parquet', 'arrow', 'json'];
    const batch = await call('POST', `/models/${modelId}/predictions`, { formats });
    expect(batch.status).toBe(202);
    const batchJob = await pollJob(batch.json().id);
    expect(batchJob.state, JSON.stringify(batchJob.error)).toBe('succeeded');
    const set = (await call('GET', `/predictions/${batchJob.result.predictionSetId}`)).json();
    expect(set).toMatchObject({ modelId, anchorTime: shop.lastOrder, rowCount: 40 });
    const allIds = new Set(shop.userIds);
    const anchorText = shop.lastOrder.replace('T', ' ').replace('Z', '');

    const csv = (await download(set.id, 'csv')).toString('utf8').trim().split('\n');
    expect(csv[0]).toBe('user_id,anchor_time,probability');
    expect(csv).toHaveLength(41);
    for (const line of csv.slice(1)) {
      const [id, anchor, p] = line.split(',');
      expect(allIds.has(id!), id).toBe(true);
      expect(anchor).toBe(anchorText);
      expect(Number(p)).toBeGreaterThanOrEqual(0);
    }
    const json = JSON.parse((await download(set.id, 'json')).toString('utf8'));
    expect(json).toHaveLength(40);
    for (const row of json) {
      expect(allIds.has(row.user_id), String(row.user_id)).toBe(true);
      expect(row.anchor_time).toBe(shop.lastOrder);
    }
    const arrow = tableFromIPC(await download(set.id, 'arrow'));
    expect(arrow.numRows).toBe(40);
    expect(new Set(Array.from(arrow.getChild('user_id')!.toArray(), String))).toEqual(allIds);
    const parquet = await readParquet(await download(set.id, 'parquet'));
    expect(parquet).toHaveLength(40);
    expect(new Set(parquet.map((r) => r.user_id))).toEqual(allIds);
    expect(parquet.every((r) => String(r.anchor_time).startsWith(anchorText.slice(0, 19)))).toBe(
      true,
    );

    // Batch inference for uploaded ids, streamed as CSV.
    const chosen = shop.userIds.slice(0, 3);
    const upload = await fetch(
      `${url}/models/${modelId}/predictions/upload?anchorTime=2024-06-01&formats=csv`,
      {
        method: 'POST',
        headers: { authorization: headers.authorization, 'content-type': 'text/csv' },
        body: `user_id\n${chosen.join('\n')}\n`,
      },
    );
    expect(upload.status).toBe(202);
    const uploadJob = await pollJob(((await upload.json()) as { id: string }).id);
    expect(uploadJob.state, JSON.stringify(uploadJob.error)).toBe('succeeded');
    const uploaded = (await download(uploadJob.result.predictionSetId, 'csv')).toString('utf8');
    const rows = uploaded
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    expect(rows.map((r) => r[0])).toEqual(chosen);
    expect(rows.every((r) => r[1]!.startsWith('2024-06-01 00:00:00'))).toBe(true);

    // Synchronous predictions: ids above 2^53 come back exactly, as strings.
    const sync = await call('POST', `/models/${modelId}/predict`, {
      ids: chosen,
      anchorTime: '2024-06-01',
    });
    expect(sync.status).toBe(200);
    expect(sync.text).toContain(`"id":"${FIRST_USER_ID}"`);
    const answer = sync.json();
    expect(answer).toMatchObject({
      modelId,
      anchorTime: '2024-06-01T00:00:00.000Z',
      task: 'binary',
    });
    expect(answer.predictions.map((p: { id: string }) => p.id)).toEqual(chosen);
    // Named as the batch files' column: the probability that the target condition holds.
    for (const p of answer.predictions) {
      expect(Object.keys(p).sort()).toEqual(['id', 'probability']);
      expect(p.probability).toBeGreaterThanOrEqual(0);
      expect(p.probability).toBeLessThanOrEqual(1);
    }
    expect(answer.warnings).toEqual([]);
    const unknown = await call('POST', `/models/${modelId}/predict`, {
      ids: [String(FIRST_USER_ID - 1n)],
      anchorTime: '2024-06-01',
    });
    expect([unknown.status, unknown.json().code]).toEqual([400, 'CONTROL_UNKNOWN_ENTITIES']);

    // Evaluation on unchanged data reproduces the training metrics.
    const evaluation = await call('POST', `/models/${modelId}/evaluate`);
    expect(evaluation.status).toBe(202);
    const evaluated = await pollJob(evaluation.json().id);
    expect(evaluated.state, JSON.stringify(evaluated.error)).toBe('succeeded');
    expect(evaluated.result.test.model.auroc).toBeCloseTo(testAuroc, 6);
  });
});
