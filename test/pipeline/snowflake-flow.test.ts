// SPDX-License-Identifier: Apache-2.0
// A Snowflake source through the whole pipeline: the demo shop loaded into the Snowflake test
// double, registered with its password as an environment reference, inspected, trained (the
// label SQL runs in the warehouse dialect), and predicted, with the predictions written back
// as a warehouse table and read again through the driver.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellValue } from '../../src/data/column-builder.js';
import { generateDemo } from '../../src/demo/generate.js';
import { Prequel } from '../../src/prequel.js';
import type { SnowflakeDouble } from '../support/snowflake-double/server.js';
import {
  ACCOUNT,
  DATABASE,
  PASSWORD,
  SCHEMA,
  USER,
  startDouble,
  withConnector,
} from '../support/snowflake-double/fixture.js';

const TABLES = ['customers', 'products', 'orders', 'order_items', 'reviews'];
const PASSWORD_ENV = 'PREQUEL_TEST_SNOWFLAKE_PASSWORD';

let dir: string;
let double: SnowflakeDouble;
let prequel: Prequel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prequel-sf-flow-'));
  generateDemo(join(dir, 'data'), { customers: 150, seed: 11, days: 400 });
  double = await startDouble();
  for (const t of TABLES) {
    const path = join(dir, 'data', `${t}.csv`).replace(/'/g, "''");
    await double.seed(`CREATE TABLE "${t}" AS SELECT * FROM read_csv('${path}')`);
  }
  process.env[PASSWORD_ENV] = PASSWORD;
  prequel = await Prequel.open({ workspace: join(dir, 'ws'), create: true });
}, 60_000);

afterAll(async () => {
  await prequel?.close();
  await double?.close();
  delete process.env[PASSWORD_ENV];
  await rm(dir, { recursive: true, force: true });
});

describe('a Snowflake source', () => {
  it('trains, predicts and writes the predictions into the warehouse', async () => {
    const source = await prequel.registerSource({
      name: 'shop-sf',
      kind: 'snowflake',
      settings: {
        account: ACCOUNT,
        user: USER,
        database: DATABASE,
        schema: SCHEMA,
        warehouse: 'TEST_WH',
        accessUrl: double.url,
      },
      secrets: { password: { env: PASSWORD_ENV } },
    });
    expect(JSON.stringify(source)).not.toContain(PASSWORD);
    const { graph, report } = await prequel.inspectSource('shop-sf');
    expect(report.errors).toBe(0);
    expect(graph.definition.tables.map((t) => t.name).sort()).toEqual([...TABLES].sort());

    const query =
      'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id ' +
      'WHERE COUNT(orders.*, -60, 0, days) > 0';
    const explained = await prequel.explain({ source: 'shop-sf', query });
    expect(explained.plan.dialect).toBe('snowflake');
    const job = await prequel.train({
      source: 'shop-sf',
      query,
      options: { mode: 'fast', epochs: 1 },
    });
    const trained = await prequel.waitForJob(job.id, { timeoutMs: 180_000 });
    expect(trained.state, JSON.stringify(trained.error)).toBe('succeeded');
    const modelId = (trained.result as { modelId: string }).modelId;

    const predictJob = await prequel.predict({ model: modelId, formats: ['csv'] });
    const predicted = await prequel.waitForJob(predictJob.id, { timeoutMs: 180_000 });
    expect(predicted.state, JSON.stringify(predicted.error)).toBe('succeeded');
    const result = predicted.result as { rowCount: number; table: { name: string; rows: number } };
    expect(result.table).toEqual({ name: `PREQUEL_PREDICTIONS_${modelId}`, rows: result.rowCount });
    expect(result.rowCount).toBeGreaterThan(0);

    await withConnector(double, async (sf) => {
      const back = await sf.queryAll(
        `SELECT "customer_id", "anchor_time", "probability" FROM "${result.table.name}" ` +
          'ORDER BY "customer_id"',
      );
      expect(back.rows).toBe(result.rowCount);
      const anchor = back.columns[1]!;
      expect(anchor.kind).toBe('timestamp');
      for (let i = 0; i < back.rows; i++) {
        const p = cellValue(back.columns[2]!, i) as number;
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
    });
  }, 300_000);

  it('refuses a warehouse table for a DuckDB source', async () => {
    await prequel.registerSource({
      name: 'files',
      kind: 'duckdb',
      settings: { path: join(dir, 'data') },
    });
    await prequel.inspectSource('files');
    const job = await prequel.train({
      source: 'files',
      query: 'PREDICT COUNT(orders.*, 0, 30, days) > 0 FOR EACH customers.customer_id',
      options: { mode: 'fast', epochs: 1 },
    });
    const done = await prequel.waitForJob(job.id, { timeoutMs: 180_000 });
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    const modelId = (done.result as { modelId: string }).modelId;
    await expect(prequel.predict({ model: modelId, table: 'PREDS' })).rejects.toMatchObject({
      code: 'CONTROL_INVALID_ARGUMENT',
      message: /only Snowflake sources/,
    });
  }, 300_000);
});
