// SPDX-License-Identifier: Apache-2.0
// 400 answers name what was wrong: the unknown property, or the values a field allows.
import { describe, expect, it } from 'vitest';
import { withApi } from './helpers.js';

const CASES: [string, string, object, string][] = [
  [
    'an unknown top-level property',
    '/train',
    { source: 's', query: 'q', mode: 'fast' },
    '/ has an unknown property "mode"',
  ],
  [
    'an unknown option',
    '/train',
    { source: 's', query: 'q', options: { epoch: 3 } },
    '/options has an unknown property "epoch"',
  ],
  [
    'a value outside a union of literals',
    '/train',
    { source: 's', query: 'q', options: { aggregation: 'max' } },
    '/options/aggregation must be one of "sum", "mean"',
  ],
];

describe('REST validation messages', () => {
  it.each(CASES)('names %s', async (_name, url, payload, expected) => {
    await withApi(async ({ app, auth }) => {
      const res = await app.inject({ method: 'POST', url, headers: auth, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('CONTROL_BAD_REQUEST');
      expect(res.json().message).toContain(expected);
    });
  });
});
