// SPDX-License-Identifier: Apache-2.0
// `prequel demo` as a library function: generates the online-shop database, registers it in a
// workspace, infers its graph, trains a churn query and a recommendation query, evaluates both
// next to their baselines, writes predictions at the latest timestamp and each model's HTML
// report, and returns where everything is. Every step goes through the Prequel facade, exactly
// as a user's own data would. The output directory holds a marker the demo writes; a run in a
// directory with the marker starts from a clean workspace, and a non-empty directory without
// it is refused, so a run never mixes with an earlier one nor deletes a user's files.
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { JobEventListener } from '../control/jobs/events.js';
import type { ModelRecord, PredictionFormat } from '../control/metadata/models.js';
import { ERRORS, prequelError, raise } from '../errors/index.js';
import type { JobRecord } from '../control/metadata/jobs.js';
import type { StoredModelMetrics } from '../pipeline/jobs/kinds.js';
import type { RunMode } from '../pipeline/settings.js';
import { Prequel } from '../prequel.js';
import { generateDemo, type DemoSummary } from './generate.js';
import { plural } from '../text/plural.js';

export interface DemoQuery {
  name: string;
  title: string;
  query: string;
}

/** The demo's two questions: who stops buying, and what each active customer buys next. */
export const DEMO_QUERIES: readonly DemoQuery[] = [
  {
    name: 'churn',
    title: 'Which active customers place no order in the next 30 days?',
    query:
      'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id ' +
      'WHERE COUNT(orders.*, -60, 0, days) > 0',
  },
  {
    name: 'recommend',
    title: 'Which 10 products will each active customer buy in the next 30 days?',
    query:
      'PREDICT LIST_DISTINCT(order_items.product_id, 0, 30, days) RANK TOP 10 ' +
      'FOR EACH customers.customer_id WHERE COUNT(orders.*, -60, 0, days) > 0',
  },
];

export interface DemoRunOptions {
  /** Output directory (data, workspace, reports, predictions); default ./prequel-demo. */
  dir?: string;
  /** Customers to generate (default 3,000). */
  customers?: number;
  seed?: number;
  mode?: RunMode;
  /** Training settings added to the mode's (e.g. { epochs: 1 } in tests). */
  options?: Record<string, unknown>;
  /** Only these queries (by name); default all. */
  queries?: string[];
  /** Every job event (progress, logs, states). */
  onJobEvent?: JobEventListener;
  /** One line per step, for a terminal. */
  onStep?: (line: string) => void;
}

export interface DemoQueryResult {
  name: string;
  title: string;
  query: string;
  model: ModelRecord;
  metrics: StoredModelMetrics;
  seconds: number;
  /** The model's HTML report (a copy in the output directory). */
  report: string;
  predictions: { anchorTime: string; rows: number; files: Record<string, string> };
}

export interface DemoResult {
  dir: string;
  data: DemoSummary;
  workspace: string;
  results: DemoQueryResult[];
  seconds: number;
}

const FORMATS: PredictionFormat[] = ['csv', 'parquet'];

/** The marker file `prequel demo` writes into its output directory. */
export const DEMO_MARKER = 'prequel-demo.json';
/** What a demo run writes beside the marker; a re-run removes them first. */
const DEMO_OUTPUTS = ['data', 'workspace', 'reports', 'predictions'];

async function isDemoMarker(path: string): Promise<boolean> {
  try {
    const marker = JSON.parse(await readFile(path, 'utf8')) as { createdBy?: unknown };
    return marker.createdBy === 'prequel demo';
  } catch {
    return false;
  }
}

/**
 * Makes `dir` ready for a run: a new or empty directory gets the marker; a directory with the
 * marker loses the outputs of the earlier run (only those); any other directory is refused
 * with CONTROL_DEMO_DIR_IN_USE. Returns whether an earlier run was removed.
 */
export async function prepareDemoDir(dir: string): Promise<{ cleaned: boolean }> {
  const marker = join(dir, DEMO_MARKER);
  const entries: string[] = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  if (entries.length > 0) {
    if (!(await isDemoMarker(marker))) {
      raise('CONTROL_DEMO_DIR_IN_USE', { path: dir, marker: DEMO_MARKER });
    }
    const stale = DEMO_OUTPUTS.filter((name) => entries.includes(name));
    for (const name of stale) await rm(join(dir, name), { recursive: true, force: true });
    return { cleaned: stale.length > 0 };
  }
  await mkdir(dir, { recursive: true });
  const content = { createdBy: 'prequel demo', createdAt: new Date().toISOString() };
  await writeFile(marker, `${JSON.stringify(content, null, 2)}\n`);
  return { cleaned: false };
}

/** Runs the demo end to end; see the file comment. */
export async function runDemo(options: DemoRunOptions = {}): Promise<DemoResult> {
  const started = performance.now();
  const dir = resolve(options.dir ?? 'prequel-demo');
  const step = options.onStep ?? (() => undefined);
  if ((await prepareDemoDir(dir)).cleaned) step(`removed the earlier demo run from ${dir}`);
  const data = generateDemo(join(dir, 'data'), {
    customers: options.customers,
    seed: options.seed,
  });
  const rows = Object.entries(data.tables).map(([t, n]) => `${t} ${n}`);
  step(`generated ${rows.join(', ')} rows (${data.start} .. ${data.end}) in ${data.dir}`);
  const workspace = join(dir, 'workspace');
  const prequel = await Prequel.open({
    workspace,
    create: true,
    onProgress: options.onJobEvent,
  });
  try {
    const source =
      (await prequel.listSources()).find((s) => s.name === 'shop') ??
      (await prequel.registerSource({
        name: 'shop',
        kind: 'duckdb',
        settings: { path: data.dir },
      }));
    const inspected = await prequel.inspectSource(source.name);
    const def = inspected.graph.definition;
    const links = def.tables.reduce((n, t) => n + t.foreignKeys.length, 0);
    step(
      `inferred the graph: ${plural(def.tables.length, 'table')}, ${plural(links, 'link')} ` +
        `(graph version ${inspected.graph.version})`,
    );
    const selected = DEMO_QUERIES.filter(
      (q) => options.queries === undefined || options.queries.includes(q.name),
    );
    if (selected.length === 0) {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: 'queries',
        expected: DEMO_QUERIES.map((q) => q.name).join(', '),
        received: options.queries?.join(', '),
      });
    }
    const results: DemoQueryResult[] = [];
    for (const q of selected) {
      results.push(await runQuery(prequel, source.name, q, dir, options, step));
    }
    return { dir, data, workspace, results, seconds: (performance.now() - started) / 1000 };
  } finally {
    await prequel.close();
  }
}

/** A failed or cancelled job's error, raised again with its own code (e.g. too little data). */
function jobFailure(job: JobRecord): Error {
  const error = job.error;
  if (job.state === 'cancelled') return prequelError('CONTROL_JOB_CANCELLED', {});
  if (error !== null && ERRORS[error.code] !== undefined) {
    return prequelError(error.code, error.details as Record<string, never>);
  }
  return prequelError('CONTROL_JOB_CRASHED', { id: job.id, reason: error?.message ?? job.state });
}

async function runQuery(
  prequel: Prequel,
  source: string,
  q: DemoQuery,
  dir: string,
  options: DemoRunOptions,
  step: (line: string) => void,
): Promise<DemoQueryResult> {
  const t0 = performance.now();
  step(`${q.name}: ${q.title}`);
  step(`  ${q.query}`);
  const job = await prequel.train({
    source,
    query: q.query,
    options: { mode: options.mode ?? 'normal', ...options.options },
  });
  const trained = await prequel.waitForJob(job.id, { timeoutMs: 30 * 60_000 });
  if (trained.state !== 'succeeded') throw jobFailure(trained);
  const modelId = (trained.result as { modelId: string }).modelId;
  const model = await prequel.getModel(modelId);
  const metrics = model.metrics as unknown as StoredModelMetrics;
  await mkdir(join(dir, 'reports'), { recursive: true });
  const report = join(dir, 'reports', `${q.name}.html`);
  await copyFile(prequel.artifacts.resolveSync(metrics.report.hash), report);

  const predictJob = await prequel.predict({ model: modelId, formats: FORMATS });
  const predicted = await prequel.waitForJob(predictJob.id, { timeoutMs: 30 * 60_000 });
  if (predicted.state !== 'succeeded') throw jobFailure(predicted);
  const setId = (predicted.result as { predictionSetId: string }).predictionSetId;
  const set = await prequel.getPredictionSet(setId);
  await mkdir(join(dir, 'predictions'), { recursive: true });
  const files: Record<string, string> = {};
  for (const f of set.files) {
    const to = join(dir, 'predictions', `${q.name}.${f.format}`);
    await copyFile(prequel.artifacts.resolveSync(f.hash), to);
    files[f.format] = to;
  }
  return {
    name: q.name,
    title: q.title,
    query: q.query,
    model,
    metrics,
    seconds: (performance.now() - t0) / 1000,
    report,
    predictions: { anchorTime: set.anchorTime, rows: Number(set.rowCount), files },
  };
}
