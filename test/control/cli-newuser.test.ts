// SPDX-License-Identifier: Apache-2.0
// What a new user ran into: a --delimiter or --encoding the reader cannot use is refused before
// any file is read; --allow-partial-window keeps only a last window that starts before the data
// ends (explain prints its warning); --out paths are checked before the work, and one file name
// with several formats is refused; a reader closing stdout early ends the command quietly;
// --anchor-time errors name the flag, and an anchor where nothing is eligible warns with the
// model's time range.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT_OK, EXIT_USER_ERROR } from '../../src/control/cli/main.js';
import { fileOptionsFrom } from '../../src/control/cli/source-options.js';
import { SHOP_QUERY, writeShop, type Shop } from '../pipeline/shop.js';
import { spawnCli } from '../support/cli-process.js';
import { captureCli, tempDir } from './helpers.js';

let dir: string;
let shop: Shop;
const cli = captureCli();

beforeAll(() => {
  dir = tempDir('prequel-cli-newuser-');
  shop = writeShop(join(dir, 'shop'), 12);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--delimiter and --encoding are checked before reading', () => {
  const out = () => join(dir, 'graph-delimiter.json');

  it.each([
    ['', '""'],
    ['ab', '"ab"'],
  ])('refuses --delimiter %j in inspect and explain', async (delimiter, shown) => {
    expect(await cli.run('inspect', shop.dir, '--out', out(), '--delimiter', delimiter)).toBe(
      EXIT_USER_ERROR,
    );
    expect(cli.stderr).toContain('CONTROL_SOURCE_SETTING_INVALID');
    expect(cli.stderr).toContain(
      `setting delimiter must be one character, e.g. "," or "\\t", got ${shown}`,
    );
    expect(existsSync(out())).toBe(false);
    const explain = ['explain', SHOP_QUERY, '--data', shop.dir, '--no-count'];
    expect(await cli.run(...explain, '--delimiter', delimiter)).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain(`setting delimiter must be one character`);
  });

  it('refuses an unknown --encoding with the accepted ones', async () => {
    expect(await cli.run('inspect', shop.dir, '--out', out(), '--encoding', 'foo')).toBe(
      EXIT_USER_ERROR,
    );
    expect(cli.stderr).toContain('CONTROL_SOURCE_SETTING_INVALID');
    expect(cli.stderr).toContain('setting encoding must be utf-8, latin-1, utf-16, got "foo"');
    expect(cli.stderr).not.toMatch(/duckdb|Binder|Invalid Input/i);
  });

  it('accepts one character, a tab typed as \\t, and the known encodings', () => {
    expect(fileOptionsFrom({ delimiter: ';' }).delimiter).toBe(';');
    expect(fileOptionsFrom({ delimiter: '\\t' }).delimiter).toBe('\\t');
    expect(fileOptionsFrom({ delimiter: '\t' }).delimiter).toBe('\t');
    expect(fileOptionsFrom({ encoding: 'latin-1' }).encoding).toBe('latin-1');
  });
});

describe('a table whose CSV file holds only its header', () => {
  it('is named as empty (rows: 0) by explain, not as a table without a time column', async () => {
    const data = join(dir, 'empty-orders');
    mkdirSync(data);
    writeFileSync(join(data, 'customers.csv'), 'customer_id,signup\n1,2024-01-01\n2,2024-02-01\n');
    writeFileSync(join(data, 'orders.csv'), 'order_id,customer_id,ordered_at\n');
    const query = 'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id';
    expect(await cli.run('explain', query, '--data', data, '--no-count')).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain('[PQL_TABLE_EMPTY] table orders at line 1, column 15 has no rows');
    expect(cli.stderr).not.toContain('PQL_NO_TIME_COLUMN');
    expect(cli.stderr).not.toContain('PQL_NOT_REACHABLE');
  });
});

describe('--allow-partial-window keeps only a window that starts before the data ends', () => {
  // The shop's orders end on 2024-12-20.
  const explain = () => ['explain', SHOP_QUERY, '--data', shop.dir, '--no-count'];

  it('refuses validation and test windows entirely after the data, even with the flag', async () => {
    const late = ['--validation-start', '2029-01-01', '--test-start', '2030-01-01'];
    for (const flags of [[], ['--allow-partial-window']]) {
      expect(await cli.run(...explain(), ...late, ...flags), cli.stderr).toBe(EXIT_USER_ERROR);
      expect(cli.stderr).toContain('PQL_WINDOW_AFTER_DATA');
      expect(cli.stderr).toContain('the validation window from 2029-01-01');
      expect(cli.stderr).toContain('give a --validation-start before 2024-12-');
    }
    const lateTest = ['--validation-start', '2024-10-01', '--test-start', '2025-06-01'];
    expect(await cli.run(...explain(), ...lateTest, '--allow-partial-window')).toBe(
      EXIT_USER_ERROR,
    );
    expect(cli.stderr).toContain('PQL_WINDOW_AFTER_DATA');
    expect(cli.stderr).toContain('the test window from 2025-06-01');
  });

  it('keeps a last window that starts before the data ends, and explain prints the warning', async () => {
    const split = ['--validation-start', '2024-10-01', '--test-start', '2024-12-01'];
    expect(await cli.run(...explain(), ...split, '--allow-partial-window'), cli.stderr).toBe(
      EXIT_OK,
    );
    expect(cli.stdout).toContain('[PQL_PARTIAL_WINDOW] the last test window closes at');
  });
});

describe('--out is checked before any work', () => {
  it('refuses a graph file in a missing directory and writes nothing', async () => {
    const out = join(dir, 'missing', 'x', 'graph.json');
    expect(await cli.run('inspect', shop.dir, '--out', out)).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain('CONTROL_PATH_UNUSABLE');
    expect(cli.stderr).toContain(`cannot use ${out} as the graph file`);
    expect(cli.stderr).toContain('does not exist');
    expect(cli.stderr).not.toContain('ENOENT');
  });

  it('refuses prediction paths before the workspace is opened', async () => {
    const workspace = join(dir, 'ws-never-made');
    const out = join(dir, 'missing', 'dir', 'x.csv');
    expect(await cli.run('predict', '--model', '1', '--out', out, '-w', workspace)).toBe(
      EXIT_USER_ERROR,
    );
    expect(cli.stderr).toContain('CONTROL_PATH_UNUSABLE');
    expect(cli.stderr).toContain(`cannot use ${out} as the predictions file`);
    const single = join(dir, 'single.csv');
    const both = ['--format', 'csv,parquet', '--out', single, '-w', workspace];
    expect(await cli.run('predict', '--model', '1', ...both)).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain('CONTROL_INVALID_ARGUMENT');
    expect(cli.stderr).toContain('--out must be a directory for the 2 formats csv, parquet');
    expect(existsSync(single)).toBe(false);
    expect(existsSync(workspace)).toBe(false);
  });
});

describe('stdout closed by the reader', () => {
  it('ends quietly, without an EPIPE stack', async () => {
    const child = spawnCli(['jobs', 'rerun', '--help']);
    // The reader goes away before the help is written: the write fails with EPIPE.
    child.stdout!.destroy();
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).not.toContain('EPIPE');
    expect(code).toBe(EXIT_OK);
  }, 30_000);
});

describe('predict --anchor-time', () => {
  const FAST = ['--mode', 'fast', '--epochs', '1', '--channels', '8', '--fanouts', '4,2'];
  const ws = () => ['-w', join(dir, 'ws-predict')];
  let model: string;

  beforeAll(async () => {
    cli.capture();
    const trained = await cli.run(
      'train',
      SHOP_QUERY,
      '--data',
      shop.dir,
      ...FAST,
      ...ws(),
      '--json',
    );
    vi.restoreAllMocks();
    expect(trained).toBe(EXIT_OK);
    model = '1';
  }, 120_000);

  it('names the flag when the time cannot be read', async () => {
    expect(await cli.run('predict', '--model', model, '--anchor-time', 'garbage', ...ws())).toBe(
      EXIT_USER_ERROR,
    );
    expect(cli.stderr).toContain('--anchor-time must be');
    expect(cli.stderr).not.toContain('anchorTime');
  });

  it('warns with the model data range when the anchor is before the data', async () => {
    expect(await cli.run('predict', '--model', model, '--anchor-time', '1990-01-01', ...ws())).toBe(
      EXIT_OK,
    );
    expect(cli.stderr).toMatch(
      /warning: the anchor time 1990-01-01T00:00:00\.000Z is before the model's data: its first training anchor is 2023-\d\d-\d\d.* and the data ends at 2024-12-/,
    );
    expect(await cli.run('predict', '--model', model, '--anchor-time', '2024-06-01', ...ws())).toBe(
      EXIT_OK,
    );
    expect(cli.stderr).not.toContain('warning');
  }, 60_000);
});
