// SPDX-License-Identifier: Apache-2.0
// End to end through the real components: CSV files -> DuckDB -> inferred graph -> stage ->
// native stores; a predictive query -> plan -> label tables -> examples -> training on the CPU
// backend -> test metrics next to the baselines. The data plants the signal: each user's order
// amounts scatter around a hidden level, and the query asks whether the next 60 days' average
// amount exceeds 50, which the user's past orders reveal.
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

async function writeShop(dir: string, users: number): Promise<void> {
  const rng = new Rng(5);
  const userLines = ['user_id,age,segment'];
  const orderLines = ['order_id,user_id,order_time,amount,kind'];
  let order = 1;
  for (let u = 1; u <= users; u++) {
    const level = rng.normal();
    userLines.push(`${u},${20 + rng.int(50)},s${rng.int(4)}`);
    const n = 10 + rng.int(20);
    for (let k = 0; k < n; k++) {
      const at = new Date(START + rng.int(720 * 24) * (DAY_MS / 24));
      const amount = (50 + 20 * (level + 0.8 * rng.normal())).toFixed(2);
      const stamp = at.toISOString().slice(0, 19).replace('T', ' ');
      orderLines.push(`${order++},${u},${stamp},${amount},k${rng.int(3)}`);
    }
  }
  await writeFile(join(dir, 'users.csv'), userLines.join('\n') + '\n');
  await writeFile(join(dir, 'orders.csv'), orderLines.join('\n') + '\n');
}

describe('training from a predictive query on CSV files', () => {
  it('learns the planted signal: test AUROC >= 0.8 where the majority baseline has 0.5', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prequel-train-'));
    const backend = createCpuBackend({ threads: 1 });
    try {
      const data = join(dir, 'data');
      await mkdir(data);
      await writeShop(data, 300);
      const db = await openDuckDb(data);
      try {
        const { graph } = await inferGraph(db);
        const stage = await materialise(db, graph, { workspace: join(dir, 'ws') });
        const loaded = await loadStage(stage, { threads: 1 });
        try {
          const plan = compilePlan(
            `PREDICT AVG(orders.amount, 0, 60, days) > 50 FOR EACH users.user_id
             ASSUMING COUNT(orders.*, 0, 60, days) > 0`,
            graph,
            { dialect: 'duckdb', timeRange: (await readTimeRange(db, graph)) ?? undefined },
          );
          expect(plan.task.type).toBe('binary_classification');
          const index = await entityIndex(stage, 'users');
          expect(index.size).toBe(300);
          const s = plan.splits!;
          const sets = {
            train: await queryLabels(db, s.train.sql, index, 'train'),
            validation: await queryLabels(db, s.validation.sql, index, 'validation'),
            test: await queryLabels(db, s.test.sql, index, 'test'),
          };
          expect(sets.train.dropped + sets.test.dropped).toBe(0);
          expect(sets.test.labels.length).toBeGreaterThan(150);
          const { model } = await train(loaded.graph, loaded.columns, sets, {
            backend,
            task: 'binary',
            seedType: 'users',
            fanouts: [8, 4],
            batchSize: 256,
            epochs: 6,
            channels: 32,
            lr: 0.01,
            seed: 1,
          });
          try {
            const ev = await evaluate(model, sets.test, [sets.train, sets.validation], {
              windowMicros: horizonMicros(plan.target.horizon)!,
            });
            expect(horizonMicros(plan.target.horizon)).toBe(60n * 86_400_000_000n);
            expect(ev.baselines.map((b) => b.name)).toEqual(['majority', 'past value']);
            expect(ev.model.auroc!.value!).toBeGreaterThanOrEqual(0.8);
            expect(ev.baselines[0]!.metrics.auroc!.value).toBe(0.5);
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
