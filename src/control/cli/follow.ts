// SPDX-License-Identifier: Apache-2.0
// Follows a job the CLI queued until it ends: progress on stderr (a bar in a terminal, plain
// lines otherwise, JSON lines with --json), and Ctrl-C asks the job to stop instead of killing
// the process, so the worker ends cleanly and the job is recorded as cancelled.
import { prequelError } from '../../errors/index.js';
import type { Prequel } from '../../prequel.js';
import { TERMINAL_STATES } from '../jobs/events.js';
import type { JobRecord } from '../metadata/jobs.js';
import { createProgressRenderer } from './progress.js';

export interface FollowOptions {
  json?: boolean;
  /** Where progress goes (default stderr, so stdout stays the command's result). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * Resolves with the job once it succeeded; a failed job throws its error, a cancelled one
 * CONTROL_JOB_CANCELLED (with `signal: 'SIGINT'` in its details when this process's Ctrl-C
 * cancelled it, which the CLI exits with 130). A first Ctrl-C cancels the job; a second one
 * quits at once.
 */
export async function followJob(
  prequel: Prequel,
  job: JobRecord,
  options: FollowOptions = {},
): Promise<JobRecord> {
  const stream = options.stream ?? process.stderr;
  const renderer = createProgressRenderer({ json: options.json, stream });
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    stream.write(`\ncancelling job ${job.id} (Ctrl-C again to quit at once)\n`);
    prequel.cancelJob(job.id).catch(() => undefined);
  };
  // `once`: after the first Ctrl-C no listener is left, so a second one ends the process.
  process.once('SIGINT', onInterrupt);
  try {
    await new Promise<void>((resolve) => {
      const stop = prequel.watchJob(
        job.id,
        (event) => {
          renderer.event(event);
          if (event.type === 'state' && TERMINAL_STATES.has(event.state)) {
            stop();
            resolve();
          }
        },
        { pollMs: 200 },
      );
    });
  } finally {
    renderer.stop();
    process.removeListener('SIGINT', onInterrupt);
  }
  const ended = await prequel.getJob(job.id);
  if (ended.state === 'cancelled') {
    throw prequelError(
      'CONTROL_JOB_CANCELLED',
      interrupted ? { id: job.id, signal: 'SIGINT' } : {},
    );
  }
  if (ended.state === 'failed') {
    throw ended.error === null
      ? prequelError('CONTROL_INTERNAL', { detail: `job ${job.id} failed without an error` })
      : prequelError(ended.error.code, ended.error.details);
  }
  return ended;
}
