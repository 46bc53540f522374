// SPDX-License-Identifier: Apache-2.0
// Runs the built `prequel` binary (dist/ compiled once in beforeAll).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prequel } from '../../src/prequel.js';
import { COUNT_KIND, tempDir } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'prequel.js');
let dir: string;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile('node', [bin, ...args], { cwd: dir, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(() => {
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch {
    // Type errors elsewhere in the tree still emit JavaScript; the check below is what matters.
  }
  if (!existsSync(join(root, 'dist', 'control', 'cli', 'main.js'))) {
    throw new Error('the build did not produce dist/control/cli/main.js');
  }
  dir = tempDir('prequel-cli-');
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prequel CLI (built binary)', () => {
  it('initialises a workspace (again: nothing to do) and manages tokens, with exit codes 0 and 1', async () => {
    const init = await cli('init', 'ws', '--json');
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({
      name: 'default',
      schemaVersion: 1,
      created: true,
    });
    const again = await cli('init', 'ws');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^workspace default already exists at .*; nothing to do$/m);

    const created = await cli('token', 'create', 'ci', '-w', 'ws', '--json');
    expect(created.code).toBe(0);
    const { token } = JSON.parse(created.stdout) as { token: string };
    expect(token).toMatch(/^pq_/);
    const list = await cli('token', 'list', '-w', 'ws', '--json');
    expect(JSON.parse(list.stdout).map((t: { name: string }) => t.name)).toEqual(['ci']);
    expect(list.stdout).not.toContain(token);
    expect((await cli('token', 'create', 'ci', '-w', 'ws')).code).toBe(1);
    expect((await cli('token', 'revoke', 'ci', '-w', 'ws')).code).toBe(0);
    expect((await cli('token', 'revoke', 'ci', '-w', 'ws')).code).toBe(1);
    const missing = await cli('jobs', '-w', 'nowhere');
    expect([missing.code, missing.stderr.includes('CONTROL_WORKSPACE_NOT_FOUND')]).toEqual([
      1,
      true,
    ]);
  });

  it('lists, shows, cancels, reruns and follows jobs', async () => {
    const workspace = join(dir, 'ws');
    const queuer = await Prequel.open({ workspace, jobKinds: [COUNT_KIND], runJobs: false });
    let queued: string;
    try {
      queued = (await queuer.submitJob('count', { n: 2 })).id;
    } finally {
      await queuer.close();
    }
    const list = await cli('jobs', 'list', '-w', 'ws', '--json');
    expect(JSON.parse(list.stdout)).toMatchObject([{ id: queued, state: 'queued' }]);
    const text = await cli('jobs', '-w', 'ws');
    expect(text.stdout).toMatch(/ID\s+KIND\s+STATE/);
    expect((await cli('jobs', 'show', queued, '-w', 'ws')).stdout).toContain(
      `job ${queued} (count): queued`,
    );
    const cancelled = await cli('jobs', 'cancel', queued, '-w', 'ws', '--json');
    expect(JSON.parse(cancelled.stdout).state).toBe('cancelled');
    const rerun = await cli('jobs', 'rerun', queued, '-w', 'ws', '--json');
    const rerunId = JSON.parse(rerun.stdout).id as string;
    expect(JSON.parse(rerun.stdout)).toMatchObject({ state: 'queued', rerunOf: queued });
    expect((await cli('jobs', 'show', '424242', '-w', 'ws')).code).toBe(1);
    expect((await cli('jobs', 'list', '--state', 'bogus', '-w', 'ws')).code).toBe(1);

    // A runner in this process picks up the rerun; the CLI follows it from another process.
    const runner = await Prequel.open({ workspace, jobKinds: [COUNT_KIND] });
    try {
      const follow = await cli('jobs', 'show', rerunId, '--follow', '-w', 'ws');
      expect(follow.code).toBe(0);
      expect(follow.stdout).toContain(`job ${rerunId} count: succeeded`);
      expect(follow.stdout).toContain('[info] count 2');
    } finally {
      await runner.close();
    }
  });

  it('prints help with examples for every command and rejects bad usage with exit 1', async () => {
    for (const command of [
      ['init'],
      ['token'],
      ['token', 'create'],
      ['serve'],
      ['jobs'],
      ['jobs', 'show'],
      ['train'],
      ['predict'],
      ['models'],
      ['models', 'show'],
      ['sources'],
      ['sources', 'show'],
      ['explain'],
    ]) {
      const help = await cli(...command, '--help');
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout, command.join(' ')).toContain('Examples:');
    }
    expect((await cli('bogus')).code).toBe(1);
    expect((await cli('serve', '--port', 'abc', '-w', 'ws')).code).toBe(1);
  });

  it('serves the API on loopback and stops cleanly on SIGTERM', async () => {
    const created = await cli('token', 'create', 'server', '-w', 'ws', '--json');
    const { token } = JSON.parse(created.stdout) as { token: string };
    const server = spawn('node', [bin, 'serve', '--port', '0', '-w', 'ws', '--json'], { cwd: dir });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (chunk) => {
          out += String(chunk);
          const line = out.split('\n').find((l) => l.includes('"listening"'));
          if (line !== undefined) resolve((JSON.parse(line) as { url: string }).url);
        });
        server.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/jobs`)).status).toBe(401);
      const jobs = await fetch(`${url}/jobs`, { headers: { authorization: `Bearer ${token}` } });
      expect(jobs.status).toBe(200);
      const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
    }
  });
});
