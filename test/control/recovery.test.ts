// SPDX-License-Identifier: Apache-2.0
// A process killed with SIGKILL while a job runs: the next open marks the job failed with a
// reason, removes the dead writer's temp files, and the job can be rerun.
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Prequel } from '../../src/prequel.js';
import { COUNT_KIND, tempDir } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));

describe('crash recovery', () => {
  it('marks a job failed after kill -9 of its process, and reruns it', async () => {
    const dir = tempDir();
    await Prequel.init(dir);
    const proc = spawn('node', ['--import', 'tsx', child, dir], { cwd: root });
    try {
      const jobId = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        proc.stdout.on('data', (chunk) => {
          out += String(chunk);
          const m = /running (\d+)/.exec(out);
          if (m !== null) resolve(m[1]);
        });
        proc.stderr.on('data', (chunk) => (err += String(chunk)));
        proc.on('exit', (code) => reject(new Error(`child exited with ${code}: ${err}`)));
      });
      const exited = new Promise((resolve) => proc.on('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
      // A temp file of the dead process, as if it died halfway through writing an artifact.
      const stale = join(dir, 'tmp', `artifact-${proc.pid}-0123456789abcdef`);
      writeFileSync(stale, 'half a checkpoint');

      const prequel = await Prequel.open({ workspace: dir, jobKinds: [COUNT_KIND] });
      try {
        const job = await prequel.getJob(jobId);
        expect(job.state).toBe('failed');
        expect(job.error?.code).toBe('CONTROL_JOB_INTERRUPTED');
        expect(job.error?.details.reason).toBe('process exited while running');
        expect(job.finishedAt).not.toBeNull();
        expect(existsSync(stale)).toBe(false);
        expect(await prequel.listJobs({ state: 'running' })).toEqual([]);

        const rerun = await prequel.rerunJob(jobId);
        expect(rerun.rerunOf).toBe(jobId);
        await new Promise<void>((resolve) => {
          const stop = prequel.watchJob(rerun.id, (e) => {
            if (e.type === 'progress') (stop(), resolve());
          });
        });
        expect((await prequel.getJob(rerun.id)).state).toBe('running');
        await prequel.cancelJob(rerun.id);
        expect((await prequel.waitForJob(rerun.id, { timeoutMs: 10_000 })).state).toBe('cancelled');
      } finally {
        await prequel.close();
      }
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('marks jobs of a closed instance failed and leaves running jobs of live processes alone', async () => {
    const dir = tempDir();
    try {
      const first = await Prequel.open({ workspace: dir, create: true, jobKinds: [COUNT_KIND] });
      const job = await first.submitJob('count', { n: 1000, delayMs: 20 });
      await new Promise<void>((resolve) => {
        const stop = first.watchJob(job.id, (e) => {
          if (e.type === 'progress') (stop(), resolve());
        });
      });
      // A second instance (same live process) must not take the running job for dead.
      const second = await Prequel.open({ workspace: dir, runJobs: false });
      expect((await second.getJob(job.id)).state).toBe('running');
      await first.close();
      const closed = await second.getJob(job.id);
      expect(closed.state).toBe('failed');
      expect(closed.error?.code).toBe('CONTROL_JOB_INTERRUPTED');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cancellation across processes', () => {
  it('stops a job when another process sharing the workspace asks', async () => {
    const dir = tempDir();
    try {
      const runner = await Prequel.open({ workspace: dir, create: true, jobKinds: [COUNT_KIND] });
      const other = await Prequel.open({ workspace: dir, runJobs: false });
      try {
        const job = await runner.submitJob('count', { n: 1000, delayMs: 20 });
        await new Promise<void>((resolve) => {
          const stop = runner.watchJob(job.id, (e) => {
            if (e.type === 'progress') (stop(), resolve());
          });
        });
        const t0 = Date.now();
        const asked = await other.cancelJob(job.id);
        expect([asked.state, asked.cancelRequested]).toEqual(['running', true]);
        expect((await other.waitForJob(job.id, { timeoutMs: 10_000 })).state).toBe('cancelled');
        expect(Date.now() - t0).toBeLessThan(4000);
      } finally {
        await other.close();
        await runner.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
