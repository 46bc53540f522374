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

  const BYTES: [string, string | Buffer, 'csv' | 'arrow', string, Record<string, unknown>][] = [
    ['a NUL byte', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]), 'csv', 'DATA_FILE_UNREADABLE', {}],
    ['control bytes', Buffer.alloc(200, 0x01), 'csv', 'DATA_FILE_UNREADABLE', {}],
    ['UTF-16 text', Buffer.from('id\n1\n2\n', 'utf16le'), 'csv', 'DATA_CSV_ENCODING', {}],
    [
      'Latin-1 text',
      Buffer.from('id\n1\nRen\xe9\n', 'latin1'),
      'csv',
      'DATA_CSV_ENCODING',
      {
        line: 3,
      },
    ],
    [
      'an id twice',
      'id\n1\n2\n1\n',
      'csv',
      'CONTROL_DUPLICATE_IDS',
      {
        id: '1',
        count: 2,
        where: 'lines 2, 4',
      },
    ],
    [
      'an id three times, CRLF',
      '7\r\n7\r\n8\r\n7\r\n',
      'csv',
      'CONTROL_DUPLICATE_IDS',
      {
        id: '7',
        count: 3,
        where: 'lines 1, 2, 4',
      },
    ],
    ['zero bytes', '', 'arrow', 'CONTROL_INVALID_ARGUMENT', { received: /0 bytes/ }],
  ];
  it.each(BYTES)(
    'refuses %s, naming where the ids came from',
    async (name, content, format, code, details) => {
      const path = file(`bytes-${name.replace(/\W+/g, '-')}.${format}`, content);
      const err = await readIds(path, format, 'the test upload').then(
        () => null,
        (e: unknown) => e as { code: string; details: Record<string, unknown>; message: string },
      );
      expect(err?.code).toBe(code);
      expect(err?.details).toMatchObject(details);
      expect(err?.message).toContain('the test upload');
    },
  );

  it('refuses duplicated ids in an Arrow upload, naming their rows', async () => {
    const { tableFromArrays, tableToIPC } = await import('apache-arrow');
    const bytes = tableToIPC(tableFromArrays({ id: Int32Array.from([5, 6, 5]) }), 'stream');
    const path = file('dup.arrow', Buffer.from(bytes));
    await expect(readIds(path, 'arrow')).rejects.toMatchObject({
      code: 'CONTROL_DUPLICATE_IDS',
      details: { id: '5', where: 'rows 1, 3', source: path },
    });
  });

  it('fails a batch job on binary or repeated ids with their codes, naming the upload', async () => {
    const { Readable } = await import('node:stream');
    const cases: [Buffer, string][] = [
      [Buffer.from([0, 1, 2, 3, 0, 0]), 'DATA_FILE_UNREADABLE'],
      [Buffer.from('customer_id\n1\n2\n1\n'), 'CONTROL_DUPLICATE_IDS'],
    ];
    for (const [bytes, code] of cases) {
      const job = await prequel.predict({
        model: modelId,
        ids: { stream: Readable.from([bytes]), format: 'csv', name: 'the CSV body of the test' },
      });
      const done = await prequel.waitForJob(job.id, { timeoutMs: 120_000 });
      expect(done.state).toBe('failed');
      expect(done.error?.code).toBe(code);
      expect(done.error?.message).toContain('the CSV body of the test');
    }
  }, 120_000);

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
  it('refuses an id given twice, naming its positions', async () => {
    await expect(
      prequel.predictEntities({ model: modelId, ids: ['1', '2', '1'], anchorTime: '2024-06-01' }),
    ).rejects.toMatchObject({
      code: 'CONTROL_DUPLICATE_IDS',
      details: { id: '1', count: 2, where: 'positions 1, 3', source: 'the request' },
    });
  });

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
      error: {
        code: 'CONTROL_MODEL_NOT_FOUND',
        message: `no model 999; the most recent are ${modelId} (\`prequel models\` or GET /models lists them)`,
      },
    });
  });

  it('refuses a demo too small to have examples in every split, as a user error', async () => {
    const r = await cli('demo', '--dir', join(dir, 'tiny'), '--customers', '5');
    expect(r.code).toBe(EXIT_USER_ERROR);
    expect(r.stderr).toContain('--customers must be at least 100');
  });
});
