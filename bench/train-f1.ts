// SPDX-License-Identifier: Apache-2.0
// rel-f1 accuracy benchmark (RelBench protocol, ../shared/reference/relbench.md 4a-4b): the
// Ergast CSVs through the data engine with examples/f1/graph.json, the three entity tasks as
// predictive queries with RelBench's split (validation from 2005, test from 2010), data visible
// up to 2010-01-01, training on the CPU backend; prints per-seed test metrics and wall times
// next to the published numbers.
//
//   npx tsx bench/train-f1.ts [--tasks dnf,top3,position] [--seeds 1,2,3] [--epochs 10]
//     [--channels 128] [--fanouts 128,64] [--batch 512] [--lr 0.005] [--threads 2]
//     [--aggregation sum|mean] [--dropout 0.1]
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compilePlan, readTimeRange } from '../src/control/pql/index.js';
import { parseTimestampText } from '../src/control/pql/lexer.js';
import { openDuckDb } from '../src/data/duckdb.js';
import { readGraphFile } from '../src/data/graph-file.js';
import { inferGraph } from '../src/data/infer.js';
import { loadStage } from '../src/data/load-store.js';
import { materialise } from '../src/data/materialise.js';
import { createCpuBackend } from '../src/gnn/cpu-backend.js';
import { evaluate, horizonMicros } from '../src/train/evaluate.js';
import { entityIndex, queryLabels } from '../src/train/labels.js';
import { train } from '../src/train/trainer.js';
import { machineLines } from './report.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RAW = resolve(ROOT, '../shared/data/f1/raw');

const TASKS = {
  dnf: {
    query: `PREDICT COUNT(results.* WHERE results.statusId != 1, 0, 30, days) > 0
            FOR EACH drivers.driverId ASSUMING COUNT(results.*, 0, 30, days) > 0`,
    metric: 'auroc',
    // LightGBM, RDL (GraphSAGE), best supervised (RelGNN); AUROC x 100.
    published: [68.56, 72.62, 75.29],
  },
  top3: {
    query: 'PREDICT MIN(qualifying.position, 0, 30, days) <= 3 FOR EACH drivers.driverId',
    metric: 'auroc',
    published: [73.92, 75.54, 85.69],
  },
  position: {
    query: 'PREDICT AVG(results.positionOrder, 0, 60, days) FOR EACH drivers.driverId',
    metric: 'mae',
    published: [4.1702, 4.0216, 3.798],
  },
} as const;

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: 'dnf,top3,position' },
    seeds: { type: 'string', default: '1,2,3' },
    epochs: { type: 'string', default: '10' },
    channels: { type: 'string', default: '128' },
    fanouts: { type: 'string', default: '128,64' },
    batch: { type: 'string', default: '512' },
    lr: { type: 'string', default: '0.005' },
    threads: { type: 'string', default: '2' },
    aggregation: { type: 'string', default: 'sum' },
    dropout: { type: 'string', default: '0.1' },
  },
});

if (!existsSync(join(RAW, 'results.csv'))) {
  throw new Error(`the F1 data is missing: expected the Ergast CSVs in ${RAW}`);
}
const ts = (s: string) => parseTimestampText(s)!;
const workspace = await mkdtemp(join(tmpdir(), 'prequel-f1-train-'));
const db = await openDuckDb(RAW, { nullStrings: ['\\N'] });
const backend = createCpuBackend({ threads: Number(args.threads) });
try {
  const started = performance.now();
  const override = await readGraphFile(join(ROOT, 'examples/f1/graph.json'));
  const { graph } = await inferGraph(db, { override });
  const stage = await materialise(db, graph, { workspace });
  const loaded = await loadStage(stage, { threads: Number(args.threads) });
  const timeRange = (await readTimeRange(db, graph)) ?? undefined;
  const testStart = ts('2010-01-01');
  const index = await entityIndex(stage, 'drivers');
  for (const line of machineLines()) console.log(line);
  console.log(`cpu backend ${args.threads} threads; ${JSON.stringify(args)}`);
  console.log(`data loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const rows: string[] = [];
  for (const name of args.tasks.split(',') as (keyof typeof TASKS)[]) {
    const task = TASKS[name];
    const plan = compilePlan(task.query, graph, {
      dialect: 'duckdb',
      timeRange,
      split: {
        kind: 'explicit',
        validationStart: ts('2005-01-01'),
        testStart,
        evalAnchors: 40,
      },
    });
    const s = plan.splits!;
    const sets = {
      train: await queryLabels(db, s.train.sql, index, 'train'),
      validation: await queryLabels(db, s.validation.sql, index, 'validation'),
      test: await queryLabels(db, s.test.sql, index, 'test'),
    };
    const sizes = [sets.train, sets.validation, sets.test].map((x) => x.labels.length);
    const values: number[] = [];
    const times: number[] = [];
    let baseline = '';
    for (const seed of args.seeds.split(',').map(Number)) {
      const t0 = performance.now();
      const { model, history, bestEpoch } = await train(loaded.graph, loaded.columns, sets, {
        backend,
        task: task.metric === 'auroc' ? 'binary' : 'regression',
        seedType: 'drivers',
        fanouts: args.fanouts.split(',').map(Number),
        batchSize: Number(args.batch),
        epochs: Number(args.epochs),
        channels: Number(args.channels),
        lr: Number(args.lr),
        aggregation: args.aggregation as 'mean' | 'sum',
        dropout: Number(args.dropout),
        seed,
        patience: Number(args.epochs),
        visibleUntil: testStart,
      });
      try {
        const window = horizonMicros(plan.target.horizon) ?? undefined;
        const ev = await evaluate(model, sets.test, [sets.train, sets.validation], {
          windowMicros: window,
        });
        const v = ev.model[task.metric]!.value!;
        values.push(task.metric === 'auroc' ? 100 * v : v);
        times.push((performance.now() - t0) / 1000);
        baseline = ev.baselines
          .map((b) => `${b.name} ${b.metrics[task.metric]!.value?.toFixed(4)}`)
          .join(', ');
        const curve = history.map((h) => h.validation.toFixed(4)).join(' ');
        console.log(
          `${name} seed ${seed}: test ${values.at(-1)!.toFixed(3)}, best epoch ` +
            `${bestEpoch}, validation ${curve}, ${times.at(-1)!.toFixed(1)} s`,
        );
      } finally {
        model.dispose();
      }
    }
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    rows.push(
      `| ${name} (${task.metric}) | ${sizes.join(' / ')} | ` +
        `${values.map((v) => v.toFixed(3)).join(', ')} | ` +
        `**${mean.toFixed(3)}** | ${task.published.join(' / ')} | ${baseline} | ` +
        `${times.map((t) => t.toFixed(0)).join(', ')} s |`,
    );
  }
  console.log(
    '\n| task | train / val / test rows | per seed | mean | LightGBM / RDL / best published | ' +
      'baselines | wall time per seed |\n|---|---|---|---|---|---|---|',
  );
  for (const r of rows) console.log(r);
  loaded.graph.close();
  loaded.columns.close();
} finally {
  backend.close();
  await db.close();
  await rm(workspace, { recursive: true, force: true });
}
