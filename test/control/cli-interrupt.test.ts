// SPDX-License-Identifier: Apache-2.0
// Ctrl-C during `prequel train` in a real process: SIGINT cancels the job, the job is recorded as
// cancelled, and the process exits with 130 (128 + SIGINT), as shells report an interrupted
// command.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_INTERRUPTED } from '../../src/control/cli/main.js';
import { Prequel } from '../../src/prequel.js';
import { spawnCli } from '../support/cli-process.js';
import { SHOP_QUERY, writeShop, type Shop } from '../pipeline/shop.js';
import { tempDir } from './helpers.js';

let dir: string;
let shop: Shop;

beforeAll(() => {
  dir = tempDir('prequel-cli-interrupt-');
  shop = writeShop(join(dir, 'shop'), 60);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Ctrl-C during prequel train', () => {
  it('cancels the job and exits with 130', async () => {
    const workspace = join(dir, 'ws');
    // Many epochs, so the job is still running when the signal comes.
    const child = spawnCli([
      'train',
      SHOP_QUERY,
      '--data',
      shop.dir,
      '-w',
      workspace,
      '--epochs',
      '200',
    ]);
    let stderr = '';
    let signalled = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!signalled && /job \d+ train: running/.test(stderr)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    expect(signalled, stderr).toBe(true);
    expect(exit, stderr).toEqual({ code: EXIT_INTERRUPTED, signal: null });
    expect(EXIT_INTERRUPTED).toBe(130);
    expect(stderr).toMatch(/cancelling job \d+ \(Ctrl-C again to quit at once\)/);
    expect(stderr).toMatch(/job \d+ train: cancelled/);
    expect(stderr).toContain('error [CONTROL_JOB_CANCELLED]');

    const prequel = await Prequel.open({ workspace, runJobs: false });
    try {
      const [job] = await prequel.listJobs({ kind: 'train', limit: 1 });
      expect(job!.state).toBe('cancelled');
      expect(await prequel.listModels()).toEqual([]);
    } finally {
      await prequel.close();
    }
  }, 120_000);
});
