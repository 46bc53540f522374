// SPDX-License-Identifier: Apache-2.0
// Shared helpers of the control plane tests: temporary workspaces with the test job kind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Prequel, type PrequelOptions } from '../../src/prequel.js';
import type { JobKindDef } from '../../src/control/jobs/registry.js';
import type { FastifyInstance } from 'fastify';
import { buildApi, type ApiOptions } from '../../src/control/api/app.js';

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
