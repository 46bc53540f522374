// SPDX-License-Identifier: Apache-2.0
// Stopping `prequel serve` (a real process) while a training job runs: SIGINT cancels the job
// through the same path as `prequel jobs cancel`, waits for it to end and closes the workspace,
// then exits with 130 (128 + SIGINT); SIGTERM exits with 143. The job is recorded as cancelled,
// not failed, nothing aborts natively, and the workspace opens again with its source and token.
// An idle server exits with 0. Closing a workspace while training (its worker terminated in the
// middle of native work) records the job as interrupted without aborting the process.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prequel } from '../../src/prequel.js';
import { startServer, type RunningServer } from '../support/cli-process.js';
import { SHOP_QUERY, writeShop, type Shop } from '../pipeline/shop.js';
import { tempDir } from './helpers.js';

let dir: string;
let shop: Shop;

beforeAll(() => {
  dir = tempDir('prequel-serve-shutdown-');
  shop = writeShop(join(dir, 'shop'), 60);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A workspace with the shop registered and inspected, and a token; returns the token. */
async function workspaceWithShop(workspace: string): Promise<string> {
  const prequel = await Prequel.open({ workspace, create: true, runJobs: false });
  try {
    await prequel.registerSource({ name: 'shop', kind: 'duckdb', settings: { path: shop.dir } });
    await prequel.inspectSource('shop');
    return (await prequel.createToken('shutdown')).token;
  } finally {
    await prequel.close();
  }
}

function exitOf(server: RunningServer): Promise<{ code: number | null; signal: string | null }> {
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * Queues a long training job over REST and resolves once it reports a training step, with the
 * still open event stream (read on in the background) and its text so far.
 */
async function trainUntilStepping(url: string, token: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const queued = await fetch(`${url}/train`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      source: 'shop',
      query: SHOP_QUERY,
      // Many epochs, so the job is still training when the signal comes.
      options: { mode: 'normal', epochs: 200, patience: 200, channels: 16, fanouts: [4, 2] },
    }),
  });
  expect(queued.status).toBe(202);
  const job = (await queued.json()) as { id: string };
  const res = await fetch(`${url}/jobs/${job.id}/events`, { headers });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!/event: progress\ndata: [^\n]*"message":"epoch /.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the event stream ended before training:\n${text}`);
    text += decoder.decode(value, { stream: true });
  }
  // Reads the rest of the stream, which the server ends after the job's final state.
  const rest = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return text;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      return text;
    }
  })();
  return { jobId: job.id, rest };
}

async function stopDuringTraining(signal: 'SIGINT' | 'SIGTERM') {
  const workspace = join(dir, `ws-${signal}`);
  const token = await workspaceWithShop(workspace);
  const server = await startServer(['-w', workspace]);
  const exited = exitOf(server);
  const { jobId, rest } = await trainUntilStepping(server.url, token);
  server.process.kill(signal);
  const exit = await exited;
  const stream = await rest;
  return { workspace, token, jobId, exit, stream, stderr: server.stderr() };
}

async function expectCancelledAndIntact(workspace: string, token: string, jobId: string) {
  const prequel = await Prequel.open({ workspace, runJobs: false });
  try {
    const job = await prequel.getJob(jobId);
    expect(job.state, JSON.stringify(job.error)).toBe('cancelled');
    // Cancelled as `prequel jobs cancel` cancels, not failed as interrupted.
    expect([null, 'CONTROL_JOB_CANCELLED']).toContain(job.error?.code ?? null);
    expect(await prequel.listModels()).toEqual([]);
    expect((await prequel.listSources()).map((s) => s.name)).toEqual(['shop']);
    expect(prequel.verifyTokenSync(token)).not.toBeNull();
    // The cancelled job can be run again.
    expect((await prequel.rerunJob(jobId)).state).toBe('queued');
  } finally {
    await prequel.close();
  }
}

describe('stopping prequel serve', () => {
  it('on SIGINT cancels the running job, closes the workspace and exits with 130', async () => {
    const { workspace, token, jobId, exit, stream, stderr } = await stopDuringTraining('SIGINT');
    expect(stderr).not.toMatch(/terminate called|Napi::Error|internal error/);
    expect(exit, stderr).toEqual({ code: 130, signal: null });
    // A client following the job saw it end as cancelled before the server went away.
    expect(stream).toMatch(/event: state\ndata: [^\n]*"state":"cancelled"/);
    await expectCancelledAndIntact(workspace, token, jobId);
  }, 120_000);

  it('on SIGTERM does the same and exits with 143', async () => {
    const { workspace, token, jobId, exit, stderr } = await stopDuringTraining('SIGTERM');
    expect(stderr).not.toMatch(/terminate called|Napi::Error|internal error/);
    expect(exit, stderr).toEqual({ code: 143, signal: null });
    await expectCancelledAndIntact(workspace, token, jobId);
  }, 120_000);

  it('exits with 0 on SIGINT when no job runs', async () => {
    const workspace = join(dir, 'ws-idle');
    await workspaceWithShop(workspace);
    const server = await startServer(['-w', workspace]);
    const exited = exitOf(server);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    server.process.kill('SIGINT');
    expect(await exited, server.stderr()).toEqual({ code: 0, signal: null });
  }, 60_000);
});

describe('closing a workspace while a job trains', () => {
  it('terminates the worker in the middle of native work without aborting', async () => {
    let stepping = false;
    const prequel = await Prequel.open({
      workspace: join(dir, 'ws-close'),
      create: true,
      onProgress: (e) => {
        if (e.type === 'progress' && (e.message ?? '').startsWith('epoch ')) stepping = true;
      },
    });
    await prequel.registerSource({ name: 'shop', kind: 'duckdb', settings: { path: shop.dir } });
    await prequel.inspectSource('shop');
    const job = await prequel.train({
      source: 'shop',
      query: SHOP_QUERY,
      options: { mode: 'normal', epochs: 200, patience: 200, channels: 16, fanouts: [4, 2] },
    });
    while (!stepping) await new Promise((r) => setTimeout(r, 20));
    // Before the fix, a sampler or compute Promise settling in the terminated worker threw a
    // C++ exception out of its completion, and the process aborted here.
    await prequel.close();
    const reopened = await Prequel.open({ workspace: join(dir, 'ws-close'), runJobs: false });
    try {
      const ended = await reopened.getJob(job.id);
      expect(ended.state).toBe('failed');
      expect(ended.error?.code).toBe('CONTROL_JOB_INTERRUPTED');
    } finally {
      await reopened.close();
    }
  }, 60_000);
});
