// SPDX-License-Identifier: Apache-2.0
// What the CLI says about its inputs before any training: settings errors name the flag the user
// typed, --data next to a graph file recording other data says which one is read, a partial last
// window is refused with the flag that allows it (and allowed with it, over the CLI and REST), and
// a workspace or output path that cannot be used is one coded error naming it (text and --json).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveDataSource } from '../../src/control/cli/data-source.js';
import { EXIT_OK, EXIT_USER_ERROR } from '../../src/control/cli/main.js';
import { Prequel } from '../../src/prequel.js';
import { SHOP_QUERY, writeShop, type Shop } from '../pipeline/shop.js';
import { captureCli, tempDir, withApi } from './helpers.js';

let dir: string;
let shop: Shop;
let otherShop: Shop;
let graphFile: string;
const cli = captureCli();

beforeAll(async () => {
  dir = tempDir('prequel-cli-usage-');
  shop = writeShop(join(dir, 'shop'), 12);
  otherShop = writeShop(join(dir, 'shop-copy'), 12, 8);
  graphFile = join(dir, 'graph.json');
  cli.capture();
  try {
    expect(await cli.run('inspect', shop.dir, '--out', graphFile)).toBe(EXIT_OK);
  } finally {
    vi.restoreAllMocks();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('settings errors name CLI flags', () => {
  it.each([
    [
      ['--validation-start', '2024-06-01', '--test-start', '2024-01-01'],
      '--test-start must be later than --validation-start (2024-06-01)',
    ],
    [['--mode', 'turbo'], '--mode must be fast, normal, best'],
    [['--backend', 'cuda'], '--backend must be cpu or webgpu'],
    [['--channels', '5000'], '--channels must be an integer from 1 to 4096'],
    [['--threads', '300'], '--threads must be an integer from 1 to 256'],
    [
      [
        '--validation-start',
        '2024-01-01',
        '--test-start',
        '2024-06-01',
        '--eval-anchors',
        '2000000',
      ],
      '--eval-anchors must be an integer from 1 to 1000000',
    ],
  ])('train %j', async (flags, message) => {
    const workspace = join(dir, 'ws-settings');
    expect(await cli.run('train', SHOP_QUERY, '--data', shop.dir, '-w', workspace, ...flags)).toBe(
      EXIT_USER_ERROR,
    );
    expect(cli.stderr).toContain('CONTROL_INVALID_ARGUMENT');
    expect(cli.stderr).toContain(message);
    expect(cli.stderr).not.toContain('options.');
    // Refused before anything is created.
    expect(existsSync(workspace)).toBe(false);
  });

  it('demo --epochs beyond the limit', async () => {
    const out = join(dir, 'demo-settings');
    expect(await cli.run('demo', '--dir', out, '--epochs', '2000000')).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain('--epochs must be an integer from 1 to 1000000');
    expect(cli.stderr).not.toContain('options.');
    expect(existsSync(out)).toBe(false);
  });
});

describe('--data next to a graph file that records other data', () => {
  const query = 'PREDICT COUNT(orders.*, 0, 30, days) > 0 FOR EACH users.user_id';

  it('explain reads --data and says so; the same path is not noted', async () => {
    expect(await cli.run('explain', query, '--data', otherShop.dir, '--graph', graphFile)).toBe(
      EXIT_OK,
    );
    expect(cli.stderr).toContain(`note: reading --data ${resolve(otherShop.dir)}, not ${shop.dir}`);
    expect(cli.stderr).toContain(`graph file ${graphFile}`);
    const json = ['explain', query, '--data', otherShop.dir, '--graph', graphFile, '--json'];
    expect(await cli.run(...json)).toBe(EXIT_OK);
    expect(JSON.parse(cli.stdout).notes).toEqual([expect.stringContaining(otherShop.dir)]);

    expect(await cli.run('explain', query, '--data', shop.dir, '--graph', graphFile)).toBe(EXIT_OK);
    expect(cli.stderr).not.toContain('note:');
  });

  it('train registers the --data path and notes the graph file its data is not read from', async () => {
    const prequel = await Prequel.open({ workspace: join(dir, 'ws-notes'), create: true });
    try {
      const other = await resolveDataSource(prequel, { data: otherShop.dir, graph: graphFile });
      expect(other.source.settings.path).toBe(resolve(otherShop.dir));
      expect(other.notes).toContainEqual(
        `note: reading --data ${resolve(otherShop.dir)}, not ${shop.dir} recorded in the graph ` +
          `file ${graphFile} (--data wins over the graph file's data)`,
      );
      const same = await resolveDataSource(prequel, { data: shop.dir, graph: graphFile });
      expect(same.notes.filter((n) => n.startsWith('note:'))).toEqual([]);
    } finally {
      await prequel.close();
    }
  });

  it('train registers several --null markers as nullStrings, and reuses that source', async () => {
    const prequel = await Prequel.open({ workspace: join(dir, 'ws-nulls'), create: true });
    try {
      const flags = { data: shop.dir, null: ['\\N', 'NA'] };
      const first = await resolveDataSource(prequel, flags);
      expect(first.source.settings).toMatchObject({ nullStrings: ['\\N', 'NA'] });
      const again = await resolveDataSource(prequel, flags);
      expect(again.source.id).toBe(first.source.id);
      const one = await resolveDataSource(prequel, { data: shop.dir, null: ['NA'] });
      expect(one.source.settings).toMatchObject({ nullString: 'NA' });
      expect(one.source.id).not.toBe(first.source.id);
    } finally {
      await prequel.close();
    }
  });

  it('documents the rule in --help', async () => {
    for (const command of ['train', 'explain']) {
      expect(await cli.run(command, '--help')).toBe(EXIT_OK);
      expect(cli.stdout.replace(/\s+/g, ' '), command).toContain("wins over a --graph file's data");
    }
  });
});

describe('a last window past the end of the data', () => {
  // The shop's orders end on 2024-12-20: a test window from 2024-12-01 closes after it.
  const split = ['--validation-start', '2024-10-01', '--test-start', '2024-12-01'];

  it('is refused with the flag that allows it, and kept with a warning with the flag', async () => {
    expect(await cli.run('explain', SHOP_QUERY, '--data', shop.dir, ...split, '--no-count')).toBe(
      EXIT_USER_ERROR,
    );
    expect(cli.stderr).toContain('PQL_DATA_ENDS_BEFORE_WINDOW');
    expect(cli.stderr).toContain('--allow-partial-window');
    const allowed = ['--allow-partial-window', '--no-count', '--json'];
    expect(await cli.run('explain', SHOP_QUERY, '--data', shop.dir, ...split, ...allowed)).toBe(
      EXIT_OK,
    );
    const plan = JSON.parse(cli.stdout) as { warnings: { code: string }[] };
    expect(plan.warnings.map((w) => w.code)).toContain('PQL_PARTIAL_WINDOW');
  });

  it('refuses --allow-partial-window without an explicit split', async () => {
    expect(await cli.run('explain', SHOP_QUERY, '--data', shop.dir, '--allow-partial-window')).toBe(
      EXIT_USER_ERROR,
    );
    expect(cli.stderr).toContain('--allow-partial-window must be used together with');
    const workspace = join(dir, 'ws-partial');
    const train = ['train', SHOP_QUERY, '--data', shop.dir, '-w', workspace];
    expect(await cli.run(...train, '--allow-partial-window')).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain('CONTROL_INVALID_ARGUMENT');
  });

  it('takes allowPartialWindow in REST explain options', async () => {
    await withApi(async ({ app, prequel, auth }) => {
      await prequel.registerSource({ name: 'shop', kind: 'duckdb', settings: { path: shop.dir } });
      await prequel.inspectSource('shop');
      const explain = (options: Record<string, unknown>) =>
        app.inject({
          method: 'POST',
          url: '/queries/explain',
          headers: auth,
          payload: { source: 'shop', query: SHOP_QUERY, options },
        });
      const times = { validationStart: '2024-10-01', testStart: '2024-12-01' };
      const refused = await explain(times);
      expect([refused.statusCode, refused.json().code]).toEqual([
        400,
        'PQL_DATA_ENDS_BEFORE_WINDOW',
      ]);
      expect(refused.json().message).toContain('allowPartialWindow');
      const kept = await explain({ ...times, allowPartialWindow: true });
      expect(kept.statusCode, kept.body).toBe(200);
      const warnings = (kept.json().plan as { warnings: { code: string }[] }).warnings;
      expect(warnings.map((w) => w.code)).toContain('PQL_PARTIAL_WINDOW');
      const alone = await explain({ allowPartialWindow: true });
      expect([alone.statusCode, alone.json().details.name]).toEqual([
        400,
        'options.allowPartialWindow',
      ]);
    });
  });
});

/** A directory this process cannot create entries in, or null (e.g. root on a plain disk). */
function unwritableDirectory(): string | null {
  if (process.getuid?.() !== 0) return '/';
  // root writes anywhere on a plain disk; sysfs still refuses new directories.
  try {
    mkdirSync('/sys/prequel-probe');
    rmSync('/sys/prequel-probe', { recursive: true });
    return null;
  } catch {
    return existsSync('/sys') ? '/sys' : null;
  }
}

describe('unusable workspace and output paths', () => {
  let file: string;
  beforeAll(() => {
    file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory\n');
  });

  it('init under a regular file names the file, in text and JSON', async () => {
    expect(await cli.run('init', join(file, 'ws'))).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toBe(
      `error [CONTROL_PATH_UNUSABLE]: cannot use ${join(file, 'ws')} as a workspace directory: ` +
        `${file} is a file, not a directory\n`,
    );
    expect(await cli.run('init', file, '--json')).toBe(EXIT_USER_ERROR);
    expect(JSON.parse(cli.stderr)).toEqual({
      error: {
        code: 'CONTROL_PATH_UNUSABLE',
        message: `cannot use ${file} as a workspace directory: ${file} is a file, not a directory`,
      },
    });
  });

  it.each([
    [['train', SHOP_QUERY, '--data', 'DATA', '--mode', 'fast', '-w', 'WS']],
    [['models', '-w', 'WS']],
    [['jobs', '-w', 'WS']],
    [['predict', '--model', '1', '-w', 'WS']],
    [['inspect', 'DATA', '--out', 'WS/graph.json']],
    [['demo', '--dir', 'WS']],
  ])('%j under a regular file names the file', async (args) => {
    const ws = join(file, 'ws');
    const filled = args.map((a) => a.replace('DATA', shop.dir).replace('WS', ws));
    expect(await cli.run(...filled)).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain('error [CONTROL_PATH_UNUSABLE]');
    expect(cli.stderr).toContain(`${file} is a file, not a directory`);
  });

  const unwritable = unwritableDirectory();
  it.runIf(unwritable !== null)(
    'init and train in a directory that cannot be written',
    async () => {
      const ws = join(unwritable!, 'prequel-ws');
      expect(await cli.run('init', ws, '--json')).toBe(EXIT_USER_ERROR);
      const { error } = JSON.parse(cli.stderr) as { error: { code: string; message: string } };
      expect(error.code).toBe('CONTROL_PATH_UNUSABLE');
      expect(error.message).toContain(`cannot use ${ws} as a workspace directory: ${unwritable}`);
      expect(await cli.run('train', SHOP_QUERY, '--data', shop.dir, '-w', ws)).toBe(
        EXIT_USER_ERROR,
      );
      expect(cli.stderr).toContain('error [CONTROL_PATH_UNUSABLE]');
      expect(cli.stderr).not.toMatch(/\n\s+at /);
    },
  );
});
