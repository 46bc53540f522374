// SPDX-License-Identifier: Apache-2.0
// What a new user ran into predicting: --out and --format must agree (a .parquet file never
// holds CSV), an --out without a known extension needs --format, and a copy the system refuses
// names the path and where the predictions are kept; an anchor after the end of the data warns
// (CLI stderr, the job result, the REST answer's `warnings`), and an empty prediction says why;
// row counts are numbers everywhere; the synchronous route names its value as the files do.
import { existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApi } from '../../src/control/api/app.js';
import { EXIT_OK, EXIT_USER_ERROR } from '../../src/control/cli/main.js';
import { formatsFromFlags } from '../../src/control/cli/predict.js';
import { PrequelError } from '../../src/errors/index.js';
import { Prequel } from '../../src/prequel.js';
import { writeShop, type Shop } from '../pipeline/shop.js';
import { captureCli, tempDir } from './helpers.js';

const cli = captureCli();
const { run } = cli;

/** Users who ordered in the 60 days before the anchor: none after the data ends. */
const ACTIVE_QUERY =
  'PREDICT COUNT(orders.*, 0, 30, days) > 0 FOR EACH users.user_id ' +
  'WHERE COUNT(orders.*, -60, 0, days) > 0';
const FAST = ['--mode', 'fast', '--epochs', '1', '--channels', '8', '--fanouts', '4,2'];

let dir: string;
let shop: Shop;
const ws = () => ['-w', join(dir, 'ws')];

beforeAll(async () => {
  dir = tempDir('prequel-cli-predict-out-');
  shop = writeShop(join(dir, 'shop'), 30);
  cli.capture();
  const code = await run('train', ACTIVE_QUERY, '--data', shop.dir, ...FAST, ...ws(), '--json');
  vi.restoreAllMocks();
  expect(code, cli.stderr).toBe(EXIT_OK);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--format and --out', () => {
  /** [flags, the formats written, or the start of the error]. */
  const CASES: [{ format?: string; out?: string }, string[] | string][] = [
    [{}, ['parquet']],
    [{ out: 'p.csv' }, ['csv']],
    [{ out: 'P.PARQUET' }, ['parquet']],
    [{ out: 'p.feather' }, ['arrow']],
    [{ format: 'csv', out: 'p.csv' }, ['csv']],
    [{ format: 'csv', out: 'p.txt' }, ['csv']],
    [{ format: 'csv,json', out: 'outdir/' }, ['csv', 'json']],
    [{ format: 'json', out: 'outdir/' }, ['json']],
    [
      { format: 'csv', out: 'p.parquet' },
      '--format and --out must be the same format: --format csv writes CSV, but p.parquet ' +
        'names a Parquet file; give --out a name ending in .csv, or --format parquet',
    ],
    [{ format: 'parquet', out: 'p.arrow' }, '--format and --out must be the same format'],
    [{ out: 'p.txt' }, '--out must be a file name ending in .csv, .parquet, .arrow'],
    [{ out: 'predictions' }, '--out must be a file name ending in .csv, .parquet, .arrow'],
  ];

  it.each(CASES)('%j gives %j', (flags, expected) => {
    if (Array.isArray(expected)) {
      expect(formatsFromFlags(flags)).toEqual(expected);
      return;
    }
    let error: unknown = null;
    try {
      formatsFromFlags(flags);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PrequelError);
    expect((error as PrequelError).code).toBe('CONTROL_INVALID_ARGUMENT');
    expect((error as PrequelError).message).toContain(expected);
  });

  it('refuses a mismatch before any work, and writes the format the name says', async () => {
    const wrong = join(dir, 'p.parquet');
    expect(await run('predict', '--model', '1', '--format', 'csv', '--out', wrong, ...ws())).toBe(
      EXIT_USER_ERROR,
    );
    expect(cli.stderr).toContain('error [CONTROL_INVALID_ARGUMENT]: --format and --out');
    expect(existsSync(wrong)).toBe(false);
    expect(await run('predict', '--model', '1', '--out', wrong, ...ws()), cli.stderr).toBe(EXIT_OK);
    expect(readFileSync(wrong).subarray(0, 4).toString()).toBe('PAR1');
    expect(cli.stdout).toContain(`copied to ${wrong} (Parquet)`);
  }, 60_000);

  it('names the path and the kept prediction set when the copy fails', async () => {
    // A link to a missing directory passes the checks made before the work; the copy fails.
    const out = join(dir, 'dangling.csv');
    symlinkSync(join(dir, 'missing-dir', 'p.csv'), out);
    expect(await run('predict', '--model', '1', '--out', out, ...ws())).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toMatch(
      new RegExp(
        `error \\[CONTROL_PATH_UNUSABLE\\]: cannot use ${out} as the predictions file: the copy ` +
          'failed \\(ENOENT\\); the predictions are saved in the workspace as prediction set ' +
          '(\\d+) of model 1 \\(csv /.*; `prequel models show 1` lists it\\)',
      ),
    );
    expect(cli.stderr).not.toContain('copyfile');
    const set = /prediction set (\d+)/.exec(cli.stderr)![1]!;
    expect(await run('models', 'show', '1', ...ws())).toBe(EXIT_OK);
    expect(cli.stdout).toMatch(new RegExp(`^ {2}${set} {2}\\d+ rows? as of .*\\(csv\\)$`, 'm'));
  }, 60_000);
});

describe('an anchor after the end of the data', () => {
  it('warns, and says why nothing was predicted', async () => {
    expect(await run('predict', '--model', '1', '--anchor-time', '2030-01-01', ...ws())).toBe(
      EXIT_OK,
    );
    expect(cli.stderr).toContain(
      'warning: the anchor time 2030-01-01T00:00:00.000Z is after the end of the data (its ' +
        `latest timestamp is ${shop.lastOrder}): features stop there`,
    );
    expect(cli.stderr).toContain(
      "warning: no entity was predicted: no users row passes the query's filter WHERE " +
        'COUNT(orders.*, -60, 0, days) > 0 at 2030-01-01T00:00:00.000Z; the data ends at',
    );
    expect(cli.stdout).toMatch(/^predicted 0 rows with model 1 as of 2030-01-01/);

    expect(await run('predict', '--model', '1', '--json', ...ws())).toBe(EXIT_OK);
    const latest = JSON.parse(cli.stdout) as { rowCount: unknown; warnings: string[] };
    expect(latest.warnings).toEqual([]);
    expect(latest.rowCount).toEqual(expect.any(Number));
    expect(latest.rowCount).toBeGreaterThan(0);
  }, 60_000);

  it('warns in the REST answers: the batch job result and the synchronous predictions', async () => {
    const prequel = await Prequel.open({ workspace: join(dir, 'ws') });
    const app = await buildApi(prequel);
    try {
      const { token } = await prequel.createToken('rest');
      const headers = { authorization: `Bearer ${token}` };
      const batch = await app.inject({
        method: 'POST',
        url: '/models/1/predictions',
        headers,
        payload: { anchorTime: '2030-01-01', formats: ['csv'] },
      });
      expect(batch.statusCode).toBe(202);
      const done = await prequel.waitForJob(batch.json().id, { timeoutMs: 60_000 });
      const result = done.result as { rowCount: unknown; warnings: string[] };
      expect(result.rowCount).toBe(0);
      expect(result.warnings).toEqual([
        expect.stringContaining('is after the end of the data'),
        expect.stringContaining('no entity was predicted'),
      ]);
      const sets = await app.inject({ method: 'GET', url: '/models/1/predictions', headers });
      for (const set of sets.json().predictionSets) {
        expect(set.rowCount, JSON.stringify(set)).toEqual(expect.any(Number));
      }

      const ids = [shop.userIds[0]!, shop.userIds[1]!];
      const late = await app.inject({
        method: 'POST',
        url: '/models/1/predict',
        headers,
        payload: { ids, anchorTime: '2030-01-01' },
      });
      expect(late.statusCode).toBe(200);
      expect(late.json().warnings).toEqual([
        expect.stringMatching(/^the anchor time 2030-01-01T00:00:00\.000Z is after the end/),
      ]);
      const now = await app.inject({
        method: 'POST',
        url: '/models/1/predict',
        headers,
        payload: { ids },
      });
      expect(now.json().warnings).toEqual([]);
      for (const p of now.json().predictions) {
        expect(Object.keys(p).sort()).toEqual(['id', 'probability']);
      }
    } finally {
      await app.close();
      await prequel.close();
    }
  }, 120_000);
});

describe('synchronous and batch predictions', () => {
  it('name the value alike and agree to float32 rounding', async () => {
    const out = join(dir, 'all.csv');
    expect(await run('predict', '--model', '1', '--out', out, '--json', ...ws())).toBe(EXIT_OK);
    const { anchorTime } = JSON.parse(cli.stdout) as { anchorTime: string };
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
    expect(header).toBe('user_id,anchor_time,probability');
    const batch = new Map(rows.map((r) => r.split(',')).map((r) => [r[0]!, Number(r[2])]));
    const prequel = await Prequel.open({ workspace: join(dir, 'ws') });
    try {
      const few = [...batch.keys()].slice(0, 3);
      const sync = await prequel.predictEntities({ model: '1', ids: few, anchorTime });
      for (const p of sync.predictions) {
        expect(Math.abs(p.probability! - batch.get(p.id)!), p.id).toBeLessThan(1e-6);
      }
    } finally {
      await prequel.close();
    }
  }, 60_000);
});
