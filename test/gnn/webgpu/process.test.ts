// SPDX-License-Identifier: Apache-2.0
// Cases reported against other WebGPU users: a process that runs one compute pass and reads it
// back exits with the right status within seconds and without a crash at shutdown; a process
// holding no GPU job uses close to no CPU; backends closed mid-download, with the garbage
// collector run in between, neither crash nor hang the process (the Dawn instance is shared).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/one-pass.ts', import.meta.url));
const LIMIT_MS = 30_000;

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the fixture under a hard timeout (SIGKILL after LIMIT_MS). */
function runChild(args: string[], nodeArgs: string[] = []): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', fixture, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

function report(r: ChildResult): Record<string, unknown> {
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

describe('a process using the webgpu backend', () => {
  it('runs one compute pass, reads back and exits 0 within seconds', async () => {
    const r = await runChild([]);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(report(r).out).toEqual([2, 4, 6]);
    expect(r.ms).toBeLessThan(LIMIT_MS);
  });

  it('exits with the status the script sets (a failed check gives 3, not a crash)', async () => {
    const r = await runChild(['--expect', '7']);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(3);
  });

  it('exits 0 even when the backend is left open', async () => {
    const r = await runChild(['--no-close']);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
  });

  it('uses close to no CPU while idle, with the device open and after release', async () => {
    const r = await runChild(['--idle-ms', '1000']);
    expect(r.code, r.stderr).toBe(0);
    const { idleCpuMsOpen, idleCpuMsClosed } = report(r) as Record<string, number>;
    // Busy-polling would burn most of the second; an idle process uses a few milliseconds.
    expect(idleCpuMsOpen).toBeLessThan(100);
    expect(idleCpuMsClosed).toBeLessThan(100);
  });

  it('survives backends closed mid-download with a garbage collection after each close', async () => {
    // Before the instance was shared, dropping it here aborted, segfaulted or hung the process
    // in Dawn's InstanceBase::ProcessEvents within a few rounds.
    const rounds = 12;
    const r = await runChild(['--churn', String(rounds)], ['--expose-gc']);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    const { churned, dawn } = report(r);
    expect(churned).toEqual(Array.from({ length: rounds }, () => 6));
    expect(dawn).toEqual({ instances: 1, devices: 0 });
  });
});
