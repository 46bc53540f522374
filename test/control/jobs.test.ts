// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import type { JobEvent } from '../../src/control/jobs/events.js';
import { prequelError } from '../../src/errors/index.js';
import { COUNT_KIND, withPrequel } from './helpers.js';

describe('job lifecycle', () => {
  it('runs a job to success with progress, logs and a result', async () => {
    const events: JobEvent[] = [];
    await withPrequel(
      async (prequel, dir) => {
        const queued = await prequel.submitJob('count', { n: 4, artifact: true });
        expect(queued.state).toBe('queued');
        const done = await prequel.waitForJob(queued.id, { timeoutMs: 20_000 });
        expect(done.state).toBe('succeeded');
        expect(done.progress).toBe(1);
        expect(done.startedAt).not.toBeNull();
        expect(done.finishedAt).not.toBeNull();
        const result = done.result as { count: number; artifact: { path: string; hash: string } };
        expect(result.count).toBe(4);
        expect(readFileSync(join(dir, result.artifact.path), 'utf8')).toBe('counted to 4\n');
        const logs = await prequel.jobLogs(done.id);
        expect(logs.map((l) => l.message)).toEqual(['count 1', 'count 2', 'count 3', 'count 4']);
        expect(logs.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
        const states = events
          .filter((e) => e.type === 'state')
          .map((e) => e.type === 'state' && e.state);
        expect(states).toEqual(['queued', 'running', 'succeeded']);
        expect(events.some((e) => e.type === 'progress' && e.fraction === 1)).toBe(true);
      },
      { onProgress: (e) => events.push(e) },
    );
  });

  it('records a handler error with its registry code', async () => {
    await withPrequel(async (prequel) => {
      const job = await prequel.submitJob('count', { n: 1, fail: true });
      const done = await prequel.waitForJob(job.id, { timeoutMs: 20_000 });
      expect(done.state).toBe('failed');
      expect(done.error?.code).toBe('CONTROL_INVALID_ARGUMENT');
      expect(done.error?.details).toMatchObject({ name: 'fail' });
    });
  });

  it('keeps to the concurrency limit and runs queued jobs as slots free', async () => {
    await withPrequel(
      async (prequel) => {
        const jobs = await Promise.all(
          [0, 1, 2].map(() => prequel.submitJob('count', { n: 4, delayMs: 20 })),
        );
        await new Promise((r) => setTimeout(r, 100));
        const states = await Promise.all(jobs.map((j) => prequel.getJob(j.id)));
        expect(states.filter((j) => j.state === 'running').length).toBeLessThanOrEqual(1);
        for (const job of jobs) {
          expect((await prequel.waitForJob(job.id, { timeoutMs: 20_000 })).state).toBe('succeeded');
        }
        const [a, b, c] = await Promise.all(jobs.map((j) => prequel.getJob(j.id)));
        expect(a.finishedAt! <= b.startedAt!).toBe(true);
        expect(b.finishedAt! <= c.startedAt!).toBe(true);
      },
      { maxConcurrentJobs: 1 },
    );
  });

  it('cancels a queued job at once and a running job within seconds', async () => {
    await withPrequel(
      async (prequel) => {
        const running = await prequel.submitJob('count', { n: 1000, delayMs: 10 });
        const queued = await prequel.submitJob('count', { n: 1 });
        expect((await prequel.cancelJob(queued.id)).state).toBe('cancelled');
        await new Promise((r) => setTimeout(r, 200));
        const t0 = Date.now();
        await prequel.cancelJob(running.id);
        const done = await prequel.waitForJob(running.id, { timeoutMs: 10_000 });
        expect(done.state).toBe('cancelled');
        expect(Date.now() - t0).toBeLessThan(3000);
        await expect(prequel.cancelJob(running.id)).rejects.toMatchObject({
          code: 'CONTROL_JOB_NOT_CANCELLABLE',
        });
      },
      { maxConcurrentJobs: 1 },
    );
  });

  it('terminates a job that ignores the cancel signal after the grace time', async () => {
    await withPrequel(async (prequel) => {
      const job = await prequel.submitJob('count', { n: 1000, delayMs: 50, spin: true });
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      await prequel.cancelJob(job.id);
      const done = await prequel.waitForJob(job.id, { timeoutMs: 10_000 });
      expect(done.state).toBe('cancelled');
      expect(Date.now() - t0).toBeLessThan(3000);
    });
  });

  it('reruns a failed job as a new job that points back to it', async () => {
    await withPrequel(async (prequel) => {
      const failed = await prequel.submitJob('count', { n: 1, fail: true });
      await prequel.waitForJob(failed.id, { timeoutMs: 20_000 });
      const rerun = await prequel.rerunJob(failed.id);
      expect(rerun.rerunOf).toBe(failed.id);
      expect(rerun.params).toEqual({ n: 1, fail: true });
      await prequel.waitForJob(rerun.id, { timeoutMs: 20_000 });
      const ok = await prequel.submitJob('count', { n: 1 });
      await prequel.waitForJob(ok.id, { timeoutMs: 20_000 });
      await expect(prequel.rerunJob(ok.id)).rejects.toMatchObject({
        code: 'CONTROL_JOB_NOT_RERUNNABLE',
      });
    });
  });

  it('rejects unknown kinds, bad kind definitions and unknown job ids', async () => {
    await withPrequel(async (prequel) => {
      await expect(prequel.submitJob('nope', {})).rejects.toMatchObject({
        code: 'CONTROL_JOB_KIND_UNKNOWN',
      });
      expect(() => prequel.registerJobKind(COUNT_KIND)).toThrow(
        expect.objectContaining({ code: 'CONTROL_JOB_KIND_INVALID' }),
      );
      for (const def of [
        { kind: 'Bad Kind', module: COUNT_KIND.module },
        { kind: 'relative', module: './count-job.js' },
      ]) {
        expect(() => prequel.registerJobKind(def)).toThrow(
          expect.objectContaining({ code: 'CONTROL_JOB_KIND_INVALID' }),
        );
      }
      for (const id of ['999', 'abc', '-1', '0', '99999999999999999999']) {
        await expect(prequel.getJob(id)).rejects.toMatchObject({ code: 'CONTROL_JOB_NOT_FOUND' });
      }
    });
  });

  it('marks a job failed when its module cannot be loaded', async () => {
    await withPrequel(
      async (prequel) => {
        const job = await prequel.submitJob('broken', {});
        const done = await prequel.waitForJob(job.id, { timeoutMs: 20_000 });
        expect(done.state).toBe('failed');
        expect(done.error?.code).toBe('CONTROL_JOB_CRASHED');
      },
      {
        jobKinds: [
          COUNT_KIND,
          { kind: 'broken', module: new URL('./fixtures/missing.ts', import.meta.url) },
        ],
      },
    );
  });

  it('leaves no temp file behind and never references a half-written artifact', async () => {
    await withPrequel(async (prequel, dir) => {
      await expect(
        prequel.artifacts.putFile(async () => {
          throw new Error('writer died');
        }),
      ).rejects.toThrow('writer died');
      await expect(
        prequel.artifacts.putStream(Readable.from([Buffer.from('12345'), Buffer.from('678')]), {
          maxBytes: 6,
          limitSetting: '--upload-limit',
        }),
      ).rejects.toMatchObject({ code: 'CONTROL_BODY_TOO_LARGE', details: { limit: 6 } });
      const streamed = await prequel.artifacts.putStream(Readable.from([Buffer.from('123456')]), {
        maxBytes: 6,
      });
      expect(streamed.bytes).toBe(6);
      expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
      const ref = await prequel.artifacts.put('abc');
      expect(existsSync(join(dir, ref.path))).toBe(true);
      expect(prequel.artifacts.removeStaleTempFilesSync()).toBe(0);
    });
  });
});

describe('job completion hooks', () => {
  it('records what a job made in the transaction that marks it succeeded', async () => {
    await withPrequel(
      async (prequel) => {
        const job = await prequel.submitJob('model', { n: 2, artifact: true });
        const done = await prequel.waitForJob(job.id, { timeoutMs: 20_000 });
        expect(done.state).toBe('succeeded');
        const models = await prequel.listModels();
        expect(models).toHaveLength(1);
        expect(models[0]).toMatchObject({ name: 'counted', jobId: job.id, metrics: { count: 2 } });
        expect(done.result).toEqual({ modelId: models[0].id });
        expect(prequel.artifacts.resolveSync(models[0].checkpoint.hash)).toContain(
          models[0].checkpoint.hash,
        );
      },
      {
        jobKinds: [
          {
            kind: 'model',
            module: COUNT_KIND.module,
            complete: ({ job, result, metadata }) => {
              const r = result as { count: number; artifact: { path: string; hash: string } };
              const model = metadata.models.create({
                name: 'counted',
                jobId: BigInt(job.id),
                plan: null,
                metrics: { count: r.count },
                checkpoint: r.artifact,
              });
              return { modelId: model.id };
            },
          },
        ],
      },
    );
  });

  it('fails the job and keeps nothing when the hook throws', async () => {
    await withPrequel(
      async (prequel) => {
        const job = await prequel.submitJob('model', { n: 1, artifact: true });
        const done = await prequel.waitForJob(job.id, { timeoutMs: 20_000 });
        expect(done.state).toBe('failed');
        expect(done.error?.code).toBe('CONTROL_ARTIFACT_MISSING');
        expect(await prequel.listModels()).toEqual([]);
      },
      {
        jobKinds: [
          {
            kind: 'model',
            module: COUNT_KIND.module,
            complete: ({ job, metadata }) => {
              metadata.models.create({
                name: 'half',
                jobId: BigInt(job.id),
                plan: null,
                metrics: {},
                checkpoint: { path: 'x', hash: 'f'.repeat(64) },
              });
              throw prequelError('CONTROL_ARTIFACT_MISSING', { hash: 'f'.repeat(64), path: 'x' });
            },
          },
        ],
      },
    );
  });
});
