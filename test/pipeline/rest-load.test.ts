// SPDX-License-Identifier: Apache-2.0
// A bounded load test of the synchronous predict route on loopback: a trained model answers a
// few seconds of concurrent requests with no errors, timeouts or non-2xx answers. Speed is
// measured by bench/predict-route.ts, not asserted here.
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/control/api/app.js';
import { trainedShop, type TrainedShop } from './shop.js';

let trained: TrainedShop;
let url: string;
let stopServer: () => Promise<void>;
let authorization: string;

beforeAll(async () => {
  trained = await trainedShop(30);
  const app = await buildApi(trained.prequel, {
    rateLimit: { max: 1_000_000, timeWindowMs: 60_000 },
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  stopServer = () => app.close();
  authorization = `Bearer ${(await trained.prequel.createToken('load')).token}`;
});

afterAll(async () => {
  await stopServer?.();
  await trained?.close();
});

describe('synchronous predict route under load', () => {
  it('answers every request of 2 s at 4 connections with 200', async () => {
    const body = JSON.stringify({
      ids: trained.shop.userIds.slice(0, 10),
      anchorTime: '2024-06-01T00:00:00Z',
    });
    const path = `/models/${trained.modelId}/predict`;
    // Load the model once, so the run measures answering rather than loading.
    const first = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body,
    });
    expect(first.status).toBe(200);
    const result = await autocannon({
      url: `${url}${path}`,
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body,
      connections: 4,
      duration: 2,
    });
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result['2xx']).toBeGreaterThan(10);
  });
});
