// SPDX-License-Identifier: Apache-2.0
// What `prequel train` checks before it registers data or queues a job (the query against the
// inferred graph, its split and windows, the data's validation errors), what it refuses after
// computing the labels (a label that never varies), and what it says about the run: training
// and total time with labels, the same in the report; the run's warnings at the end of the
// output and in `models show`; the labels of every split in the report.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT_OK, EXIT_USER_ERROR } from '../../src/control/cli/main.js';
import { Prequel } from '../../src/prequel.js';
import { SHOP_QUERY, writeShop, type Shop } from '../pipeline/shop.js';
import { captureCli, tempDir } from './helpers.js';

const cli = captureCli();
const { run } = cli;

const FAST = ['--mode', 'fast', '--epochs', '2', '--channels', '8', '--fanouts', '4,2'];

let dir: string;
let shop: Shop;

beforeAll(() => {
  dir = tempDir('prequel-cli-train-checks-');
  shop = writeShop(join(dir, 'shop'), 12);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The workspace's sources and jobs as `--json` lists them. */
async function registered(ws: string): Promise<{ sources: unknown[]; jobs: unknown[] }> {
  expect(await run('sources', '--json', '-w', ws)).toBe(EXIT_OK);
  const sources = JSON.parse(cli.stdout) as unknown[];
  expect(await run('jobs', '--json', '-w', ws)).toBe(EXIT_OK);
  return { sources, jobs: JSON.parse(cli.stdout) as unknown[] };
}

describe('before anything is registered or queued', () => {
  const purchases = () => {
    const data = join(dir, 'purchases');
    mkdirSync(data, { recursive: true });
    const file = join(data, 'purchases.csv');
    writeFileSync(
      file,
      'purchase_id,user_id,at,amount\n1,1,2024-01-01,3\n2,2,2024-01-02,4\n2,3,2024-01-03,5\n',
    );
    return file;
  };

  /** [what, the query, the data, further flags, the error code]. */
  const CASES: [string, string, () => string, string[], string][] = [
    [
      'a query naming an unknown table',
      'PREDICT COUNT(ordrs.*, 0, 30, days) > 0 FOR EACH users.user_id',
      () => shop.dir,
      [],
      'PQL_INVALID_QUERY',
    ],
    [
      'a test window the data ends inside',
      SHOP_QUERY,
      () => shop.dir,
      ['--validation-start', '2024-10-01', '--test-start', '2024-12-01'],
      'PQL_DATA_ENDS_BEFORE_WINDOW',
    ],
    [
      'data with a duplicated primary key',
      'PREDICT COUNT(purchases.*, 0, 30, days) > 0 FOR EACH purchases.purchase_id',
      purchases,
      [],
      'DATA_VALIDATION_FAILED',
    ],
  ];

  it.each(CASES)(
    'refuses %s, leaving no source and no job',
    async (name, query, data, flags, code) => {
      const ws = join(dir, `ws-${name.replace(/\W+/g, '-')}`);
      expect(await run('train', query, '--data', data(), ...FAST, ...flags, '-w', ws)).toBe(
        EXIT_USER_ERROR,
      );
      expect(cli.stderr).toContain(`error [${code}]`);
      expect(await registered(ws)).toEqual({ sources: [], jobs: [] });
    },
  );

  it('names the duplicated key and the inspect command that lists every error', async () => {
    const file = purchases();
    const query = 'PREDICT COUNT(purchases.*, 0, 30, days) > 0 FOR EACH purchases.purchase_id';
    expect(await run('train', query, '--data', file, '-w', join(dir, 'ws-dup'))).toBe(
      EXIT_USER_ERROR,
    );
    expect(cli.stderr).toContain(
      'first: DATA_PK_DUPLICATE purchases.purchase_id: key 2 occurs 2 times (data rows 2, 3)',
    );
    expect(cli.stderr).toContain(`\`prequel inspect ${file}\` lists them all`);
  });
});

describe('a label that never varies', () => {
  it('is refused with CONTROL_CONSTANT_LABEL naming the target', async () => {
    const always = 'PREDICT COUNT(orders.*, 0, 30, days) >= 0 FOR EACH users.user_id';
    const ws = join(dir, 'ws-constant');
    expect(await run('train', always, '--data', shop.dir, ...FAST, '-w', ws)).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain(
      'error [CONTROL_CONSTANT_LABEL]: the label is true (positive) for all ',
    );
    expect(cli.stderr).toContain('the target COUNT(orders.*, 0, 30, days) >= 0 does not vary');
  }, 60_000);
});

describe('a trained model', () => {
  const ws = () => join(dir, 'ws-trained');
  let trained: { stdout: string; stderr: string };

  beforeAll(async () => {
    cli.capture();
    const code = await run('train', SHOP_QUERY, '--data', shop.dir, ...FAST, '-w', ws());
    trained = { stdout: cli.stdout, stderr: cli.stderr };
    vi.restoreAllMocks();
    expect(code, cli.stderr).toBe(EXIT_OK);
  }, 120_000);

  it('says how long training and the whole run took, as its report does', async () => {
    const time =
      /^ {2}time {8}training (\d+\.\d) s, total (\d+\.\d) s \(data, labels, training, evaluation\)$/m.exec(
        trained.stdout,
      );
    expect(time, trained.stdout).not.toBeNull();
    expect(Number(time![1])).toBeLessThanOrEqual(Number(time![2]));
    const report = /^ {2}report {6}(.*)$/m.exec(trained.stdout)![1]!;
    const html = readFileSync(report, 'utf8');
    expect(html).toContain(`· 2 epochs · training ${time![1]} s · total ${time![2]} s`);
  });

  it('ends its output with the warnings, as models show and the report do', async () => {
    // 12 users: the validation and test splits have 24 examples each.
    const block = trained.stdout.slice(trained.stdout.indexOf('\nwarnings:\n'));
    expect(block).toMatch(/^\nwarnings:\n {2}the validation split has only 24 examples/);
    expect(block).toContain('\n  the test split has only 24 examples');
    expect(await run('models', 'show', '1', '-w', ws())).toBe(EXIT_OK);
    expect(cli.stdout).toContain('warnings:\n  the validation split has only 24 examples');
    const report = /^ {2}report {6}(.*)$/m.exec(cli.stdout)![1]!;
    expect(readFileSync(report, 'utf8')).toContain('<li>the test split has only 24 examples');
  });

  it('fills the labels column of every split in the report', async () => {
    const report = /^ {2}report {6}(.*)$/m.exec(trained.stdout)![1]!;
    const html = readFileSync(report, 'utf8');
    for (const split of ['train', 'validation', 'test']) {
      expect(html, split).toMatch(
        new RegExp(`<tr><td>${split}</td><td>\\d+</td><td>\\d+</td><td>\\d+\\.\\d% positive</td>`),
      );
    }
  });
});

describe('explain', () => {
  it('warns under its counts about splits of few examples, and in JSON', async () => {
    expect(await run('explain', SHOP_QUERY, '--data', shop.dir)).toBe(EXIT_OK);
    expect(cli.stdout).toMatch(
      /^examples {4}train \d+, validation 24, test 24\nwarning {5}the validation split has only 24 examples \(fewer than 50\)/m,
    );
    expect(await run('explain', SHOP_QUERY, '--data', shop.dir, '--json')).toBe(EXIT_OK);
    const json = JSON.parse(cli.stdout) as { exampleWarnings: string[]; notes: string[] };
    expect(json.exampleWarnings).toEqual([
      expect.stringMatching(/^the validation split has only 24 examples/),
      expect.stringMatching(/^the test split has only 24 examples/),
    ]);
    expect(json.notes).toEqual([]);
    expect(await run('explain', SHOP_QUERY, '--data', shop.dir, '--no-count')).toBe(EXIT_OK);
    expect(cli.stdout).not.toContain('warning     the');
  });

  it('on a registered source warns the same, as the REST answer does', async () => {
    const ws = join(dir, 'ws-trained');
    expect(await run('explain', SHOP_QUERY, '--source', 'shop', '-w', ws)).toBe(EXIT_OK);
    expect(cli.stdout).toMatch(/\nwarning {5}the test split has only 24 examples/);
    const prequel = await Prequel.open({ workspace: ws });
    try {
      const answer = await prequel.explain({
        source: 'shop',
        query: SHOP_QUERY,
        countExamples: true,
      });
      expect(answer.exampleWarnings).toHaveLength(2);
      const uncounted = await prequel.explain({ source: 'shop', query: SHOP_QUERY });
      expect(uncounted.exampleWarnings).toEqual([]);
    } finally {
      await prequel.close();
    }
  });
});
