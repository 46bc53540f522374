// SPDX-License-Identifier: Apache-2.0
// `prequel` as a user runs it: `node bin/prequel.js` (the compiled dist/) in a child process,
// one command to completion or `prequel serve` kept running until stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './surface.js';

const BIN = join(ROOT, 'bin/prequel.js');
/** How much of a child's stderr a failure message quotes. */
const TAIL_CHARS = 4000;

function start(args: string[], cwd: string): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function tail(text: string): string {
  return text.length <= TAIL_CHARS ? text : `...${text.slice(-TAIL_CHARS)}`;
}

/** Runs `prequel <args>` in `cwd`; resolves with stdout, throws with stderr on a non-zero exit. */
export function runPrequel(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = start(args, cwd);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(stdout);
      const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
      reject(new Error(`prequel ${args[0]} failed (${how}):\n${tail(stderr)}`));
    });
  });
}

export interface ServeProcess {
  url: string;
  /** Sends SIGTERM and waits for the server to exit. */
  stop(): Promise<void>;
}

/** Starts `prequel serve --port 0 --json <args>` and resolves once it listens. */
export function startServe(args: string[], cwd: string): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = start(['serve', '--port', '0', '--json', ...args], cwd);
    let stdout = '';
    let stderr = '';
    let listening = false;
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!listening) reject(new Error(`prequel serve exited (${code}):\n${tail(stderr)}`));
    });
    child.stderr!.on('data', (d: Buffer) => (stderr = tail(stderr + d.toString())));
    // Log lines keep arriving on stdout: read them all so the pipe never fills up.
    child.stdout!.on('data', (d: Buffer) => {
      if (listening) return;
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.includes('"listening"'));
      if (line === undefined) return;
      listening = true;
      const { url } = JSON.parse(line) as { url: string };
      resolve({
        url,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

function newestSource(dir: string): { path: string; mtimeMs: number } | null {
  let newest: { path: string; mtimeMs: number } | null = null;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const found = entry.isDirectory()
      ? newestSource(path)
      : entry.name.endsWith('.ts')
        ? { path, mtimeMs: statSync(path).mtimeMs }
        : null;
    if (found !== null && (newest === null || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest;
}

/**
 * Throws unless dist/ (what bin/prequel.js runs) is built; returns a warning when a file of src/
 * changed after it was built, null when the build is current.
 */
export function checkBuild(): string | null {
  const built = join(ROOT, 'dist/control/cli/main.js');
  if (!existsSync(built)) {
    throw new Error(
      `bin/prequel.js runs ${relative(ROOT, built)}, which is missing: npm run build`,
    );
  }
  const newest = newestSource(join(ROOT, 'src'));
  if (newest === null || newest.mtimeMs <= statSync(built).mtimeMs) return null;
  return (
    `${relative(ROOT, newest.path)} changed after dist/ was built: bin/prequel.js runs older ` +
    'code (npm run build)'
  );
}
