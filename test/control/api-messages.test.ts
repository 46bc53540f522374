// SPDX-License-Identifier: Apache-2.0
// 400 answers name the field, what it accepts in words (never a regular expression) and what
// was received: an unknown property with the known ones, the values a field allows, a missing
// query parameter, a date format with examples, an id list too long for the synchronous route
// with the upload route for more. 404 answers say what exists: the registered sources, the
// most recent model ids.
import { describe, expect, it } from 'vitest';
import {
  describeSchema,
  describeValue,
  fieldName,
  validationProblems,
} from '../../src/control/api/validation.js';
import { withApi } from './helpers.js';

const DATE_WORDS = 'an ISO 8601 date or date-time, e.g. 2024-01-31 or 2024-01-31T12:00:00Z';

/** [what, method, url, body, the message must contain]. */
const CASES: [string, 'GET' | 'POST', string, object | undefined, string][] = [
  [
    'an unknown top-level property, with the known ones',
    'POST',
    '/train',
    { source: 's', query: 'q', mode: 'fast' },
    'the body has an unknown property "mode"; known: source, query, graphVersion, options',
  ],
  [
    'an unknown option',
    'POST',
    '/train',
    { source: 's', query: 'q', options: { epoch: 3 } },
    'options has an unknown property "epoch" (did you mean "epochs"?); known: mode, epochs,',
  ],
  [
    'a misspelt required property, not only the missing one',
    'POST',
    '/train',
    { source: 'mine', querry: 'PREDICT ...' },
    'the body has an unknown property "querry" (did you mean "query"?); known: source, query,',
  ],
  [
    'a misspelt property of any route body',
    'POST',
    '/models/1/predict',
    { ids: ['1'], anchortime: '2024-01-01' },
    'the body has an unknown property "anchortime" (did you mean "anchorTime"?)',
  ],
  [
    'ids given as one string, not wrapped into a list',
    'POST',
    '/models/1/predict',
    { ids: '1,2' },
    'ids must be a list of 1 to 1000 entity ids (strings), got "1,2"',
  ],
  [
    'a value outside a union of literals',
    'POST',
    '/train',
    { source: 's', query: 'q', options: { aggregation: 'max' } },
    'options.aggregation must be one of "sum", "mean", got "max"',
  ],
  [
    'an integer out of range',
    'POST',
    '/train',
    { source: 's', query: 'q', options: { epochs: 0 } },
    'options.epochs must be an integer from 1 to 1000000, got 0',
  ],
  [
    'a missing property',
    'POST',
    '/train',
    { source: 's' },
    'query must be a string of 1 to 10000 characters, got nothing',
  ],
  [
    'a missing query parameter with its values',
    'GET',
    '/predictions/1/download',
    undefined,
    'invalid request querystring: format must be one of "csv", "parquet", "arrow", "json", ' +
      'got nothing',
  ],
  [
    'an anchor time in words, not as a regular expression',
    'POST',
    '/models/1/predict',
    { ids: ['1'], anchorTime: 'tomorrow' },
    `anchorTime must be ${DATE_WORDS}, got "tomorrow"`,
  ],
  [
    'the batch anchor time the same way',
    'POST',
    '/models/1/predictions',
    { anchorTime: '31/01/2024' },
    `anchorTime must be ${DATE_WORDS}, got "31/01/2024"`,
  ],
  [
    'too many ids, with the upload route for more',
    'POST',
    '/models/1/predict',
    { ids: Array.from({ length: 1001 }, (_, i) => String(i)) },
    'ids must be a list of 1 to 1000 entity ids (strings), got a list of 1001 items; for more, ' +
      'POST the ids as CSV, one a line, to /models/:modelId/predictions/upload',
  ],
  [
    'a source kind that is a file format, with the kind that reads files',
    'POST',
    '/sources',
    { name: 'shop', kind: 'csv', settings: { path: '/tmp' } },
    'kind must be one of "duckdb" or "snowflake", got "csv"; files (a folder of CSV, Parquet or ' +
      'JSON files, one such file, or a .duckdb file) are kind "duckdb" with settings.path',
  ],
  [
    'a model id that is not an integer',
    'GET',
    '/models/abc',
    undefined,
    'modelId must be a model id: an integer such as 3, got "abc"; GET /models lists them',
  ],
];

describe('REST validation messages', () => {
  it.each(CASES)('name %s', async (_name, method, url, payload, expected) => {
    await withApi(async ({ app, auth }) => {
      const res = await app.inject({ method, url, headers: auth, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('CONTROL_BAD_REQUEST');
      expect(res.json().message).toContain(expected);
      expect(res.json().message).not.toMatch(/pattern|\^\[0-9\]|must NOT|must have required/);
    });
  });

  it('describe fields, schemas and values in words', () => {
    expect(fieldName('', 'body')).toBe('the body');
    expect(fieldName('/options/epochs', 'body')).toBe('options.epochs');
    expect(fieldName('/ids/3', 'body')).toBe('ids[3]');
    expect(describeSchema({ type: 'integer', minimum: 0 })).toBe('an integer of at least 0');
    expect(describeSchema({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 10 })).toBe(
      'a number greater than 0 and less than 10',
    );
    expect(describeSchema({ type: ['string', 'null'], minLength: 1 })).toBe(
      'a non-empty string or null',
    );
    expect(describeSchema({ anyOf: [{ const: 'a' }, { const: 'b' }] })).toBe('one of "a", "b"');
    expect(describeSchema({ type: 'string', 'x-hint': 'a date' })).toBe('a date');
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue([1, 2])).toBe('a list of 2 items');
    expect(describeValue('x'.repeat(100))).toMatch(/^"x{76}\.\.\.$/);
    expect(describeValue('hunter2', '/secrets/password')).toBe(
      'a string (not shown: it may be a secret)',
    );
    expect(describeValue('hunter2', '/settings/apiKey')).not.toContain('hunter2');
    expect(describeValue('shop', '/settings/path')).toBe('"shop"');
  });

  it('replace the errors of the alternatives of a union with one sentence', () => {
    const union = {
      anyOf: [
        { type: 'object', properties: { env: {} } },
        { type: 'object', properties: { keyFile: {} } },
      ],
    };
    const problems = validationProblems(
      [
        { keyword: 'required', instancePath: '/secrets/pw', params: { missingProperty: 'env' } },
        { keyword: 'minLength', instancePath: '/secrets/pw/keyFile', parentSchema: {} },
        { keyword: 'anyOf', instancePath: '/secrets/pw', parentSchema: union, data: { x: 1 } },
      ],
      'body',
    );
    expect(problems).toEqual([
      'secrets.pw must be an object with env or an object with keyFile, got an object (not ' +
        'shown: it may be a secret)',
    ]);
  });
});

describe('REST not-found messages', () => {
  it('list the registered sources, or say how to register one', async () => {
    await withApi(async ({ app, auth }) => {
      const query = 'PREDICT COUNT(orders.*, 0, 30, days) > 0 FOR EACH users.user_id';
      const train = () =>
        app.inject({
          method: 'POST',
          url: '/train',
          headers: auth,
          payload: { source: 'x', query },
        });
      const none = await train();
      expect([none.statusCode, none.json().code]).toEqual([404, 'CONTROL_SOURCE_NOT_FOUND']);
      expect(none.json().message).toBe(
        'no data source x; no source is registered yet: `prequel train --data <dir>` registers ' +
          'one, as does POST /sources',
      );
      for (const name of ['shop', 'crm']) {
        const payload = { name, kind: 'duckdb', settings: { path: '/tmp' } };
        const made = await app.inject({ method: 'POST', url: '/sources', headers: auth, payload });
        expect(made.statusCode).toBe(201);
      }
      const some = await train();
      expect(some.json().message).toBe('no data source x; registered: shop, crm');
      expect(some.json().details.registered).toEqual(['shop', 'crm']);
    });
  });

  it('say that model ids are integers, and which exist', async () => {
    await withApi(async ({ app, auth, prequel }) => {
      const get = async (id: string) =>
        (await prequel.getModel(id).catch((e: Error) => e)) as Error;
      expect((await get('abc')).message).toBe(
        'no model abc; model ids are integers; the workspace has no model yet: `prequel train` ' +
          'or POST /train makes one',
      );
      const checkpoint = await prequel.artifacts.put('weights');
      for (const name of ['a', 'b']) {
        prequel.metadata.models.create({
          name,
          plan: {},
          metrics: {},
          checkpoint: { path: checkpoint.path, hash: checkpoint.hash },
        });
      }
      const res = await app.inject({ method: 'GET', url: '/models/77', headers: auth });
      expect([res.statusCode, res.json().code]).toEqual([404, 'CONTROL_MODEL_NOT_FOUND']);
      expect(res.json().message).toBe(
        'no model 77; the most recent are 2, 1 (`prequel models` or GET /models lists them)',
      );
    });
  });
});
