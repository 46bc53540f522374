// SPDX-License-Identifier: Apache-2.0
// Running `prequel demo` again in its directory starts from a clean workspace (the directory
// holds the marker the demo wrote), so models and predictions of the runs never mix; a
// non-empty directory the demo did not write is refused and left as it was.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT_OK, EXIT_USER_ERROR, main } from '../../src/control/cli/main.js';
import { DEMO_MARKER, prepareDemoDir } from '../../src/demo/run.js';
import { PrequelError } from '../../src/errors/index.js';
import { Prequel } from '../../src/prequel.js';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'prequel-demo-rerun-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function demo(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const args = ['--customers', '100', '--mode', 'fast', '--epochs', '1', '--only', 'churn'];
    const code = await main(['node', 'prequel', 'demo', '--dir', dir, ...args, '--json']);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('prequel demo, run again', () => {
  it('keeps only the latest run in the workspace', async () => {
    const dir = join(root, 'demo');
    const first = await demo(dir);
    expect(first.code, first.stderr).toBe(EXIT_OK);
    const second = await demo(dir);
    expect(second.code, second.stderr).toBe(EXIT_OK);
    const latest = JSON.parse(second.stdout) as { results: { modelId: string }[] };

    const prequel = await Prequel.open({ workspace: join(dir, 'workspace'), runJobs: false });
    try {
      const models = await prequel.listModels();
      expect(models.map((m) => m.id)).toEqual([latest.results[0]!.modelId]);
      expect((await prequel.listSources()).map((s) => s.name)).toEqual(['shop']);
    } finally {
      await prequel.close();
    }
  }, 240_000);

  it('refuses a non-empty directory it did not write, and leaves it alone', async () => {
    const dir = join(root, 'mine');
    mkdirSync(join(dir, 'workspace'), { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'keep me\n');
    const result = await demo(dir);
    expect(result.code).toBe(EXIT_USER_ERROR);
    const { error } = JSON.parse(result.stderr) as { error: { code: string; message: string } };
    expect(error.code).toBe('CONTROL_DEMO_DIR_IN_USE');
    expect(error.message).toContain(dir);
    expect(error.message).toContain(DEMO_MARKER);
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'workspace']);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me\n');
  });
});

describe('prepareDemoDir', () => {
  it('marks a new or empty directory', async () => {
    const fresh = join(root, 'fresh', 'nested');
    expect(await prepareDemoDir(fresh)).toEqual({ cleaned: false });
    expect(JSON.parse(readFileSync(join(fresh, DEMO_MARKER), 'utf8'))).toMatchObject({
      createdBy: 'prequel demo',
    });
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(await prepareDemoDir(empty)).toEqual({ cleaned: false });
    expect(existsSync(join(empty, DEMO_MARKER))).toBe(true);
  });

  it("removes only an earlier run's outputs from a marked directory", async () => {
    const dir = join(root, 'marked');
    await prepareDemoDir(dir);
    for (const part of ['data', 'workspace', 'reports', 'predictions']) {
      mkdirSync(join(dir, part));
      writeFileSync(join(dir, part, 'old'), 'stale');
    }
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(await prepareDemoDir(dir)).toEqual({ cleaned: true });
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', DEMO_MARKER].sort());
  });

  it('refuses a directory whose marker is not the demo one', async () => {
    const dir = join(root, 'fake');
    mkdirSync(dir);
    writeFileSync(join(dir, DEMO_MARKER), '{"createdBy": "someone else"}');
    mkdirSync(join(dir, 'data'));
    await expect(prepareDemoDir(dir)).rejects.toSatisfy(
      (err: unknown) => err instanceof PrequelError && err.code === 'CONTROL_DEMO_DIR_IN_USE',
    );
    expect(existsSync(join(dir, 'data'))).toBe(true);
  });
});
