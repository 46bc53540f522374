// SPDX-License-Identifier: Apache-2.0
// Starts the worker thread of a job. From the compiled package the worker entry is plain
// JavaScript; when running from TypeScript sources (tests, tsx) the worker registers the tsx
// loader first, because Node 20 does not apply the parent's --import hooks to worker threads.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WorkerInput } from './handler.js';

const here = new URL(import.meta.url);
const fromSource = here.pathname.endsWith('.ts');
const entry = new URL(fromSource ? './job-worker.ts' : './job-worker.js', here);

function tsxApiUrl(): string {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('tsx/package.json'));
  return pathToFileURL(join(root, 'dist', 'esm', 'api', 'index.mjs')).href;
}

/** Starts a worker running the job described by `input`. */
export function startJobWorker(input: WorkerInput): Worker {
  if (!fromSource) return new Worker(entry, { workerData: input });
  const bootstrap =
    `import(${JSON.stringify(tsxApiUrl())})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: input });
}
