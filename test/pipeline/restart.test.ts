// SPDX-License-Identifier: Apache-2.0
// A server killed mid-training (SIGKILL, no clean-up) and started again: the interrupted job is
// failed with the reason, no model or half-written artifact is referenced, and the job reruns to
// a model on the new server.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, type RunningServer } from '../support/cli-process.js';
import { SHOP_QUERY, writeShop } from './shop.js';

let dir: string;
let workspace: string;
let auth: Record<string, string>;
let server: RunningServer | null = null;

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server!.url}${path}`, {
    method,
    headers: body === undefined ? { authorization: auth.authorization! } : auth,
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch((err: Error) => {
    const exit = server!.process.exitCode ?? server!.process.signalCode;
    throw new Error(
      `${method} ${path}: ${err.message} (server exit: ${exit}); server stderr:\n` +
        server!.stderr().slice(-4000),
    );
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, any> };
}

async function until(jobId: string, states: string[]): Promise<Record<string, any>> {
  for (;;) {
    const job = (await call('GET', `/jobs/${jobId}`)).json();
    if (states.includes(job.state as string)) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prequel-restart-'));
  writeShop(join(dir, 'shop'), 200);
  workspace = join(dir, 'ws');
  expect((await runCli(['init', workspace])).code).toBe(0);
  const token = await runCli(['token', 'create', 'ops', '-w', workspace, '--json']);
  const secret = (JSON.parse(token.stdout) as { token: string }).token;
  auth = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a server killed during training', () => {
  it('comes back consistent and reruns the job', async () => {
    server = await startServer(['-w', workspace]);
    const path = join(dir, 'shop');
    expect(
      (await call('POST', '/sources', { name: 'shop', kind: 'duckdb', settings: { path } })).status,
    ).toBe(201);
    expect((await call('POST', '/sources/shop/inspect')).status).toBe(201);
    const queued = await call('POST', '/train', {
      source: 'shop',
      query: SHOP_QUERY,
      options: { mode: 'normal', epochs: 200, patience: 200 },
    });
    expect(queued.status, queued.text).toBe(202);
    const jobId = queued.json().id as string;
    await until(jobId, ['running']);
    // Let it reach the training steps, then kill the process outright.
    for (;;) {
      const job = (await call('GET', `/jobs/${jobId}`)).json();
      if (String(job.progressMessage ?? '').startsWith('epoch')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    server.process.kill('SIGKILL');
    await new Promise((r) => server!.process.once('exit', r));

    server = await startServer(['-w', workspace]);
    const failed = (await call('GET', `/jobs/${jobId}`)).json();
    expect(failed.state).toBe('failed');
    expect(failed.error.code).toBe('CONTROL_JOB_INTERRUPTED');
    expect((await call('GET', '/models')).json().models).toEqual([]);
    // Nothing half-written is left where artifacts are read from.
    const tmp = join(workspace, 'tmp');
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);

    const rerun = await call('POST', `/jobs/${jobId}/rerun`);
    expect(rerun.status, rerun.text).toBe(202);
    const rerunId = rerun.json().id as string;
    // The rerun keeps the parameters; cancel it and train a short job to show the server works.
    await call('POST', `/jobs/${rerunId}/cancel`);
    expect((await until(rerunId, ['cancelled', 'failed', 'succeeded'])).state).toBe('cancelled');
    const short = await call('POST', '/train', {
      source: 'shop',
      query: SHOP_QUERY,
      options: { mode: 'fast', epochs: 1 },
    });
    const done = await until(short.json().id as string, ['succeeded', 'failed', 'cancelled']);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect((await call('GET', '/models')).json().models).toHaveLength(1);
  }, 180_000);
});
