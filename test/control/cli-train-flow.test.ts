// SPDX-License-Identifier: Apache-2.0
// `prequel train` and `prequel predict` end to end on tiny data, through main(): a partial last
// window is refused and then allowed by --allow-partial-window (the setting reaches the plan of
// the training job), progress counts epochs from 1, a split whose labels hold a single class
// trains with a warning naming the split and its class counts (a single-class validation window
// reports AUROC as undefined with its counts), and integer entity keys stay integers in the
// Parquet and Arrow predictions.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_USER_ERROR } from '../../src/control/cli/main.js';
import { cellValue } from '../../src/data/column-builder.js';
import { openDuckDb } from '../../src/data/duckdb.js';
import { SHOP_QUERY, writeShop, type Shop } from '../pipeline/shop.js';
import { captureCli, tempDir } from './helpers.js';

const FAST = ['--mode', 'fast', '--epochs', '2', '--channels', '8', '--fanouts', '4,2'];
const DAY_MS = 86_400_000;
/** True when a user places an order of more than 100 in the next 30 days. */
const BIG_ORDER =
  'PREDICT COUNT(orders.* WHERE orders.amount > 100, 0, 30, days) > 0 FOR EACH users.user_id';
/** Validation anchor 2024-06-01 (window to 2024-07-01), test anchor 2024-09-01. */
const SPLIT = ['--validation-start', '2024-06-01', '--test-start', '2024-09-01'];

let dir: string;
let shop: Shop;
const cli = captureCli();

/**
 * 24 users ordering small amounts every week or so through 2023 and 2024; users with an even id
 * also place orders of 500 at the given times.
 */
function writeBigOrders(name: string, bigAt: string[]): string {
  const out = join(dir, name);
  mkdirSync(out, { recursive: true });
  const users = ['user_id,segment'];
  const orders = ['order_id,user_id,order_time,amount'];
  let id = 1;
  const stamp = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
  for (let u = 1; u <= 24; u++) {
    users.push(`${u},s${u % 3}`);
    const every = (7 + (u % 5)) * DAY_MS;
    for (let t = Date.UTC(2023, 0, 1) + u * DAY_MS; t < Date.UTC(2024, 11, 31); t += every) {
      orders.push(`${id++},${u},${stamp(t)},${10 + (u % 7)}`);
    }
    if (u % 2 === 0) for (const at of bigAt) orders.push(`${id++},${u},${at} 12:00:00,500`);
  }
  writeFileSync(join(out, 'users.csv'), `${users.join('\n')}\n`);
  writeFileSync(join(out, 'orders.csv'), `${orders.join('\n')}\n`);
  return out;
}

beforeAll(() => {
  dir = tempDir('prequel-cli-train-');
  shop = writeShop(join(dir, 'shop'), 20);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('train with a last window past the end of the data', () => {
  // The shop's orders end on 2024-12-20: a test window from 2024-12-01 closes after it.
  const split = ['--validation-start', '2024-10-01', '--test-start', '2024-12-01'];

  it('fails naming --allow-partial-window, and trains with it', async () => {
    const ws = ['-w', join(dir, 'ws-partial')];
    const args = ['train', SHOP_QUERY, '--data', shop.dir, ...FAST, ...split, ...ws];
    expect(await cli.run(...args)).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain('error [PQL_DATA_ENDS_BEFORE_WINDOW]');
    expect(cli.stderr).toContain('pass --allow-partial-window (CLI)');

    expect(await cli.run(...args, '--allow-partial-window'), cli.stderr).toBe(EXIT_OK);
    expect(cli.stderr).toMatch(/\[warn\] PQL_PARTIAL_WINDOW: the last test window closes at/);
    expect(cli.stdout).toMatch(/^test metrics \(\d+ examples\):$/m);
  });
});

describe('progress', () => {
  it('counts epochs from 1', async () => {
    const args = ['train', SHOP_QUERY, '--data', shop.dir, ...FAST, '-w', join(dir, 'ws-epochs')];
    expect(await cli.run(...args), cli.stderr).toBe(EXIT_OK);
    expect(cli.stderr).toMatch(/config 1\/1 epoch 1: loss/);
    expect(cli.stderr).toMatch(/config 1\/1 epoch 2: loss/);
    expect(cli.stderr).not.toMatch(/epoch 0\b/);
  });
});

describe('a split whose labels hold a single class', () => {
  it('trains on a one-class training window with a warning naming the split and its counts', async () => {
    // Orders of 500 only from the validation start on: every training label is 0.
    const data = writeBigOrders('big-later', ['2024-06-10', '2024-09-10']);
    const ws = ['-w', join(dir, 'ws-one-class-train')];
    expect(
      await cli.run('train', BIG_ORDER, '--data', data, ...FAST, ...SPLIT, ...ws),
      cli.stderr,
    ).toBe(EXIT_OK);
    expect(cli.stderr).toMatch(
      /\[warn\] the train split has a single class \(0 positive, \d+ negative\): the model cannot learn/,
    );
    expect(cli.stderr).not.toMatch(/the (validation|test) split has a single class/);
    expect(cli.stderr).toMatch(/train: succeeded/);
  });

  it('reports validation AUROC as undefined with the class counts, and trains on', async () => {
    // Orders of 500 before and after the validation window (2024-06-01 .. 2024-07-01), none in it.
    const data = writeBigOrders('big-around', [
      '2023-03-10',
      '2023-08-10',
      '2024-01-10',
      '2024-04-10',
      '2024-09-10',
    ]);
    const ws = ['-w', join(dir, 'ws-one-class-validation')];
    const args = ['train', BIG_ORDER, '--data', data, ...FAST, ...SPLIT, ...ws, '--json'];
    expect(await cli.run(...args), cli.stderr).toBe(EXIT_OK);
    const events = cli.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; level?: string; message?: string });
    const warnings = events.filter((e) => e.type === 'log' && e.level === 'warn');
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(
        /^the validation split has a single class \(0 positive, 24 negative\): its AUROC is undefined/,
      ),
      expect.stringMatching(/^the validation split has only 24 examples \(fewer than 50\)/),
      expect.stringMatching(/^the test split has only 24 examples \(fewer than 50\)/),
    ]);
    const out = JSON.parse(cli.stdout) as {
      validation: { model: { auroc: number | null }; notes: string[] };
      test: { model: { auroc: number | null } };
    };
    expect(out.validation.model.auroc).toBeNull();
    expect(out.validation.notes).toContain(
      'model auroc: AUROC is undefined with a single class (0 positive, 24 negative)',
    );
    expect(out.test.model.auroc).toEqual(expect.any(Number));
  });
});

describe('prediction files', () => {
  it('keep integer entity keys as BIGINT in Parquet and Int64 in Arrow, exactly', async () => {
    const ws = ['-w', join(dir, 'ws-keys')];
    expect(await cli.run('train', SHOP_QUERY, '--data', shop.dir, ...FAST, ...ws, '--json')).toBe(
      EXIT_OK,
    );
    const { modelId } = JSON.parse(cli.stdout) as { modelId: string };
    const format = ['--format', 'parquet,arrow,json', '--json'];
    expect(await cli.run('predict', '--model', modelId, ...format, ...ws), cli.stderr).toBe(
      EXIT_OK,
    );
    const files = (JSON.parse(cli.stdout) as { files: { format: string; path: string }[] }).files;
    const path = (format: string) => files.find((f) => f.format === format)!.path;

    const db = await openDuckDb(':memory:');
    try {
      const parquet = `'${path('parquet').replace(/'/g, "''")}'`;
      const types = await db.queryAll(`DESCRIBE SELECT * FROM read_parquet(${parquet})`);
      const names = types.columns.find((c) => c.name === 'column_name')!;
      const kinds = types.columns.find((c) => c.name === 'column_type')!;
      const typeOf = (column: string) => {
        for (let i = 0; i < types.rows; i++) {
          if (cellValue(names, i) === column) return cellValue(kinds, i);
        }
        return undefined;
      };
      expect(typeOf('user_id')).toBe('BIGINT');
      expect(typeOf('probability')).toBe('DOUBLE');
      const keys = await db.queryAll(
        `SELECT CAST(user_id AS VARCHAR) AS k FROM read_parquet(${parquet}) ORDER BY user_id`,
      );
      const column = keys.columns[0]!;
      const read = Array.from({ length: keys.rows }, (_, i) => String(cellValue(column, i)));
      expect(read).toEqual(shop.userIds);
    } finally {
      await db.close();
    }

    const arrow = tableFromIPC(readFileSync(path('arrow')));
    expect(String(arrow.schema.fields.find((f) => f.name === 'user_id')!.type)).toBe('Int64');
    const arrowKeys = Array.from(arrow.getChild('user_id')!.toArray() as BigInt64Array, String);
    expect(arrowKeys.sort()).toEqual([...shop.userIds].sort());
    // JSON keeps keys as strings: a double cannot hold 2^53 + 1.
    const json = JSON.parse(readFileSync(path('json'), 'utf8')) as { user_id: unknown }[];
    expect(json.map((r) => r.user_id)).toEqual(shop.userIds);
  });
});
