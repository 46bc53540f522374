// `prequel explain`: compiles a query against a data source read directly, prints the plan with
// split sizes, and rejects bad flags with coded errors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerExplain } from '../../src/control/cli/explain.js';
import { inspectSource } from '../../src/control/cli/inspect.js';
import { generateDemo } from '../../src/demo/generate.js';
import { PrequelError } from '../../src/errors/index.js';
import { f1RawDir, REPO_ROOT } from '../data/helpers.js';

async function explain(args: string[]): Promise<string> {
  let out = '';
  const program = new Command('prequel').exitOverride();
  registerExplain(program, (text) => (out += text));
  await program.parseAsync(['node', 'prequel', 'explain', ...args]);
  return out;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof PrequelError) return err.code;
    throw err;
  }
  return undefined;
}

let demo: string;
beforeAll(() => {
  demo = mkdtempSync(path.join(tmpdir(), 'prequel-explain-'));
  generateDemo(demo, { customers: 300, seed: 5 });
});
afterAll(() => rmSync(demo, { recursive: true, force: true }));

describe('prequel explain', () => {
  it('plans a churn query on the demo shop with 80/10/10 anchors and counts examples', async () => {
    const text = await explain([
      'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id',
      '--data',
      demo,
    ]);
    expect(text).toMatch(/^task\s+binary_classification/m);
    expect(text).toMatch(/^examples\s+train \d+, validation \d+, test \d+$/m);
    const [train, validation, test] = text
      .match(/train (\d+), validation (\d+), test (\d+)/)!
      .slice(1)
      .map(Number);
    expect(train).toBeGreaterThan(validation!);
    expect(validation).toBeGreaterThan(0);
    expect(test).toBeGreaterThan(0);
  });

  it('reproduces the RelBench driver-dnf splits on F1 (JSON output)', async () => {
    const json = JSON.parse(
      await explain([
        'PREDICT COUNT(results.* WHERE results.statusId != 1, 0, 30, days) > 0 ' +
          'FOR EACH drivers.driverId ASSUMING COUNT(results.*, 0, 30, days) > 0',
        '--data',
        f1RawDir(),
        '--graph',
        path.join(REPO_ROOT, 'examples/f1/graph.json'),
        '--null',
        '\\N',
        '--validation-start',
        '2005-01-01',
        '--test-start',
        '2010-01-01',
        '--eval-anchors',
        '40',
        '--json',
      ]),
    );
    expect(json.examples).toEqual({ train: 11411, validation: 566, test: 702 });
  });

  it.each([
    [['--validation-start', '2005-01-01'], 'CONTROL_INVALID_ARGUMENT'],
    [['--validation-start', 'yesterday', '--test-start', '2010-01-01'], 'CONTROL_INVALID_ARGUMENT'],
    [['--cutoff', '2010-01-01'], 'CONTROL_INVALID_ARGUMENT'],
    [['--eval-anchors', '3'], 'CONTROL_INVALID_ARGUMENT'],
    [
      ['--validation-start', '2005-01-01', '--test-start', '2010-01-01', '--eval-anchors', '0'],
      'CONTROL_INVALID_ARGUMENT',
    ],
  ])('rejects bad split flags %j with %s', async (flags, code) => {
    const query = 'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id';
    expect(await codeOf(explain([query, '--data', demo, ...flags]))).toBe(code);
  });

  it('reports a misspelt column with the query compiler code and a suggestion', async () => {
    const run = explain([
      'PREDICT SUM(orders.totl, 0, 30, days) FOR EACH customers.customer_id',
      '--data',
      demo,
    ]);
    await expect(run).rejects.toMatchObject({ message: expect.stringContaining('total') });
    expect(
      await codeOf(
        explain([
          'PREDICT SUM(orders.totl, 0, 30, days) FOR EACH customers.customer_id',
          '--data',
          demo,
        ]),
      ),
    ).toMatch(/^PQL_/);
  });

  it('reads the data a graph file written by inspect records, so --graph suffices', async () => {
    const graphFile = path.join(demo, 'graph-file', 'graph.json');
    mkdirSync(path.dirname(graphFile));
    await inspectSource(demo, { out: graphFile });
    const query = 'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id';
    const direct = await explain([query, '--data', demo, '--json']);
    const viaFile = await explain([query, '--graph', graphFile, '--json']);
    expect(JSON.parse(viaFile).examples).toEqual(JSON.parse(direct).examples);
  });

  it('asks for --data when neither a source nor a graph file recording one is given', async () => {
    const query = 'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id';
    expect(await codeOf(explain([query]))).toBe('CONTROL_INVALID_ARGUMENT');
    const bare = path.join(demo, 'bare.json');
    writeFileSync(bare, JSON.stringify({ version: 1, tables: [] }));
    expect(await codeOf(explain([query, '--graph', bare]))).toBe('CONTROL_INVALID_ARGUMENT');
  });

  it('refuses a task the trainer cannot learn, with the reason, before any training', async () => {
    const run = explain([
      'PREDICT customers.country FOR EACH customers.customer_id',
      '--data',
      demo,
    ]);
    await expect(run).rejects.toMatchObject({
      code: 'PQL_INVALID_QUERY',
      diagnostics: [expect.objectContaining({ code: 'PQL_TASK_UNSUPPORTED' })],
      message: expect.stringContaining('static multiclass_classification'),
    });
  });

  it('lists the metric names training reports, and warns about dropped test anchors', async () => {
    const query = 'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id;';
    const text = await explain([query, '--data', demo, '--no-count']);
    expect(text).toMatch(/^task\s+binary_classification; metrics auroc, averagePrecision, /m);
    const json = JSON.parse(await explain([query, '--data', demo, '--json', '--no-count']));
    // Test from the default split's last test anchor: more test anchors than fit before the
    // data ends.
    const testStart = String(json.splits.test.last).slice(0, 10);
    const split = await explain([
      query,
      '--data',
      demo,
      '--json',
      '--no-count',
      '--validation-start',
      String(json.splits.validation.first).slice(0, 10),
      '--test-start',
      testStart,
      '--eval-anchors',
      '5',
    ]);
    const plan = JSON.parse(split);
    expect(plan.splits.test.anchors).toBeLessThan(5);
    expect(plan.warnings.map((w: { code: string }) => w.code)).toContain('PQL_WINDOW_CLIPPED');
    expect(plan.warnings.map((w: { message: string }) => w.message).join('\n')).toMatch(
      / test anchors? dropped/,
    );
  });

  it('names a missing data directory', async () => {
    const query = 'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id';
    expect(await codeOf(explain([query, '--data', path.join(demo, 'nope')]))).toBe(
      'DATA_FILE_NOT_FOUND',
    );
  });
});
