// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import type { Prequel } from '../../src/prequel.js';
import { withApi } from './helpers.js';

const MAX_INT64 = '9223372036854775807';

/** Records a model and a prediction set the way the trainer's and predictor's jobs will. */
async function recordModel(prequel: Prequel) {
  const checkpoint = await prequel.artifacts.put('weights');
  const model = prequel.metadata.models.create({
    name: 'driver-dnf',
    plan: { task: 'binary' },
    metrics: { auroc: 0.81 },
    checkpoint: { path: checkpoint.path, hash: checkpoint.hash },
  });
  const csv = await prequel.artifacts.put('id,score\n1,0.5\n');
  const set = prequel.metadata.predictionSets.create({
    modelId: BigInt(model.id),
    anchorTime: '2024-01-01T00:00:00.000Z',
    rowCount: BigInt(MAX_INT64),
    files: [{ format: 'csv', path: csv.path, hash: csv.hash, bytes: csv.bytes }],
  });
  return { model, set };
}

describe('REST: models, training and predictions', () => {
  it('lists and gets models and prediction sets, with 64-bit counts as strings', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      const { model, set } = await recordModel(prequel);
      const list = await app.inject({ method: 'GET', url: '/models', headers: auth });
      expect(list.json().models).toHaveLength(1);
      const got = await app.inject({ method: 'GET', url: `/models/${model.id}`, headers: auth });
      expect(got.json()).toMatchObject({
        name: 'driver-dnf',
        metrics: { auroc: 0.81 },
        plan: { task: 'binary' },
      });
      const sets = await app.inject({
        method: 'GET',
        url: `/models/${model.id}/predictions`,
        headers: auth,
      });
      expect(sets.json().predictionSets.map((s: { id: string }) => s.id)).toEqual([set.id]);
      const ps = await app.inject({ method: 'GET', url: `/predictions/${set.id}`, headers: auth });
      expect(ps.statusCode).toBe(200);
      expect(ps.body).toContain(`"rowCount":"${MAX_INT64}"`);
      const file = await app.inject({
        method: 'GET',
        url: `/predictions/${set.id}/download?format=csv`,
        headers: auth,
      });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toContain('text/csv');
      expect(file.body).toBe('id,score\n1,0.5\n');
      const missing = await app.inject({
        method: 'GET',
        url: `/predictions/${set.id}/download?format=parquet`,
        headers: auth,
      });
      expect([missing.statusCode, missing.json().code]).toEqual([
        404,
        'CONTROL_PREDICTION_FORMAT_MISSING',
      ]);
      const badFormat = await app.inject({
        method: 'GET',
        url: `/predictions/${set.id}/download?format=xlsx`,
        headers: auth,
      });
      expect(badFormat.statusCode).toBe(400);
    });
  });

  it('answers 404 for unknown models and prediction sets', async () => {
    await withApi(async ({ app, auth }) => {
      const cases: [string, string, string, object?][] = [
        ['GET', '/models/5', 'CONTROL_MODEL_NOT_FOUND'],
        ['GET', '/predictions/5', 'CONTROL_PREDICTION_SET_NOT_FOUND'],
        ['GET', '/models/5/predictions', 'CONTROL_MODEL_NOT_FOUND'],
        ['GET', '/predictions/5/download?format=csv', 'CONTROL_PREDICTION_SET_NOT_FOUND'],
        [
          'POST',
          '/models/5/predictions',
          'CONTROL_MODEL_NOT_FOUND',
          { anchorTime: '2024-01-01T00:00:00Z' },
        ],
        [
          'POST',
          '/models/5/predict',
          'CONTROL_MODEL_NOT_FOUND',
          { ids: ['1'], anchorTime: '2024-01-01T00:00:00Z' },
        ],
        ['POST', '/train', 'CONTROL_SOURCE_NOT_FOUND', { source: 'nope', query: 'PREDICT x' }],
        [
          'POST',
          '/queries/explain',
          'CONTROL_SOURCE_NOT_FOUND',
          { source: 'nope', query: 'PREDICT x' },
        ],
      ];
      for (const [method, url, code, payload] of cases) {
        const res = await app.inject({ method: method as 'GET', url, headers: auth, payload });
        expect([res.statusCode, res.json().code], url).toEqual([404, code]);
      }
    });
  });

  it('answers 501 for explain, train and predict until their components are connected', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      const { model } = await recordModel(prequel);
      await prequel.registerSource({ name: 'f1', kind: 'duckdb' });
      const anchorTime = '2024-01-01T00:00:00Z';
      const cases: [string, object][] = [
        [
          '/queries/explain',
          {
            source: 'f1',
            query: 'PREDICT COUNT(results.*, 0, 30, days) FOR EACH drivers.driverId',
          },
        ],
        [
          '/train',
          {
            source: 'f1',
            query: 'PREDICT COUNT(results.*, 0, 30, days) FOR EACH drivers.driverId',
          },
        ],
        [`/models/${model.id}/predictions`, { anchorTime, formats: ['csv'] }],
        [`/models/${model.id}/predict`, { ids: ['1', '9007199254740993'], anchorTime }],
      ];
      for (const [url, payload] of cases) {
        const res = await app.inject({ method: 'POST', url, headers: auth, payload });
        expect([res.statusCode, res.json().code], url).toEqual([501, 'CONTROL_NOT_AVAILABLE']);
      }
    });
  });

  it('answers 400 on bad training and prediction bodies', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      const { model } = await recordModel(prequel);
      const cases: [string, unknown][] = [
        ['/train', { source: 'f1' }],
        ['/train', { source: 'f1', query: '' }],
        ['/train', { source: 'f1', query: 'x', graphVersion: 0 }],
        ['/queries/explain', { query: 'x' }],
        [`/models/${model.id}/predictions`, { anchorTime: 12 }],
        [`/models/${model.id}/predictions`, { anchorTime: 'yesterday' }],
        [`/models/${model.id}/predictions`, { anchorTime: '2024-01-01', formats: ['xlsx'] }],
        [`/models/${model.id}/predict`, { ids: [], anchorTime: '2024-01-01' }],
        [`/models/${model.id}/predict`, { ids: ['x1'], anchorTime: '2024-01-01' }],
        [
          `/models/${model.id}/predict`,
          { ids: Array.from({ length: 1001 }, (_, i) => String(i)), anchorTime: '2024-01-01' },
        ],
      ];
      for (const [url, payload] of cases) {
        const res = await app.inject({
          method: 'POST',
          url,
          headers: auth,
          payload: payload as object,
        });
        expect(
          [res.statusCode, res.json().code],
          `${url} ${JSON.stringify(payload).slice(0, 80)}`,
        ).toEqual([400, 'CONTROL_BAD_REQUEST']);
      }
      const badTime = await app.inject({
        method: 'POST',
        url: `/models/${model.id}/predictions`,
        headers: auth,
        payload: { anchorTime: '2024-13-45' },
      });
      expect([badTime.statusCode, badTime.json().code]).toEqual([400, 'CONTROL_INVALID_ARGUMENT']);
    });
  });

  it('takes large id lists as a streamed CSV or Arrow upload, not JSON', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      const { model } = await recordModel(prequel);
      const url = `/models/${model.id}/predictions/upload?anchorTime=2024-01-01&formats=csv`;
      const csv = { ...auth, 'content-type': 'text/csv' };
      const cases: [string, Record<string, string>, string, number, string][] = [
        [url, csv, 'id\n1\n2\n', 501, 'CONTROL_NOT_AVAILABLE'],
        [
          url,
          { ...auth, 'content-type': 'application/vnd.apache.arrow.stream' },
          'x',
          501,
          'CONTROL_NOT_AVAILABLE',
        ],
        [url.replace(`/${model.id}/`, '/77/'), csv, 'id\n1\n', 404, 'CONTROL_MODEL_NOT_FOUND'],
        [`/models/${model.id}/predictions/upload`, csv, 'id\n1\n', 400, 'CONTROL_BAD_REQUEST'],
        [
          url,
          { ...auth, 'content-type': 'application/json' },
          '{"ids":[1]}',
          415,
          'CONTROL_UNSUPPORTED_MEDIA_TYPE',
        ],
        [
          url,
          { ...auth, 'content-type': 'application/xml' },
          '<ids/>',
          415,
          'CONTROL_UNSUPPORTED_MEDIA_TYPE',
        ],
      ];
      for (const [target, headers, payload, status, code] of cases) {
        const res = await app.inject({ method: 'POST', url: target, headers, payload });
        expect([res.statusCode, res.json().code], `${target} ${headers['content-type']}`).toEqual([
          status,
          code,
        ]);
      }
    });
  });
});
