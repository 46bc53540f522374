// SPDX-License-Identifier: Apache-2.0
// Follows one job: the events of this process as they happen, plus a poll of the database for
// what other processes sharing the workspace change (a job run by the server, watched from the
// CLI). Duplicates are dropped; the watch ends by itself after the job's final state.
import { nowIso } from '../metadata/ids.js';
import type { JobLogEntry, JobRecord, JobState } from '../metadata/jobs.js';
import { TERMINAL_STATES, type JobEvent, type JobEventListener } from './events.js';

export interface JobWatchOptions {
  /** How often to poll the database (default 500 ms). */
  pollMs?: number;
  /** Replay the log lines written before the watch started (default true). */
  replayLogs?: boolean;
}

export interface JobWatchSource {
  subscribe(listener: JobEventListener): () => void;
  /** The job's current row, or null when the workspace is closed. */
  reload(): JobRecord | null;
  logsAfter(seq: number): JobLogEntry[];
}

/** Starts watching; returns a function that stops it. The first event arrives asynchronously. */
export function watchJob(
  job: JobRecord,
  listener: JobEventListener,
  options: JobWatchOptions & JobWatchSource,
): () => void {
  const { id, kind } = job;
  let lastState: JobState | null = null;
  let lastProgress: { fraction: number; message: string | null } | null = null;
  let lastSeq = 0;
  let stopped = false;

  if (options.replayLogs === false) {
    const seen = options.logsAfter(0);
    if (seen.length > 0) lastSeq = seen[seen.length - 1].seq;
  }

  const deliver = (event: JobEvent) => {
    if (stopped) return;
    if (event.type === 'log') {
      if (event.seq <= lastSeq) return;
      lastSeq = event.seq;
    } else if (event.type === 'progress') {
      if (lastProgress?.fraction === event.fraction && lastProgress.message === event.message) {
        return;
      }
      // Progress only grows; the database's copy lags the live events, so an older polled
      // value must not move it back.
      if (lastProgress !== null && event.fraction < lastProgress.fraction) return;
      lastProgress = { fraction: event.fraction, message: event.message };
    } else {
      if (event.state === lastState) return;
      if (TERMINAL_STATES.has(event.state)) flushLogs();
      lastState = event.state;
    }
    listener(event);
    if (event.type === 'state' && TERMINAL_STATES.has(event.state)) stop();
  };

  const flushLogs = () => {
    for (const line of options.logsAfter(lastSeq))
      deliver({ type: 'log', jobId: id, kind, ...line });
  };

  const sync = () => {
    if (stopped) return;
    const row = options.reload();
    if (row === null) return stop();
    flushLogs();
    if (row.progress > 0 && row.state === 'running') {
      deliver({
        type: 'progress',
        jobId: id,
        kind,
        fraction: row.progress,
        message: row.progressMessage,
        at: nowIso(),
      });
    }
    deliver({
      type: 'state',
      jobId: id,
      kind,
      state: row.state,
      error: row.error,
      ...(row.state === 'succeeded' ? { result: row.result } : {}),
      at: row.finishedAt ?? row.startedAt ?? row.createdAt,
    });
  };

  const unsubscribe = options.subscribe((event) => {
    if (event.jobId === id) deliver(event);
  });
  const timer = setInterval(sync, options.pollMs ?? 500);
  timer.unref();
  const first = setImmediate(sync);

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    clearImmediate(first);
    unsubscribe();
  }
  return stop;
}
