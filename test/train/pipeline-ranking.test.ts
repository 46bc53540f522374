// SPDX-License-Identifier: Apache-2.0
// Ranking end to end through the real components: CSV files -> DuckDB -> inferred graph ->
// stage -> native stores; `PREDICT LIST_DISTINCT(order_items.product_id, 0, 30, days) RANK TOP
// 10 FOR EACH customers.customer_id` -> plan (link prediction over products) -> list label
// tables -> product node ids -> ranking training on the CPU backend -> MAP@10 next to the most
// popular and past-items baselines. The data plants taste: each customer reorders a few
// favourite products and otherwise buys in one favourite category.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePlan, readTimeRange } from '../../src/control/pql/index.js';
import { openDuckDb } from '../../src/data/duckdb.js';
import { inferGraph } from '../../src/data/infer.js';
import { loadStage } from '../../src/data/load-store.js';
import { materialise } from '../../src/data/materialise.js';
import { createCpuBackend } from '../../src/gnn/cpu-backend.js';
import { Rng } from '../../src/gnn/random.js';
import { evaluate, horizonMicros } from '../../src/train/evaluate.js';
import { entityIndex, queryLabels } from '../../src/train/labels.js';
import { train } from '../../src/train/trainer.js';

const DAY_MS = 86_400_000;
const START = Date.UTC(2022, 0, 1);
const PRODUCTS = 40;

async function writeShop(dir: string, customers: number): Promise<void> {
  const rng = new Rng(9);
  const customerLines = ['customer_id,age'];
  const productLines = ['product_id,category,price'];
  const itemLines = ['order_item_id,customer_id,product_id,ordered_at'];
  for (let p = 1; p <= PRODUCTS; p++) productLines.push(`${p},c${p % 5},${5 + rng.int(50)}`);
  const inCategory = (c: number) => 1 + ((c + 5 * rng.int(PRODUCTS / 5) + PRODUCTS - 1) % PRODUCTS);
  let id = 1;
  for (let c = 1; c <= customers; c++) {
    customerLines.push(`${c},${20 + rng.int(50)}`);
    const favourite = rng.int(5);
    const own = [inCategory(favourite), inCategory(favourite), inCategory(favourite)];
    for (let day = rng.uniform() * 8; day < 720; day += 3 + rng.uniform() * 10) {
      const r = rng.uniform();
      const product =
        r < 0.5 ? own[rng.int(3)]! : r < 0.8 ? inCategory(favourite) : 1 + rng.int(PRODUCTS);
      const stamp = new Date(START + day * DAY_MS).toISOString().slice(0, 19).replace('T', ' ');
      itemLines.push(`${id++},${c},${product},${stamp}`);
    }
  }
  await writeFile(join(dir, 'customers.csv'), customerLines.join('\n') + '\n');
  await writeFile(join(dir, 'products.csv'), productLines.join('\n') + '\n');
  await writeFile(join(dir, 'order_items.csv'), itemLines.join('\n') + '\n');
}

describe('ranking from a predictive query on CSV files', () => {
  it('learns repeat and category taste: MAP@10 well above the most popular products', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prequel-rank-'));
    const backend = createCpuBackend({ threads: 1 });
    try {
      const data = join(dir, 'data');
      await mkdir(data);
      await writeShop(data, 150);
      const db = await openDuckDb(data);
      try {
        const { graph } = await inferGraph(db);
        const stage = await materialise(db, graph, { workspace: join(dir, 'ws') });
        const loaded = await loadStage(stage, { threads: 1 });
        try {
          const plan = compilePlan(
            `PREDICT LIST_DISTINCT(order_items.product_id, 0, 30, days) RANK TOP 10
             FOR EACH customers.customer_id`,
            graph,
            { dialect: 'duckdb', timeRange: (await readTimeRange(db, graph)) ?? undefined },
          );
          expect(plan.task.type).toBe('link_prediction');
          expect(plan.task.rankedTable).toBe('products');
          const index = await entityIndex(stage, 'customers');
          const targetIndex = await entityIndex(stage, 'products');
          expect(targetIndex.size).toBe(PRODUCTS);
          const s = plan.splits!;
          const read = (split: 'train' | 'validation' | 'test') =>
            queryLabels(db, s[split].sql, index, split, { task: 'ranking', targetIndex });
          const sets = { train: await read('train'), validation: await read('validation') };
          const test = await read('test');
          expect(sets.train.dropped + test.dropped + test.unseen).toBe(0);
          expect(test.entities.length).toBeGreaterThan(100);
          const { model } = await train(loaded.graph, loaded.columns, sets, {
            backend,
            task: 'ranking',
            seedType: 'customers',
            targetType: 'products',
            k: plan.task.topK!,
            fanouts: [8, 4],
            batchSize: 128,
            epochs: 6,
            channels: 32,
            lr: 0.01,
            seed: 1,
          });
          try {
            const ev = await evaluate(model, test, [sets.train, sets.validation], {
              windowMicros: horizonMicros(plan.target.horizon)!,
            });
            expect(ev.k).toBe(10);
            expect(ev.baselines.map((b) => b.name)).toEqual(['most popular', 'past items']);
            const [popular, past] = ev.baselines.map((b) => b.metrics.map!.value!);
            expect(ev.model.map!.value!).toBeGreaterThan(popular! + 0.15);
            expect(ev.model.map!.value!).toBeGreaterThan(0.9 * past!);
          } finally {
            model.dispose();
          }
        } finally {
          loaded.graph.close();
          loaded.columns.close();
        }
      } finally {
        await db.close();
      }
    } finally {
      backend.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
