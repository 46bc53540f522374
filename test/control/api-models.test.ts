// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import type { Prequel } from '../../src/prequel.js';
import { SHOP_QUERY, writeShop } from '../pipeline/shop.js';
import { withApi } from './helpers.js';

const MAX_INT64 = '9223372036854775807';
/** A row count as large as a prediction set could hold (a number: far below 2^53). */
const ROWS = 123_456_789_012;

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
    rowCount: ROWS,
    files: [{ format: 'csv', path: csv.path, hash: csv.hash, bytes: csv.bytes }],
  });
  return { model, set };
}

describe('REST: models, training and predictions', () => {
  it('lists and gets models and prediction sets, with row counts as numbers', async () => {
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
      const report = await app.inject({
        method: 'GET',
        url: `/models/${model.id}/report`,
        headers: auth,
      });
      expect([report.statusCode, report.json().code]).toEqual([
        404,
        'CONTROL_MODEL_REPORT_MISSING',
      ]);
      const sets = await app.inject({
        method: 'GET',
        url: `/models/${model.id}/predictions`,
        headers: auth,
      });
      expect(sets.json().predictionSets.map((s: { id: string }) => s.id)).toEqual([set.id]);
      expect(sets.json().predictionSets[0].rowCount).toBe(ROWS);
      const ps = await app.inject({ method: 'GET', url: `/predictions/${set.id}`, headers: auth });
      expect(ps.statusCode).toBe(200);
      expect(ps.body).toContain(`"rowCount":${ROWS},`);
      expect(set.rowCount).toBe(ROWS);
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

  it('answers 404 for unknown models, prediction sets and sources', async () => {
    await withApi(async ({ app, auth }) => {
      const query = 'PREDICT COUNT(orders.*, 0, 30, days) > 0 FOR EACH users.user_id';
      const cases: [string, string, string, object?][] = [
        ['GET', '/models/5', 'CONTROL_MODEL_NOT_FOUND'],
        ['GET', '/models/5/report', 'CONTROL_MODEL_NOT_FOUND'],
        ['POST', '/models/5/evaluate', 'CONTROL_MODEL_NOT_FOUND'],
        ['GET', '/predictions/5', 'CONTROL_PREDICTION_SET_NOT_FOUND'],
        ['GET', '/models/5/predictions', 'CONTROL_MODEL_NOT_FOUND'],
        ['GET', '/predictions/5/download?format=csv', 'CONTROL_PREDICTION_SET_NOT_FOUND'],
        ['POST', '/models/5/predictions', 'CONTROL_MODEL_NOT_FOUND', {}],
        [
          'POST',
          '/models/5/predict',
          'CONTROL_MODEL_NOT_FOUND',
          { ids: ['1'], anchorTime: '2024-01-01T00:00:00Z' },
        ],
        ['POST', '/train', 'CONTROL_SOURCE_NOT_FOUND', { source: 'nope', query }],
        ['POST', '/queries/explain', 'CONTROL_SOURCE_NOT_FOUND', { source: 'nope', query }],
      ];
      for (const [method, url, code, payload] of cases) {
        const res = await app.inject({ method: method as 'GET', url, headers: auth, payload });
        expect([res.statusCode, res.json().code], url).toEqual([404, code]);
      }
    });
  });

  it('answers 401 without a token on every model, query and prediction route', async () => {
    await withApi(async ({ app }) => {
      const routes: [string, string][] = [
        ['POST', '/queries/explain'],
        ['POST', '/train'],
        ['GET', '/models'],
        ['GET', '/models/1'],
        ['GET', '/models/1/report'],
        ['POST', '/models/1/evaluate'],
        ['POST', '/models/1/predict'],
        ['POST', '/models/1/predictions'],
        ['POST', '/models/1/predictions/upload'],
        ['GET', '/models/1/predictions'],
        ['GET', '/predictions/1'],
        ['GET', '/predictions/1/download?format=csv'],
      ];
      for (const [method, url] of routes) {
        const res = await app.inject({ method: method as 'GET', url, payload: {} });
        expect([res.statusCode, res.json().code], url).toEqual([401, 'CONTROL_UNAUTHORIZED']);
      }
    });
  });

  it('answers 400 on bad training, explain and prediction bodies', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      const { model } = await recordModel(prequel);
      const query = 'PREDICT COUNT(orders.*, 0, 30, days) > 0 FOR EACH users.user_id';
      const cases: [string, unknown][] = [
        ['/train', { source: 'f1' }],
        ['/train', { source: 'f1', query: '' }],
        ['/train', { source: 'f1', query, graphVersion: 0 }],
        ['/train', { source: 'f1', query, options: { mode: 'turbo' } }],
        ['/train', { source: 'f1', query, options: { epochs: 0 } }],
        ['/train', { source: 'f1', query, options: { fanouts: [] } }],
        ['/train', { source: 'f1', query, options: { learningRate: 0.1 } }],
        ['/train', { source: 'f1', query, extra: true }],
        ['/queries/explain', { query }],
        ['/queries/explain', { source: 'f1', query, countExamples: 'maybe' }],
        ['/queries/explain', { source: 'f1', query, options: { dropout: 1 } }],
        [`/models/${model.id}/predictions`, { anchorTime: 12 }],
        [`/models/${model.id}/predictions`, { anchorTime: 'yesterday' }],
        [`/models/${model.id}/predictions`, { anchorTime: '2024-01-01', formats: ['xlsx'] }],
        [`/models/${model.id}/predictions`, { formats: [] }],
        [`/models/${model.id}/predict`, { ids: [], anchorTime: '2024-01-01' }],
        [`/models/${model.id}/predict`, { ids: [''], anchorTime: '2024-01-01' }],
        [`/models/${model.id}/predict`, { ids: ['1'], anchorTime: 'soon' }],
        [`/models/${model.id}/predictions`, { table: '' }],
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
      // A model recorded without a source and graph cannot predict.
      const orphan = await app.inject({
        method: 'POST',
        url: `/models/${model.id}/predictions`,
        headers: auth,
        payload: {},
      });
      expect([orphan.statusCode, orphan.json().details.name]).toEqual([400, 'model']);
    });
  });

  it(
    'answers 400 with every diagnostic of an invalid query, ' + 'and checks settings up front',
    async () => {
      await withApi(async ({ app, prequel, auth, dir }) => {
        const shop = writeShop(join(dir, 'shop'), 5);
        await prequel.registerSource({
          name: 'shop',
          kind: 'duckdb',
          settings: { path: shop.dir },
        });
        await prequel.inspectSource('shop');
        const query = 'PREDICT COUNT(ordrs.*, 0, 30, days) > 0\nFOR EACH users.usr_id';
        for (const url of ['/queries/explain', '/train']) {
          const res = await app.inject({
            method: 'POST',
            url,
            headers: auth,
            payload: { source: 'shop', query },
          });
          expect([res.statusCode, res.json().code], url).toEqual([400, 'PQL_INVALID_QUERY']);
          const found = res
            .json()
            .diagnostics.map((d: { code: string; line: number; column: number; text: string }) => [
              d.code,
              d.line,
              d.column,
              d.text,
            ]);
          expect(found, url).toEqual([
            ['PQL_UNKNOWN_TABLE', 1, 15, 'ordrs'],
            ['PQL_UNKNOWN_COLUMN', 2, 16, 'usr_id'],
          ]);
        }
        const syntax = await app.inject({
          method: 'POST',
          url: '/queries/explain',
          headers: auth,
          payload: { source: 'shop', query: 'PREDICT FOR EACH' },
        });
        expect([syntax.statusCode, syntax.json().code]).toEqual([400, 'PQL_INVALID_QUERY']);
        expect(syntax.json().diagnostics[0]).toMatchObject({ line: 1, severity: 'error' });
        // Only one of the two explicit split times: refused before a job is queued.
        const split = await app.inject({
          method: 'POST',
          url: '/train',
          headers: auth,
          payload: {
            source: 'shop',
            query: SHOP_QUERY,
            options: { mode: 'fast', validationStart: '2024-01-01' },
          },
        });
        expect([split.statusCode, split.json().code]).toEqual([400, 'CONTROL_INVALID_ARGUMENT']);
        expect(split.json().details.name).toBe('options.testStart');
        const noGraph = await app.inject({
          method: 'POST',
          url: '/train',
          headers: auth,
          payload: { source: 'shop', query: SHOP_QUERY, graphVersion: 9 },
        });
        expect([noGraph.statusCode, noGraph.json().code]).toEqual([404, 'CONTROL_GRAPH_NOT_FOUND']);
        expect(await prequel.listJobs()).toEqual([]);
      });
    },
  );

  it(
    'serialises ids above 2^53, class labels ' + 'and ranked items of predictions exactly',
    async () => {
      await withApi(async ({ app, prequel, auth }) => {
        const { model } = await recordModel(prequel);
        const big = '9007199254740993';
        const answer = {
          modelId: model.id,
          anchorTime: '2024-01-01T00:00:00.000Z',
          task: 'ranking',
          predictions: [
            { id: big, ranked: [{ item: MAX_INT64, score: 0.75 }] },
            { id: '7', class: 'gold', probability: 0.5 },
            { id: '8', prediction: 3.25 },
          ],
          warnings: ['the anchor time 2024-01-01T00:00:00.000Z is after the end of the data'],
        };
        const spy = vi.spyOn(prequel, 'predictEntities').mockResolvedValue(answer);
        const res = await app.inject({
          method: 'POST',
          url: `/models/${model.id}/predict`,
          headers: { ...auth, 'content-type': 'application/json' },
          payload: `{"ids":["${big}",7],"anchorTime":"2024-01-01"}`,
        });
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain(`"id":"${big}"`);
        expect(res.body).toContain('"item":"9223372036854775807"');
        expect(res.json()).toEqual(answer);
        // A number in the request becomes its decimal string; large ones must be sent as strings.
        expect(spy.mock.calls[0]![0].ids).toEqual([big, '7']);
      });
    },
  );

  it('takes large id lists as a streamed CSV or Arrow upload, not JSON', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      const { model } = await recordModel(prequel);
      const url = `/models/${model.id}/predictions/upload?anchorTime=2024-01-01&formats=csv`;
      const csv = { ...auth, 'content-type': 'text/csv' };
      const cases: [string, Record<string, string>, string, number, string][] = [
        // The recorded model has no source to predict from: refused before the job is queued.
        [url, csv, 'id\n1\n2\n', 400, 'CONTROL_INVALID_ARGUMENT'],
        [url.replace(`/${model.id}/`, '/77/'), csv, 'id\n1\n', 404, 'CONTROL_MODEL_NOT_FOUND'],
        [
          `/models/${model.id}/predictions/upload?formats=xlsx`,
          csv,
          'id\n1\n',
          400,
          'CONTROL_BAD_REQUEST',
        ],
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

  it('names the content type sent and the ones the route accepts', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      const { model } = await recordModel(prequel);
      const upload = `/models/${model.id}/predictions/upload`;
      const uploadTypes = 'text/csv or application/vnd.apache.arrow.stream';
      const cases: [string, string | undefined, string, string][] = [
        [upload, 'application/octet-stream', 'application/octet-stream', uploadTypes],
        [upload, 'application/json', 'application/json', uploadTypes],
        [upload, 'text/plain', 'text/plain', uploadTypes],
        [upload, undefined, 'none (the request has no Content-Type header)', uploadTypes],
        [
          '/sources',
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded',
          'application/json',
        ],
        ['/sources', 'text/plain', 'text/plain', 'application/json'],
      ];
      for (const [url, type, received, accepted] of cases) {
        const headers = type === undefined ? auth : { ...auth, 'content-type': type };
        const payload = type === 'application/json' ? '{"ids": [1]}' : 'id\n1\n';
        const res = await app.inject({ method: 'POST', url, headers, payload });
        expect([res.statusCode, res.json().code], `${url} ${type}`).toEqual([
          415,
          'CONTROL_UNSUPPORTED_MEDIA_TYPE',
        ]);
        expect(res.json().details, `${url} ${type}`).toEqual({
          contentType: received,
          route: `POST ${url}`,
          expected: accepted,
        });
        expect(res.json().message).not.toContain(' this ');
      }
    });
  });

  it('refuses an empty upload at once, saying how curl sends a file whole', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      const { model } = await recordModel(prequel);
      const res = await app.inject({
        method: 'POST',
        url: `/models/${model.id}/predictions/upload`,
        headers: { ...auth, 'content-type': 'text/csv', 'content-length': '0' },
        payload: '',
      });
      expect([res.statusCode, res.json().code]).toEqual([400, 'CONTROL_INVALID_ARGUMENT']);
      expect(res.json().message).toContain('--data-binary @FILE');
      expect(res.json().details.received).toBe('an empty body (0 bytes)');
    });
  });

  it(
    'hands the upload to the job with the route as its name, ' + 'for messages about its bytes',
    async () => {
      await withApi(async ({ app, prequel, auth }) => {
        const { model } = await recordModel(prequel);
        const spy = vi.spyOn(prequel, 'predict').mockImplementation(async (request) => {
          request.ids?.stream.resume();
          throw new Error('stop here');
        });
        await app.inject({
          method: 'POST',
          url: `/models/${model.id}/predictions/upload`,
          headers: { ...auth, 'content-type': 'text/csv' },
          payload: Buffer.from([0, 1, 2, 3]),
        });
        expect(spy.mock.calls[0]![0].ids).toMatchObject({
          format: 'csv',
          name: `POST /models/${model.id}/predictions/upload`,
        });
      });
    },
  );
});
