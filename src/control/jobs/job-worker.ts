// SPDX-License-Identifier: Apache-2.0
// Entry point of a job's worker thread: loads the handler module, runs it with a context that
// forwards progress and logs to the orchestrator, and posts the result or the error.
import { parentPort, workerData } from 'node:worker_threads';
import { PrequelError } from '../../errors/index.js';
import { ArtifactStore } from '../../workspace/artifacts.js';
import type {
  ControlMessage,
  JobContext,
  JobHandler,
  WorkerInput,
  WorkerMessage,
} from './handler.js';

const port = parentPort;
if (port === null) throw new Error('job-worker.js must run in a worker thread');
const input = workerData as WorkerInput;
const controller = new AbortController();
const post = (message: WorkerMessage) => port.postMessage(message);

port.on('message', (message: ControlMessage) => {
  if (message.type === 'cancel') controller.abort(new Error('cancelled'));
});

function serialiseError(err: unknown): Extract<WorkerMessage, { type: 'error' }>['error'] {
  if (err instanceof PrequelError) {
    const details = JSON.parse(
      JSON.stringify(err.details, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
    ) as Record<string, unknown>;
    return { code: err.code, message: err.message, details };
  }
  const e = err as Error;
  return {
    code: 'CONTROL_JOB_CRASHED',
    message: `job ${input.jobId} failed: ${e?.message ?? String(err)}`,
    // The stack goes to the job's log (for `prequel jobs show`), not into the error a client sees.
    details: { id: input.jobId, reason: e?.message ?? String(err) },
  };
}

async function runJob(): Promise<void> {
  const mod = (await import(input.module)) as { run?: JobHandler; default?: JobHandler };
  const handler = mod.run ?? mod.default;
  if (typeof handler !== 'function') {
    throw new Error(`module ${input.module} exports neither run() nor a default function`);
  }
  const ctx: JobContext = {
    jobId: input.jobId,
    kind: input.kind,
    params: input.params,
    workspace: input.workspace,
    artifacts: new ArtifactStore(input.workspace),
    signal: controller.signal,
    progress: (fraction, message) =>
      post({
        type: 'progress',
        fraction: Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0)),
        message: message ?? null,
      }),
    log: (level, message) => post({ type: 'log', level, message: String(message) }),
  };
  const result = await handler(ctx);
  post({ type: 'done', result: result === undefined ? null : result });
}

runJob().catch((err: unknown) => {
  if (!(err instanceof PrequelError) && err instanceof Error && err.stack !== undefined) {
    post({ type: 'log', level: 'error', message: err.stack });
  }
  post({ type: 'error', error: serialiseError(err) });
});
