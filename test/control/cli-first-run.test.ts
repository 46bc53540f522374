// SPDX-License-Identifier: Apache-2.0
// What a new user following the README ran into next: train summarises the data's validation
// warnings on stderr; a split whose label windows run past the end of the target's table warns
// that those labels are incomplete; `prequel sources` lists the registered sources; explain
// without data says what it needs; init in a workspace train made is a no-op; counts agree with
// their nouns; the report's title names the entity as the query writes it.
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatInspect } from '../../src/control/cli/inspect.js';
import { EXIT_OK, EXIT_USER_ERROR } from '../../src/control/cli/main.js';
import { validationSummary } from '../../src/control/cli/data-source.js';
import { prequelError } from '../../src/errors/index.js';
import { plural } from '../../src/text/plural.js';
import { SHOP_QUERY, writeShop, type Shop } from '../pipeline/shop.js';
import { captureCli, tempDir } from './helpers.js';

const cli = captureCli();
const { run } = cli;

const FAST = ['--mode', 'fast', '--epochs', '1', '--channels', '8', '--fanouts', '4,2'];

let dir: string;

/** The shop with one order of an unknown user and one order time that does not parse. */
function writeFlawedShop(at: string): Shop {
  const shop = writeShop(at, 12);
  appendFileSync(
    join(at, 'orders.csv'),
    '99001,123,2024-03-01 10:00:00,12.50\n99002,9007199254740993,not a time,3.00\n',
  );
  return shop;
}

beforeAll(() => {
  dir = tempDir('prequel-cli-first-run-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('after training on data with validation warnings', () => {
  const ws = () => join(dir, 'ws-train');
  let flawed: Shop;
  let trained: { stdout: string; stderr: string };
  let json: { notes: string[]; report: string };

  beforeAll(async () => {
    cli.capture();
    flawed = writeFlawedShop(join(dir, 'flawed'));
    const args = ['train', SHOP_QUERY, '--data', flawed.dir, ...FAST, '-w', ws()];
    expect(await run(...args), cli.stderr).toBe(EXIT_OK);
    trained = { stdout: cli.stdout, stderr: cli.stderr };
    expect(await run(...args, '--json'), cli.stderr).toBe(EXIT_OK);
    json = JSON.parse(cli.stdout) as typeof json;
    vi.restoreAllMocks();
  }, 180_000);

  it('train prints one line counting the warnings per code on stderr', () => {
    const line =
      'warning: the data has 2 validation warnings (FK_DANGLING 1, TIME_UNPARSEABLE 1); run ' +
      `\`prequel inspect ${flawed.dir}\` for details`;
    expect(trained.stderr).toContain(`${line}\n`);
    expect(trained.stdout).not.toContain('FK_DANGLING');
    expect(json.notes).toContain(line);
  });

  it('says nothing of validation for clean data, and counts errors apart', () => {
    const report = (issues: [string, string][]) => ({
      issues: issues.map(([severity, code]) => ({
        severity: severity as 'error' | 'warning',
        code,
        table: 't',
        message: '',
        details: {},
      })),
      edges: [],
      errors: issues.filter(([s]) => s === 'error').length,
      warnings: issues.filter(([s]) => s === 'warning').length,
    });
    expect(validationSummary(report([]), 'prequel inspect x')).toBeNull();
    expect(
      validationSummary(
        report([
          ['error', 'DATA_PK_DUPLICATE'],
          ['warning', 'FK_NULL'],
          ['warning', 'FK_NULL'],
          ['info', 'NOTE'],
        ]),
        'prequel inspect x',
      ),
    ).toBe(
      'warning: the data has 1 validation error (DATA_PK_DUPLICATE 1) and 2 validation warnings ' +
        '(FK_NULL 2); run `prequel inspect x` for details',
    );
  });

  it('the report titles the prediction with the entity as the query writes it', () => {
    const html = readFileSync(json.report, 'utf8');
    expect(html).toContain('<h1>COUNT(orders.*, 0, 30, days) &gt; 0 for each users.user_id</h1>');
  });

  it('prequel sources lists the source train registered, with its tables', async () => {
    expect(await run('sources', '-w', ws())).toBe(EXIT_OK);
    expect(cli.stdout).toMatch(/^ID\s+NAME\s+KIND\s+LOCATION\s+GRAPH\s+TABLES$/m);
    expect(cli.stdout).toMatch(
      new RegExp(`^1\\s+flawed\\s+duckdb\\s+${flawed.dir}\\s+v1\\s+orders, users$`, 'm'),
    );
    expect(await run('sources', 'list', '--json', '-w', ws())).toBe(EXIT_OK);
    expect(JSON.parse(cli.stdout)).toEqual([
      expect.objectContaining({
        name: 'flawed',
        kind: 'duckdb',
        location: flawed.dir,
        graphVersion: 1,
        tables: ['orders', 'users'],
      }),
    ]);
    expect(await run('sources', 'show', 'flawed', '-w', ws())).toBe(EXIT_OK);
    expect(cli.stdout).toContain(`source 1 (flawed): duckdb\n  location  ${flawed.dir}\n`);
    expect(cli.stdout).toMatch(
      /^ {4}orders \(\d+ rows\): key order_id; time order_time; links user_id -> users$/m,
    );
    expect(await run('sources', 'show', 'nope', '-w', ws())).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain('CONTROL_SOURCE_NOT_FOUND');
  });

  it('init in the workspace train created is a no-op that says so', async () => {
    expect(await run('init', ws())).toBe(EXIT_OK);
    expect(cli.stdout).toMatch(
      /^workspace default already exists at .*\(created .*\); nothing to do$/m,
    );
    expect(await run('init', ws(), '--json')).toBe(EXIT_OK);
    expect(JSON.parse(cli.stdout)).toMatchObject({ name: 'default', created: false });
    expect(await run('init', ws(), '--name', 'other')).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain('CONTROL_INVALID_ARGUMENT');
    expect(cli.stderr).toContain('--name must be default, the name of the workspace already at');
    expect(await run('sources', '-w', ws())).toBe(EXIT_OK);
    expect(cli.stdout).toContain('flawed');
  });

  it('explain --source compiles against the registered source as --data does', async () => {
    expect(await run('explain', SHOP_QUERY, '--source', 'flawed', '-w', ws(), '--json')).toBe(
      EXIT_OK,
    );
    const viaSource = JSON.parse(cli.stdout) as { examples: unknown };
    expect(await run('explain', SHOP_QUERY, '--data', flawed.dir, '--json')).toBe(EXIT_OK);
    expect(viaSource.examples).toEqual((JSON.parse(cli.stdout) as { examples: unknown }).examples);
    const both = ['--source', 'flawed', '--data', flawed.dir, '-w', ws()];
    expect(await run('explain', SHOP_QUERY, ...both)).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain('--source with --data or --graph must be one of them');
  });
});

describe('prequel sources in a workspace without any', () => {
  it('says how to register one', async () => {
    const ws = join(dir, 'ws-empty');
    expect(await run('init', ws)).toBe(EXIT_OK);
    expect(await run('sources', '-w', ws)).toBe(EXIT_OK);
    expect(cli.stdout).toBe(
      '(none: `prequel train --data <dir>` or POST /sources registers one)\n',
    );
    expect(await run('sources', '--json', '-w', ws)).toBe(EXIT_OK);
    expect(JSON.parse(cli.stdout)).toEqual([]);
  });
});

describe('explain and train without data', () => {
  it.each(['explain', 'train'])('%s says what it needs, with an example', async (command) => {
    const ws = ['-w', join(dir, 'ws-no-data')];
    expect(await run(command, SHOP_QUERY, ...ws)).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain('error [CONTROL_INVALID_ARGUMENT]');
    expect(cli.stderr).toContain(
      '--data <dir or file> (CSV, Parquet or JSON files, or a .duckdb file), --graph <file> ' +
        '(written by `prequel inspect`, it records its data) or --source <name>',
    );
    expect(cli.stderr).toContain(`e.g. prequel ${command} "PREDICT COUNT(orders.*, 0, 30, days)`);
    expect(cli.stderr).not.toContain('got neither');
  });
});

describe('label windows past the end of the target table', () => {
  let shop: Shop;
  beforeAll(() => {
    // Visits run five months past the last order: the data ends long after orders do.
    shop = writeShop(join(dir, 'shop-visits'), 12);
    const visits = ['visit_id,user_id,visit_time'];
    for (let i = 0; i < 150; i++) {
      const day = new Date(Date.UTC(2024, 11, 1) + i * 86_400_000).toISOString().slice(0, 10);
      visits.push(`${i + 1},${shop.userIds[i % shop.userIds.length]},${day} 12:00:00`);
    }
    writeFileSync(join(shop.dir, 'visits.csv'), visits.join('\n') + '\n');
  });

  it('ends the default split where the target table ends', async () => {
    expect(await run('explain', SHOP_QUERY, '--data', shop.dir, '--no-count')).toBe(EXIT_OK);
    expect(cli.stdout).not.toContain('PQL_LABELS_INCOMPLETE');
    const lastOrder = shop.lastOrder.slice(0, 19).replace('T', ' ');
    // The last test anchor's 30-day window closes at or before the last order.
    const testRow = /^ {2}test +\d+ anchors? +\S+ \S+ \.\. (\S+) (\S+)/m.exec(cli.stdout);
    expect(testRow, cli.stdout).not.toBeNull();
    const lastAnchor = Date.parse(`${testRow![1]}T${testRow![2]}Z`);
    expect(lastAnchor + 30 * 86_400_000).toBeLessThanOrEqual(Date.parse(`${shop.lastOrder}`));
    expect(`${testRow![1]} ${testRow![2]}` < lastOrder).toBe(true);
  });

  it('warns naming the table, its last timestamp and the first anchor', async () => {
    const lastOrder = shop.lastOrder.slice(0, 19).replace('T', ' ');
    const day = (offset: number) =>
      new Date(Date.parse(shop.lastOrder) + offset * 86_400_000).toISOString().slice(0, 10);
    const split = ['--validation-start', day(-60), '--test-start', day(-10)];
    expect(await run('explain', SHOP_QUERY, '--data', shop.dir, '--no-count', ...split)).toBe(
      EXIT_OK,
    );
    const warning = new RegExp(
      `^warning {5}\\[PQL_LABELS_INCOMPLETE\\] labels incomplete: orders, which the target ` +
        `aggregates, ends at ${lastOrder} \\(the data at 2025-04-29 12:00:00\\), but \\d+ test ` +
        `anchors? (?:have|has a) label windows? closing after it, from anchor (\\S+ \\S+) `,
      'm',
    );
    const match = warning.exec(cli.stdout);
    expect(match, cli.stdout).not.toBeNull();
    // The first test anchor is ten days before the last order: its window passes it.
    const testRow = /^ {2}test +\d+ anchors? +(\S+ \S+) \.\. /m.exec(cli.stdout);
    expect(match![1]).toBe(testRow![1]);
  });

  it('stays quiet for a split whose windows close before the table ends', async () => {
    const split = ['--validation-start', '2024-06-01', '--test-start', '2024-09-01'];
    expect(await run('explain', SHOP_QUERY, '--data', shop.dir, '--no-count', ...split)).toBe(
      EXIT_OK,
    );
    expect(cli.stdout).not.toContain('PQL_LABELS_INCOMPLETE');
  });
});

describe('counts agree with their nouns', () => {
  it('in the plural helper, message templates and inspect output', () => {
    expect([plural(1, 'anchor'), plural(2, 'anchor'), plural(0, 'anchor')]).toEqual([
      '1 anchor',
      '2 anchors',
      '0 anchors',
    ]);
    expect([plural(1n, 'entity', 'entities'), plural('1', 'row'), plural('12', 'row')]).toEqual([
      '1 entity',
      '1 row',
      '12 rows',
    ]);
    const clipped = (count: number) =>
      prequelError('PQL_WINDOW_CLIPPED', {
        count,
        split: 'validation',
        next: 'test',
        boundary: 'B',
        lastAnchor: 'A',
      }).message;
    expect(clipped(1)).toMatch(/^1 validation anchor dropped: its target window would end/);
    expect(clipped(3)).toMatch(/^3 validation anchors dropped: their target window would end/);
    const text = formatInspect(
      'src',
      {
        version: 1,
        tables: [
          {
            name: 'users',
            primaryKey: 'id',
            foreignKeys: [],
            timeColumn: null,
            endTimeColumn: null,
            rowCount: 1,
            columns: [{ name: 'id', physical: 'bigint', stype: 'id' }],
          },
        ],
      },
      {
        issues: [{ severity: 'warning', code: 'W', table: 'users', message: 'm', details: {} }],
        edges: [],
        errors: 0,
        warnings: 1,
      },
      'graph.json',
    );
    expect(text).toContain('users (1 row)\n');
    expect(text).toContain('issues: 0 errors, 1 warning\n');
  });
});
