// SPDX-License-Identifier: Apache-2.0
// `prequel train`, `prequel predict` and `prequel models` through main(): the data directory is
// registered on first use and reused after, training prints metrics next to baselines and the
// model's files, predictions land where --out says, a bad query lists every error, and Ctrl-C
// cancels a running training job.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_USER_ERROR, main } from '../../src/control/cli/main.js';
import { Prequel } from '../../src/prequel.js';
import { SHOP_QUERY, writeShop, type Shop } from './shop.js';

let dir: string;
let shop: Shop;
let workspace: string;
let stdout: string;
let stderr: string;
/** Called with each chunk written to stderr (e.g. to react to progress). */
let onStderr: (text: string) => void = () => {};

const FAST = ['--mode', 'fast', '--epochs', '1', '--channels', '16', '--fanouts', '4,2'];

async function run(...args: string[]): Promise<number> {
  stdout = '';
  stderr = '';
  return main(['node', 'prequel', ...args, '-w', workspace]);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prequel-cli-flow-'));
  shop = writeShop(join(dir, 'shop'), 30);
  workspace = join(dir, 'ws');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    onStderr(String(chunk));
    return true;
  });
});
afterEach(() => {
  onStderr = () => {};
  vi.restoreAllMocks();
});

describe('prequel train, predict and models', () => {
  let modelId: string;

  it('trains from a data directory and prints metrics, baselines and files', async () => {
    expect(await run('train', SHOP_QUERY, '--data', shop.dir, ...FAST), stderr).toBe(EXIT_OK);
    expect(stderr).toContain('registered data source shop');
    expect(stderr).toMatch(/job \d+ train: succeeded/);
    expect(stdout).toMatch(/^test metrics \(\d+ examples\):$/m);
    expect(stdout).toMatch(/^\s+metric\s+model\s+majority/m);
    expect(stdout).toMatch(/^\s+auroc\s+[0-9.]+\s+0\.5000/m);
    modelId = stdout.match(/^\s+model id\s+(\d+)$/m)![1]!;
    const report = stdout.match(/^\s+report\s+(\S+)$/m)![1]!;
    const modelFile = stdout.match(/^\s+model file\s+(\S+)$/m)![1]!;
    expect(readFileSync(report, 'utf8')).toMatch(/<html/i);
    expect(existsSync(modelFile)).toBe(true);
  });

  it('reuses the source and its graph when given the graph file of `prequel inspect`', async () => {
    const graphFile = join(dir, 'graph.json');
    const inspect = ['node', 'prequel', 'inspect', shop.dir, '--out', graphFile];
    expect(await main(inspect)).toBe(EXIT_OK);
    const code = await run(
      'train',
      SHOP_QUERY,
      '--graph',
      graphFile,
      ...FAST,
      '--seed',
      '3',
      '--json',
    );
    expect(code, stderr).toBe(EXIT_OK);
    const out = JSON.parse(stdout);
    expect(out.modelId).not.toBe(modelId);
    expect(out.test.model.auroc).toBeGreaterThanOrEqual(0);
    expect(existsSync(out.modelFile)).toBe(true);
    const prequel = await Prequel.open({ workspace, runJobs: false });
    try {
      expect((await prequel.listSources()).map((s) => s.name)).toEqual(['shop']);
      expect((await prequel.listGraphVersions('shop')).length).toBe(1);
    } finally {
      await prequel.close();
    }
  });

  it('lists and shows models', async () => {
    expect(await run('models', '--json')).toBe(EXIT_OK);
    expect(JSON.parse(stdout)).toHaveLength(2);
    expect(await run('models')).toBe(EXIT_OK);
    expect(stdout).toMatch(
      new RegExp(`^${modelId}\\s+shop\\.users\\.binary\\.q\\d+\\s+auroc`, 'm'),
    );
    expect(await run('models', 'show', modelId)).toBe(EXIT_OK);
    expect(stdout).toContain(SHOP_QUERY);
    expect(await run('models', 'show', '999')).toBe(EXIT_USER_ERROR);
    expect(stderr).toContain('CONTROL_MODEL_NOT_FOUND');
  });

  it('predicts every entity into --out, and the ids of a file', async () => {
    const out = join(dir, 'churn.csv');
    expect(await run('predict', '--model', modelId, '--out', out), stderr).toBe(EXIT_OK);
    expect(stdout).toMatch(/^predicted 30 rows with model \d+ as of /m);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('user_id,anchor_time,probability');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(shop.userIds);

    const ids = join(dir, 'ids.csv');
    writeFileSync(ids, `user_id\n${shop.userIds[4]}\n${shop.userIds[2]}\n`);
    const code = await run(
      'predict',
      '--model',
      modelId,
      '--ids',
      ids,
      '--anchor-time',
      '2024-03-01',
      '--format',
      'json,parquet',
      '--json',
    );
    expect(code, stderr).toBe(EXIT_OK);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ rowCount: 2, anchorTime: '2024-03-01T00:00:00.000Z' });
    expect(result.files.map((f: { format: string }) => f.format)).toEqual(['json', 'parquet']);
    const json = JSON.parse(readFileSync(result.files[0].path, 'utf8'));
    expect(json.map((r: { user_id: string }) => r.user_id)).toEqual([
      shop.userIds[4],
      shop.userIds[2],
    ]);
  });

  it('rejects bad input with exit code 1 and every query error', async () => {
    const bad = 'PREDICT COUNT(ordrs.*, 0, 30, days) > 0 FOR EACH users.usr_id';
    expect(await run('train', bad, '--source', 'shop')).toBe(EXIT_USER_ERROR);
    expect(stderr).toContain('PQL_INVALID_QUERY');
    expect(stderr).toMatch(/\[PQL_UNKNOWN_TABLE\].*ordrs/);
    expect(stderr).toMatch(/\[PQL_UNKNOWN_COLUMN\].*usr_id/);
    const cases: [string[], string][] = [
      [['train', SHOP_QUERY], 'CONTROL_INVALID_ARGUMENT'],
      [['train', SHOP_QUERY, '--source', 'nope'], 'CONTROL_SOURCE_NOT_FOUND'],
      [['train', SHOP_QUERY, '--data', join(dir, 'missing')], 'DATA_FILE_NOT_FOUND'],
      [['train', SHOP_QUERY, '--source', 'shop', '--mode', 'turbo'], 'CONTROL_INVALID_ARGUMENT'],
      [
        ['train', SHOP_QUERY, '--source', 'shop', '--test-start', '2024-01-01'],
        'CONTROL_INVALID_ARGUMENT',
      ],
      [['train', SHOP_QUERY, '--source', 'shop', '--fanouts', '4,x'], '--fanouts'],
      [['train', SHOP_QUERY, '--source', 'shop', '--epochs', '0'], '--epochs'],
      [['predict', '--model', '999'], 'CONTROL_MODEL_NOT_FOUND'],
      [['predict', '--model', modelId, '--format', 'xlsx'], 'CONTROL_INVALID_ARGUMENT'],
      [['predict', '--model', modelId, '--ids', join(dir, 'none.csv')], 'DATA_FILE_NOT_FOUND'],
      [['predict', '--model', modelId, '--anchor-time', 'soon'], 'CONTROL_INVALID_ARGUMENT'],
    ];
    for (const [args, expected] of cases) {
      expect(await run(...args), args.join(' ')).toBe(EXIT_USER_ERROR);
      expect(stderr, args.join(' ')).toContain(expected);
    }
  });

  it('cancels a running training job on Ctrl-C', async () => {
    const before = process.listeners('SIGINT');
    let interrupted = false;
    onStderr = (text) => {
      if (interrupted || !/train: (running|\d+%)/.test(text)) return;
      interrupted = true;
      for (const listener of process.listeners('SIGINT')) {
        if (!before.includes(listener)) (listener as () => void)();
      }
    };
    const code = await run('train', SHOP_QUERY, '--source', 'shop', '--mode', 'normal');
    expect(interrupted).toBe(true);
    expect(code).toBe(EXIT_INTERRUPTED);
    expect(stderr).toContain('CONTROL_JOB_CANCELLED');
    expect(process.listeners('SIGINT')).toEqual(before);
    const prequel = await Prequel.open({ workspace, runJobs: false });
    try {
      const [job] = await prequel.listJobs({ kind: 'train', limit: 1 });
      expect(job!.state).toBe('cancelled');
    } finally {
      await prequel.close();
    }
  });

  it('prints help with examples for each command', async () => {
    for (const command of ['train', 'predict', 'models']) {
      expect(await run(command, '--help')).toBe(EXIT_OK);
      expect(stdout, command).toContain('Examples:');
    }
  });
});
