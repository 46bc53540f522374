// SPDX-License-Identifier: Apache-2.0
// `prequel demo` end to end at a small scale: the generated shop, both queries trained (one
// epoch), metrics next to baselines, reports and prediction files where the output says.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/control/cli/main.js';
import { cellValue } from '../../src/data/column-builder.js';
import { openDuckDb } from '../../src/data/duckdb.js';

let dir: string;
let stdout = '';
let code: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prequel-demo-'));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    code = await main([
      'node',
      'prequel',
      'demo',
      '--dir',
      dir,
      '--customers',
      '300',
      '--mode',
      'fast',
      '--epochs',
      '1',
      '--json',
    ]);
  } finally {
    write.mockRestore();
    quiet.mockRestore();
  }
}, 240_000);

afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('prequel demo', () => {
  it('trains the churn and recommendation queries and writes their files', async () => {
    expect(code, stdout).toBe(0);
    const out = JSON.parse(stdout) as {
      results: {
        name: string;
        metric: string;
        test: { model: Record<string, number>; baselines: { name: string }[] };
        report: string;
        predictions: { rows: number; anchorTime: string; files: Record<string, string> };
      }[];
    };
    expect(out.results.map((r) => [r.name, r.metric])).toEqual([
      ['churn', 'auroc'],
      ['recommend', 'map@10'],
    ]);
    const [churn, recommend] = out.results;
    expect(churn!.test.baselines.map((b) => b.name)).toContain('majority');
    expect(recommend!.test.baselines.map((b) => b.name)).toEqual(['most popular', 'past items']);
    expect(recommend!.test.model['map@10']).toBeGreaterThan(0);

    for (const r of out.results) {
      const html = await readFile(r.report, 'utf8');
      expect(html).toContain('<svg');
      expect(html).toContain('customers.customer_id');
      expect(r.predictions.rows).toBeGreaterThan(0);
    }
    const churnCsv = (await readFile(churn!.predictions.files.csv!, 'utf8')).trim().split('\n');
    expect(churnCsv[0]).toBe('customer_id,anchor_time,probability');
    expect(churnCsv).toHaveLength(churn!.predictions.rows + 1);

    // Ranked answers: one row per customer and rank, products by key, best first.
    const db = await openDuckDb(':memory:');
    try {
      const path = recommend!.predictions.files.parquet!.replace(/'/g, "''");
      const result = await db.queryAll(
        `SELECT count(*) AS n, count(DISTINCT customer_id) AS customers, max(rank) AS k,
                bool_and(score IS NOT NULL) AS scored FROM read_parquet('${path}')`,
      );
      const [n, customers, k, scored] = result.columns.map((c) => Number(cellValue(c, 0)));
      expect(n).toBe(recommend!.predictions.rows);
      expect(k).toBe(10);
      expect(n).toBeLessThanOrEqual(customers! * 10);
      expect(scored).toBe(1);
    } finally {
      await db.close();
    }
  });
});
