// SPDX-License-Identifier: Apache-2.0
// Bad input found by trying the product as a new user would: each gets a coded error naming what
// was wrong, and nothing is recorded or lost.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT_USER_ERROR, main } from '../../src/control/cli/main.js';
import { generateDemo } from '../../src/demo/generate.js';
import { readIds } from '../../src/pipeline/predict.js';
import { Prequel } from '../../src/prequel.js';

let dir: string;
let prequel: Prequel;
let modelId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prequel-bad-'));
  generateDemo(join(dir, 'data'), { customers: 200, seed: 9 });
  prequel = await Prequel.open({ workspace: join(dir, 'ws'), create: true });
  await prequel.registerSource({
    name: 'shop',
    kind: 'duckdb',
    settings: { path: join(dir, 'data') },
  });
  await prequel.inspectSource('shop');
  const job = await prequel.train({
    source: 'shop',
    query: 'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id',
    options: { mode: 'fast', epochs: 1 },
  });
  const done = await prequel.waitForJob(job.id, { timeoutMs: 120_000 });
  expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
  modelId = (done.result as { modelId: string }).modelId;
}, 180_000);

afterAll(async () => {
  await prequel?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(['node', 'prequel', ...args]), stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('entity id files', () => {
  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const CASES: [string, string | Buffer, 'csv' | 'arrow', RegExp][] = [
    ['two columns', 'a,b\n1,2\n', 'csv', /one column of entity keys.*line 1/],
    ['empty', '\n\n', 'csv', /at least one entity key/],
    ['random bytes as Arrow', Buffer.from('not an arrow stream at all'), 'arrow', /Arrow IPC/],
  ];
  it.each(CASES)('refuses %s with CONTROL_INVALID_ARGUMENT', async (name, content, format, re) => {
    const path = file(`${name.replace(/ /g, '-')}.${format}`, content);
    await expect(readIds(path, format)).rejects.toMatchObject({
      code: 'CONTROL_INVALID_ARGUMENT',
      message: re,
    });
  });

  it('fails a batch job on a bad upload with that code, not as a crash', async () => {
    const job = await prequel.predict({
      model: modelId,
      ids: {
        stream: (await import('node:stream')).Readable.from([Buffer.from('garbage')]),
        format: 'arrow',
      },
    });
    const done = await prequel.waitForJob(job.id, { timeoutMs: 120_000 });
    expect(done.state).toBe('failed');
    expect(done.error?.code).toBe('CONTROL_INVALID_ARGUMENT');
    expect(JSON.stringify(done.error)).not.toContain('node_modules');
  }, 120_000);
});

describe('synchronous predictions', () => {
  it('refuses entities that did not exist at the anchor time', async () => {
    await expect(
      prequel.predictEntities({ model: modelId, ids: ['1', '2'], anchorTime: '1990-01-01' }),
    ).rejects.toMatchObject({
      code: 'CONTROL_ENTITIES_AFTER_ANCHOR',
      message: /2 of the given customers rows were created after .*1990-01-01/,
    });
  }, 60_000);
});

describe('inspect', () => {
  it('keeps a duplicated primary key as the key and fails naming the value', async () => {
    const data = join(dir, 'dup');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(data);
    writeFileSync(join(data, 'users.csv'), 'user_id,name\n1,ann\n2,bob\n2,bob2\n3,cy\n');
    writeFileSync(
      join(data, 'events.csv'),
      'event_id,user_id,ts\n1,1,2024-01-01\n2,2,2024-01-02\n3,3,2024-01-03\n',
    );
    const r = await cli('inspect', data, '--out', join(dir, 'dup.json'));
    expect(r.code).toBe(EXIT_USER_ERROR);
    expect(r.stderr).toMatch(/DATA_VALIDATION_FAILED/);
    expect(r.stderr).toMatch(/DATA_PK_DUPLICATE users\.user_id/);
  });

  it('writes an error as JSON on stderr under --json', async () => {
    const r = await cli('models', 'show', '999', '-w', join(dir, 'ws'), '--json');
    expect(r.code).toBe(EXIT_USER_ERROR);
    expect(JSON.parse(r.stderr)).toMatchObject({
      error: { code: 'CONTROL_MODEL_NOT_FOUND', message: 'no model 999' },
    });
  });

  it('refuses a demo too small to have examples in every split, as a user error', async () => {
    const r = await cli('demo', '--dir', join(dir, 'tiny'), '--customers', '5');
    expect(r.code).toBe(EXIT_USER_ERROR);
    expect(r.stderr).toContain('--customers must be at least 100');
  });
});
