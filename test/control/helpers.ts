// SPDX-License-Identifier: Apache-2.0
// Shared helpers of the control plane tests: temporary workspaces with the test job kind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Prequel, type PrequelOptions } from '../../src/prequel.js';
import type { JobKindDef } from '../../src/control/jobs/registry.js';
import type { FastifyInstance } from 'fastify';
import { buildApi, type ApiOptions } from '../../src/control/api/app.js';
import { afterEach, beforeEach, vi } from 'vitest';
import { main } from '../../src/control/cli/main.js';

export const COUNT_JOB_MODULE = new URL('./fixtures/count-job.ts', import.meta.url);

/** The test-only `count` kind (see fixtures/count-job.ts). */
export const COUNT_KIND: JobKindDef = { kind: 'count', module: COUNT_JOB_MODULE };

export function tempDir(prefix = 'prequel-control-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Opens a fresh workspace with the count kind, runs `fn`, then closes and removes it. */
export async function withPrequel<T>(
  fn: (prequel: Prequel, dir: string) => Promise<T>,
  options: Partial<PrequelOptions> = {},
): Promise<T> {
  const dir = tempDir();
  const prequel = await Prequel.open({
    workspace: dir,
    create: true,
    jobKinds: [COUNT_KIND],
    cancelGraceMs: 300,
    ...options,
  });
  try {
    return await fn(prequel, dir);
  } finally {
    await prequel.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A minimal valid graph definition. */
export function tinyGraph(extraColumn = false) {
  return {
    version: 1 as const,
    tables: [
      {
        name: 'drivers',
        primaryKey: 'driverId',
        foreignKeys: [],
        timeColumn: null,
        endTimeColumn: null,
        columns: [
          { name: 'driverId', physical: 'bigint' as const, stype: 'id' as const },
          ...(extraColumn
            ? [{ name: 'nationality', physical: 'string' as const, stype: 'categorical' as const }]
            : []),
        ],
      },
    ],
  };
}

/** Opens a workspace, builds the API over it and creates a token; closes everything after. */
export async function withApi<T>(
  fn: (ctx: {
    app: FastifyInstance;
    prequel: Prequel;
    auth: { authorization: string };
    dir: string;
  }) => Promise<T>,
  apiOptions: ApiOptions = {},
  options: Partial<PrequelOptions> = {},
): Promise<T> {
  return withPrequel(async (prequel, dir) => {
    const app = await buildApi(prequel, apiOptions);
    try {
      const { token } = await prequel.createToken('test');
      return await fn({ app, prequel, auth: { authorization: `Bearer ${token}` }, dir });
    } finally {
      await app.close();
    }
  }, options);
}

/** The in-process CLI with its output captured; see captureCli. */
export interface CliCapture {
  /** Runs `prequel ...args` in process, first clearing the captured output; the exit code. */
  run(...args: string[]): Promise<number>;
  /** Installs the spies on process.stdout/stderr now (e.g. in a beforeAll). */
  capture(): void;
  /** What the last run wrote to stdout. */
  readonly stdout: string;
  /** What the last run wrote to stderr. */
  readonly stderr: string;
}

/**
 * Captures the CLI's stdout and stderr in every test of the enclosing scope: call it at module or
 * describe level; it spies on process.stdout.write and process.stderr.write before each test and
 * restores all mocks after each.
 */
export function captureCli(): CliCapture {
  let stdout = '';
  let stderr = '';
  const capture = (): void => {
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
  };
  beforeEach(capture);
  afterEach(() => vi.restoreAllMocks());
  return {
    async run(...args: string[]): Promise<number> {
      stdout = '';
      stderr = '';
      return main(['node', 'prequel', ...args]);
    },
    capture,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}
