// SPDX-License-Identifier: Apache-2.0
// rel-f1 accuracy benchmark (RelBench protocol, ../shared/reference/relbench.md 4a-4b), through
// a product surface (--via): the library facade in this process (default), the `prequel` CLI
// (one `node bin/prequel.js` process per command) or the REST API of a `prequel serve` process.
// Each registers the Ergast CSVs, inspects them with examples/f1/graph.json, and trains each
// entity task as a predictive query with RelBench's split (validation from 2005, test from 2010,
// 40 evaluation anchors, data visible up to 2010-01-01) in a run mode, one job per task and seed,
// then writes the last seed's predictions for every driver to a CSV file. Prints per-seed test
// metrics, their mean and wall time per run next to the published numbers and the baselines of
// the same split, and the row count of each prediction file. The CLI and REST surfaces run the
// compiled dist/, so build first (npm run bench:f1-cli does).
//
//   npx tsx bench/train-f1.ts [--via library|cli|rest] [--tasks dnf,top3,position]
//     [--seeds 1,2,3] [--mode normal] [--epochs 10] [--channels 128] [--fanouts 128,64]
//     [--batch 512] [--lr 0.005] [--aggregation sum|mean] [--dropout 0.1] [--threads 2]
//
// The CLI has no flags for --aggregation and --dropout; --via cli rejects them.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RUN_MODES, type RunMode, type TrainSettings } from '../src/pipeline/settings.js';
import { checkBuild } from './f1/child.js';
import { CliSurface, trainFlags } from './f1/cli.js';
import { LibrarySurface } from './f1/library.js';
import { RestSurface } from './f1/rest.js';
import {
  csvRowCount,
  RAW,
  SURFACES,
  type F1Surface,
  type SurfaceName,
  type TrainedModel,
} from './f1/surface.js';
import { machineLines, markdownTable } from './report.js';

interface Task {
  query: string;
  metric: 'auroc' | 'mae';
  /** LightGBM, RDL (GraphSAGE), best supervised (RelGNN); AUROC x 100 or MAE. */
  published: [number, number, number];
}

const TASKS: Record<string, Task> = {
  dnf: {
    query:
      'PREDICT COUNT(results.* WHERE results.statusId != 1, 0, 30, days) > 0 ' +
      'FOR EACH drivers.driverId ASSUMING COUNT(results.*, 0, 30, days) > 0',
    metric: 'auroc',
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
};

const SPLIT = { validationStart: '2005-01-01', testStart: '2010-01-01', evalAnchors: 40 };

const { values: args } = parseArgs({
  options: {
    via: { type: 'string', default: 'library' },
    tasks: { type: 'string', default: 'dnf,top3,position' },
    seeds: { type: 'string', default: '1,2,3' },
    mode: { type: 'string', default: 'normal' },
    epochs: { type: 'string' },
    channels: { type: 'string' },
    fanouts: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    aggregation: { type: 'string' },
    dropout: { type: 'string' },
    threads: { type: 'string' },
  },
});

/** The settings given on the command line over the mode's defaults. */
function overrides(): TrainSettings {
  const out: TrainSettings = {};
  if (args.epochs !== undefined) out.epochs = Number(args.epochs);
  if (args.channels !== undefined) out.channels = Number(args.channels);
  if (args.fanouts !== undefined) out.fanouts = args.fanouts.split(',').map(Number);
  if (args.batch !== undefined) out.batchSize = Number(args.batch);
  if (args.lr !== undefined) out.lr = Number(args.lr);
  if (args.aggregation !== undefined) out.aggregation = args.aggregation as 'sum' | 'mean';
  if (args.dropout !== undefined) out.dropout = Number(args.dropout);
  if (args.threads !== undefined) out.threads = Number(args.threads);
  return out;
}

/** A metric as printed: AUROC x 100, MAE as is. */
function shown(task: Task, value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  return task.metric === 'auroc' ? (100 * value).toFixed(2) : value.toFixed(3);
}

function surfaceFor(via: SurfaceName, dir: string): F1Surface {
  if (via === 'cli') return new CliSurface(dir);
  if (via === 'rest') return new RestSurface(dir);
  return new LibrarySurface(join(dir, 'ws'));
}

if (!existsSync(join(RAW, 'results.csv'))) {
  throw new Error(`the F1 data is missing: expected the Ergast CSVs in ${RAW}`);
}
if (!SURFACES.includes(args.via as SurfaceName)) {
  throw new Error(`--via must be one of ${SURFACES.join(', ')}, not ${args.via}`);
}
if (!RUN_MODES.includes(args.mode as RunMode)) {
  throw new Error(`--mode must be one of ${RUN_MODES.join(', ')}, not ${args.mode}`);
}
const names = args.tasks.split(',');
for (const name of names) {
  if (!(name in TASKS)) throw new Error(`unknown task ${name}: one of ${Object.keys(TASKS)}`);
}
const via = args.via as SurfaceName;
const seeds = args.seeds.split(',').map(Number);
const extra = overrides();
if (via === 'cli') trainFlags(extra);
const stale = via === 'library' ? null : checkBuild();

const dir = await mkdtemp(join(tmpdir(), 'prequel-f1-bench-'));
const surface = surfaceFor(via, dir);
try {
  for (const line of machineLines()) console.log(line);
  if (stale !== null) console.log(`warning: ${stale}`);
  console.log(
    `mode ${args.mode}, overrides ${JSON.stringify(extra)}, seeds ${seeds.join(',')}, via ${via}`,
  );
  const started = performance.now();
  await surface.open();
  console.log(`source inspected in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const rows: string[][] = [];
  const predictions: string[] = [];
  for (const name of names) {
    const task = TASKS[name]!;
    const values: number[] = [];
    const validation: number[] = [];
    const times: number[] = [];
    let model: TrainedModel | null = null;
    for (const seed of seeds) {
      const t0 = performance.now();
      const settings = { mode: args.mode as RunMode, seed, ...SPLIT, ...extra };
      model = await surface.train(task.query, settings);
      const metrics = model.metrics;
      const test = metrics.test.model[task.metric]!;
      const val = metrics.validation.model[task.metric]!;
      values.push(task.metric === 'auroc' ? 100 * test : test);
      validation.push(task.metric === 'auroc' ? 100 * val : val);
      times.push((performance.now() - t0) / 1000);
      const curve = metrics.history.map((h) => h.validation?.toFixed(4) ?? 'n/a').join(' ');
      console.log(
        `${name} seed ${seed}: test ${shown(task, test)}, validation ${shown(task, val)}, ` +
          `best epoch ${metrics.bestEpoch} (${curve}), config ${JSON.stringify(metrics.config)}, ` +
          `${times.at(-1)!.toFixed(1)} s`,
      );
    }
    const metrics = model!.metrics;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const digits = task.metric === 'auroc' ? 2 : 3;
    const baselines = metrics.test.baselines
      .map((b) => `${b.name} ${shown(task, b.metrics[task.metric])}`)
      .join(', ');
    const s = metrics.splits;
    rows.push([
      `${name} (${task.metric === 'auroc' ? 'AUROC' : 'MAE'})`,
      `${s.train} / ${s.validation} / ${s.test}`,
      values.map((v) => v.toFixed(digits)).join(', '),
      `**${mean(values).toFixed(digits)}**`,
      mean(validation).toFixed(digits),
      task.published.join(' / '),
      baselines,
      `${times.map((t) => t.toFixed(0)).join(', ')} s`,
    ]);

    const t0 = performance.now();
    const out = join(dir, `${name}-predictions.csv`);
    await surface.predict(model!.id, out);
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    predictions.push(
      `${name}: ${await csvRowCount(out)} rows (model ${model!.id}, seed ${seeds.at(-1)}), ${seconds} s`,
    );
  }
  console.log('');
  const header = [
    'task',
    'train / val / test rows',
    'test per seed',
    'test mean',
    'val mean',
    'LightGBM / RDL / best published',
    'baselines (test)',
    'wall time per run',
  ];
  for (const line of markdownTable(header, rows)) console.log(line);
  console.log('\npredictions (every driver at the latest time in the data):');
  for (const line of predictions) console.log(`  ${line}`);
} finally {
  await surface.close();
  await rm(dir, { recursive: true, force: true });
}
