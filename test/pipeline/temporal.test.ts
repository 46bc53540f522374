// SPDX-License-Identifier: Apache-2.0
// Temporal correctness of batch inference: a prediction at anchor t sees nothing later than t.
// Rows appended to the source after t leave every prediction at t unchanged (bit for bit),
// while rows appended before t change the predictions of the customers they belong to (so the
// test can fail). Runs the real pipeline: DuckDB over CSV files, materialisation, training,
// prediction jobs in worker threads.
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/generate.js';
import { Prequel } from '../../src/prequel.js';

const QUERY =
  'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id ' +
  'WHERE COUNT(orders.*, -60, 0, days) > 0';
const ANCHOR = '2025-06-01T00:00:00.000Z';

let dir: string;
let prequel: Prequel;
let modelId: string;

async function predictJson(): Promise<Map<string, number>> {
  const job = await prequel.predict({ model: modelId, anchorTime: ANCHOR, formats: ['json'] });
  const done = await prequel.waitForJob(job.id, { timeoutMs: 120_000 });
  expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
  const setId = (done.result as { predictionSetId: string }).predictionSetId;
  const file = await prequel.predictionFile(setId, 'json');
  const rows = JSON.parse(await readFile(file.path, 'utf8')) as Record<string, unknown>[];
  for (const row of rows) expect(row.anchor_time).toBe(ANCHOR);
  return new Map(rows.map((r) => [String(r.customer_id), r.probability as number]));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prequel-temporal-'));
  generateDemo(join(dir, 'data'), { customers: 250, seed: 3 });
  prequel = await Prequel.open({ workspace: join(dir, 'ws'), create: true });
  await prequel.registerSource({
    name: 'shop',
    kind: 'duckdb',
    settings: { path: join(dir, 'data') },
  });
  await prequel.inspectSource('shop');
  const job = await prequel.train({
    source: 'shop',
    query: QUERY,
    options: { mode: 'fast', epochs: 1 },
  });
  const done = await prequel.waitForJob(job.id, { timeoutMs: 180_000 });
  expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
  modelId = (done.result as { modelId: string }).modelId;
}, 240_000);

afterAll(async () => {
  await prequel?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('batch inference at an anchor time', () => {
  it('ignores rows after the anchor and reacts to rows before it', async () => {
    const before = await predictJson();
    expect(before.size).toBeGreaterThan(20);
    const customers = [...before.keys()].slice(0, 5);

    // Future orders and order items for five customers, and a customer who signs up later.
    const orders = customers.map(
      (c, i) => `${900_000 + i},${c},2025-08-0${i + 1} 10:00:00,web,10.0,2`,
    );
    await appendFile(join(dir, 'data', 'orders.csv'), `${orders.join('\n')}\n`);
    await appendFile(join(dir, 'data', 'customers.csv'), '999999,2025-09-01 00:00:00,US,30,ads\n');
    const after = await predictJson();
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [id, score] of before) expect(after.get(id), id).toBe(score);

    // The same customers ordering shortly before the anchor: their predictions move.
    const recent = customers.map(
      (c, i) => `${910_000 + i},${c},2025-05-2${i + 1} 10:00:00,web,10.0,12`,
    );
    await appendFile(join(dir, 'data', 'orders.csv'), `${recent.join('\n')}\n`);
    const changed = await predictJson();
    const moved = customers.filter((c) => changed.get(c) !== before.get(c));
    expect(moved.length).toBeGreaterThanOrEqual(4);

    // Synchronous predictions agree with the batch job's, and default to the latest timestamp.
    const others = [...before.keys()].filter((c) => !customers.includes(c)).slice(0, 10);
    const sync = await prequel.predictEntities({ model: modelId, ids: others, anchorTime: ANCHOR });
    expect(sync.anchorTime).toBe(ANCHOR);
    // Same subgraphs, other batch rows: BLAS may round a row's products differently when the
    // batch's shape differs (its kernels depend on the row count and the CPU), so not bitwise.
    for (const p of sync.predictions) {
      expect(Math.abs(p.probability! - before.get(p.id)!), p.id).toBeLessThan(1e-6);
    }
    const latest = await prequel.predictEntities({ model: modelId, ids: others.slice(0, 1) });
    expect(Date.parse(latest.anchorTime)).toBeGreaterThan(Date.parse('2025-09-01'));
  }, 180_000);
});
