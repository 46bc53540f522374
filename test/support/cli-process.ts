// SPDX-License-Identifier: Apache-2.0
// Runs `prequel` as a child process (from the sources, see prequel-from-source.ts): one command
// to completion, one command started for the test to drive (signals), or `prequel serve` kept
// running until stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = fileURLToPath(new URL('./prequel-from-source.ts', import.meta.url));
// tsx's loader by absolute URL: `--import tsx` would resolve from the child's working directory.
const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
const tsxLoader = pathToFileURL(join(dirname(tsxPackage), 'dist', 'loader.mjs')).href;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], cwd: string): ChildProcess {
  return spawn(process.execPath, ['--import', tsxLoader, entry, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Starts one command and returns the child (stdout and stderr piped), e.g. to signal it. */
export function spawnCli(args: string[], options: { cwd?: string } = {}): ChildProcess {
  return start(args, options.cwd ?? root);
}

/** Runs one command and resolves with its exit code and output. */
export function runCli(args: string[], options: { cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = start(args, options.cwd ?? root);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  /** What the server wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Sends SIGTERM and waits for the process to exit. */
  stop(): Promise<void>;
}

/** Starts `prequel serve --port 0 --json` and resolves once it listens. */
export function startServer(
  args: string[],
  options: { cwd?: string } = {},
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child = start(['serve', '--port', '0', '--json', ...args], options.cwd ?? root);
    let out = '';
    let err = '';
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const fail = () => reject(new Error(`prequel serve exited before listening:\n${err}`));
    child.on('exit', fail);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line === undefined) return;
      child.off('exit', fail);
      const { url } = JSON.parse(line) as { url: string };
      resolve({
        url,
        process: child,
        stderr: () => err,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
