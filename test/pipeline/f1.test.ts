// SPDX-License-Identifier: Apache-2.0
// rel-f1 end to end, as a user runs it: the Ergast CSVs (../shared/data/f1/raw) inspected with
// the example graph file, the three RelBench entity tasks trained with RelBench's split in the
// fast run mode (one epoch of a small model), and predictions written, first through the
// `prequel` CLI (real processes), then through the REST API of a running `prequel serve`.
// Accuracy at full size is bench/train-f1.ts's job (--via cli|rest for these surfaces); here
// each task must beat its simplest baseline.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, type RunningServer } from '../support/cli-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RAW = resolve(root, '../shared/data/f1/raw');
const GRAPH = join(root, 'examples/f1/graph.json');
const SPLIT = { validationStart: '2005-01-01', testStart: '2010-01-01', evalAnchors: 40 };
/** The fast run mode, smaller still: one epoch of a narrow model (about 15 s a task). */
const SMALL = { mode: 'fast', epochs: 1, channels: 16, fanouts: [4, 2] };

const TASKS = [
  {
    name: 'driver-dnf',
    query:
      'PREDICT COUNT(results.* WHERE results.statusId != 1, 0, 30, days) > 0 ' +
      'FOR EACH drivers.driverId ASSUMING COUNT(results.*, 0, 30, days) > 0',
    metric: 'auroc',
    examples: 702,
  },
  {
    name: 'driver-top3',
    query: 'PREDICT MIN(qualifying.position, 0, 30, days) <= 3 FOR EACH drivers.driverId',
    metric: 'auroc',
    examples: 726,
  },
  {
    name: 'driver-position',
    query: 'PREDICT AVG(results.positionOrder, 0, 60, days) FOR EACH drivers.driverId',
    metric: 'mae',
    examples: 760,
  },
] as const;

interface Evaluation {
  examples: number;
  model: Record<string, number>;
  baselines: { name: string; metrics: Record<string, number> }[];
}

/** The model beats the split's plainest baseline (majority class; training mean). */
function expectBeatsBaseline(task: (typeof TASKS)[number], test: Evaluation): void {
  expect(test.examples, task.name).toBe(task.examples);
  const plain = test.baselines.find((b) => b.name === 'majority' || b.name === 'training mean');
  const model = test.model[task.metric]!;
  const baseline = plain!.metrics[task.metric]!;
  if (task.metric === 'auroc') expect(model, task.name).toBeGreaterThan(baseline + 0.1);
  else expect(model, task.name).toBeLessThan(baseline);
}

let dir: string;

beforeAll(() => {
  if (!existsSync(join(RAW, 'results.csv'))) {
    throw new Error(
      `the F1 data is missing: these tests read the Ergast CSVs from ${RAW} (see README)`,
    );
  }
  dir = mkdtempSync(join(tmpdir(), 'prequel-f1-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rel-f1 through the CLI', () => {
  const workspace = () => join(dir, 'cli-ws');
  const graphFile = () => join(dir, 'f1.graph.json');
  const models: string[] = [];

  it('inspects the raw files with the example graph file', async () => {
    const r = await runCli(
      ['inspect', RAW, '--null', '\\N', '--graph', GRAPH, '--out', graphFile(), '--json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { graph: { tables: { name: string }[] } };
    expect(out.graph.tables.map((t) => t.name)).toContain('drivers');
    expect(existsSync(graphFile())).toBe(true);
  }, 60_000);

  for (const task of TASKS) {
    it(`trains ${task.name} with RelBench's split`, async () => {
      const r = await runCli(
        [
          'train',
          task.query,
          '--graph',
          graphFile(),
          '--mode',
          SMALL.mode,
          '--epochs',
          String(SMALL.epochs),
          '--channels',
          String(SMALL.channels),
          '--fanouts',
          SMALL.fanouts.join(','),
          '--validation-start',
          SPLIT.validationStart,
          '--test-start',
          SPLIT.testStart,
          '--eval-anchors',
          String(SPLIT.evalAnchors),
          '-w',
          workspace(),
          '--json',
        ],
        { cwd: dir },
      );
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { modelId: string; test: Evaluation; report: string };
      expectBeatsBaseline(task, out.test);
      expect(readFileSync(out.report, 'utf8')).toContain('<svg');
      models.push(out.modelId);
    }, 120_000);
  }

  it('writes predictions for every driver at the latest timestamp', async () => {
    const out = join(dir, 'position.csv');
    const r = await runCli(['predict', '--model', models[2]!, '--out', out, '-w', workspace()], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('driverId,anchor_time,prediction');
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines.slice(1)) {
      const [, anchor, value] = line.split(',');
      expect(anchor).toBe(lines[1]!.split(',')[1]);
      expect(Number(value)).toBeGreaterThan(0);
    }
  }, 120_000);
});

describe('rel-f1 through the REST API of `prequel serve`', () => {
  let server: RunningServer;
  let auth: Record<string, string>;

  beforeAll(async () => {
    const workspace = join(dir, 'rest-ws');
    expect((await runCli(['init', workspace], { cwd: dir })).code).toBe(0);
    const token = await runCli(['token', 'create', 'f1', '-w', workspace, '--json'], { cwd: dir });
    auth = {
      authorization: `Bearer ${(JSON.parse(token.stdout) as { token: string }).token}`,
      'content-type': 'application/json',
    };
    server = await startServer(['-w', workspace], { cwd: dir });
  }, 60_000);

  afterAll(async () => server?.stop());

  async function call(method: string, path: string, body?: unknown) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: body === undefined ? { authorization: auth.authorization! } : auth,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as Record<string, any> };
  }

  async function finished(jobId: string): Promise<Record<string, any>> {
    for (;;) {
      const job = (await call('GET', `/jobs/${jobId}`)).json();
      if (['succeeded', 'failed', 'cancelled'].includes(job.state as string)) return job;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('registers, inspects, trains the three tasks and predicts', async () => {
    const source = await call('POST', '/sources', {
      name: 'f1',
      kind: 'duckdb',
      settings: { path: RAW, nullString: '\\N' },
    });
    expect(source.status, source.text).toBe(201);
    const override = JSON.parse(readFileSync(GRAPH, 'utf8')) as unknown;
    const inspected = await call('POST', '/sources/f1/inspect', { override });
    expect(inspected.status, inspected.text).toBe(201);
    expect(inspected.json().report.errors).toBe(0);

    const explained = await call('POST', '/queries/explain', {
      source: 'f1',
      query: TASKS[1].query,
      options: SPLIT,
      countExamples: true,
    });
    expect(explained.status, explained.text).toBe(200);
    expect(explained.json().examples).toEqual({ train: 1353, validation: 588, test: 726 });

    // All three jobs queued at once; the server runs them (two at a time) while it answers.
    const jobs: string[] = [];
    for (const task of TASKS) {
      const res = await call('POST', '/train', {
        source: 'f1',
        query: task.query,
        options: { ...SMALL, ...SPLIT },
      });
      expect(res.status, res.text).toBe(202);
      jobs.push(res.json().id as string);
    }
    const modelIds: string[] = [];
    for (const [i, task] of TASKS.entries()) {
      const job = await finished(jobs[i]!);
      expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
      const model = (await call('GET', `/models/${job.result.modelId}`)).json();
      expectBeatsBaseline(task, model.metrics.test as Evaluation);
      modelIds.push(model.id as string);
    }

    const predict = await call('POST', `/models/${modelIds[0]}/predictions`, { formats: ['csv'] });
    expect(predict.status, predict.text).toBe(202);
    const done = await finished(predict.json().id as string);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    const csv = await fetch(
      `${server.url}/predictions/${done.result.predictionSetId}/download?format=csv`,
      { headers: { authorization: auth.authorization! } },
    );
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('driverId,anchor_time,probability');
    expect(lines.length - 1).toBe(Number(done.result.rowCount));
  }, 300_000);
});
