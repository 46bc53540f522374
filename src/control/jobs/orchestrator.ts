// SPDX-License-Identifier: Apache-2.0
// The job orchestrator: claims queued jobs up to a concurrency limit, runs each in a worker
// thread, records progress, logs and outcome, cancels by signal then by termination, and on
// start marks jobs whose owning process died as failed so they can be rerun.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { prequelError } from '../../errors/index.js';
import { isProcessAlive } from '../../workspace/artifacts.js';
import type { MetadataStore } from '../metadata/index.js';
import { nowIso } from '../metadata/ids.js';
import type { JobError, JobRecord } from '../metadata/jobs.js';
import type { JobEvent, JobEventListener } from './events.js';
import type { WorkerMessage } from './handler.js';
import type { JobKindRegistry } from './registry.js';
import { startJobWorker } from './spawn.js';

export interface OrchestratorOptions {
  workspace: string;
  /** Jobs run at once by this process. */
  maxConcurrentJobs: number;
  /** Time a cancelled job gets to stop by itself before its worker is terminated. */
  cancelGraceMs: number;
  /** How often to look for cancel requests and queued jobs from other processes. */
  pollMs: number;
  /** False for short-lived processes (CLI reads) that must not pick up jobs. */
  runJobs: boolean;
}

interface ActiveJob {
  job: JobRecord;
  id: bigint;
  worker: Worker;
  settled: boolean;
  cancelling: boolean;
  cancelTimer: NodeJS.Timeout | null;
  lastProgressWrite: number;
  pendingProgress: { fraction: number; message: string | null } | null;
  exited: Promise<void>;
}

const PROGRESS_WRITE_MS = 250;

function jobError(code: string, details: Record<string, unknown>): JobError {
  const err = prequelError(code, details);
  return { code, message: err.message, details };
}

/** Whether `owner` (a job's owner) names an orchestrator of this process. */
export function ownedByThisProcess(owner: string | null): boolean {
  return owner !== null && owner.startsWith(`${hostname()}:${process.pid}:`);
}

export class Orchestrator {
  /** Identifies this process (and instance) as the owner of the jobs it runs. */
  readonly owner: string;
  private readonly active = new Map<string, ActiveJob>();
  private readonly listeners = new Set<JobEventListener>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly meta: MetadataStore,
    private readonly registry: JobKindRegistry,
    private readonly options: OrchestratorOptions,
  ) {
    this.owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  }

  /** Recovers interrupted jobs, then (if this process runs jobs) starts scheduling. */
  start(): void {
    this.recoverSync();
    if (!this.options.runJobs) return;
    this.timer = setInterval(() => this.poll(), this.options.pollMs);
    this.timer.unref();
    this.pump();
  }

  subscribe(listener: JobEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Marks running jobs whose owner process is gone as failed; returns their ids. */
  recoverSync(): string[] {
    const recovered: string[] = [];
    for (const job of this.meta.jobs.running()) {
      const [host, pid] = (job.owner ?? '').split(':');
      // Not yet: jobs owned by another host are left alone; a shared database across machines
      // needs leases with a heartbeat to tell a dead owner from a slow one.
      if (host !== hostname() || isProcessAlive(Number(pid))) continue;
      const error = jobError('CONTROL_JOB_INTERRUPTED', {
        id: job.id,
        reason: 'process exited while running',
      });
      if (this.meta.jobs.finish(BigInt(job.id), 'failed', { error })) {
        recovered.push(job.id);
        this.emit({
          type: 'state',
          jobId: job.id,
          kind: job.kind,
          state: 'failed',
          error,
          at: nowIso(),
        });
      }
    }
    return recovered;
  }

  /**
   * Queues a job of a registered kind. A rerun skips the check: its kind was valid when first
   * queued, and the process that reruns it (e.g. the CLI) need not be the one that runs it.
   */
  submit(kind: string, params: unknown, rerunOf: bigint | null = null): JobRecord {
    if (rerunOf === null) this.registry.get(kind);
    const job = this.meta.jobs.create(kind, params, rerunOf);
    this.emit({
      type: 'state',
      jobId: job.id,
      kind,
      state: 'queued',
      error: null,
      at: job.createdAt,
    });
    this.pump();
    return job;
  }

  /** Cancels a queued job now, or asks a running one to stop (terminated after the grace time). */
  cancel(job: JobRecord): void {
    const id = BigInt(job.id);
    if (job.state === 'queued' && this.meta.jobs.cancelQueued(id)) {
      this.emit({
        type: 'state',
        jobId: job.id,
        kind: job.kind,
        state: 'cancelled',
        error: null,
        at: nowIso(),
      });
      return;
    }
    this.meta.jobs.requestCancel(id);
    const active = this.active.get(job.id);
    if (active !== undefined) this.stop(active);
    else this.recoverSync();
  }

  /** Stops all workers of this process; their jobs are marked failed (rerunnable). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    const exits: Promise<void>[] = [];
    for (const entry of this.active.values()) {
      this.settle(entry, 'failed', {
        error: jobError('CONTROL_JOB_INTERRUPTED', {
          id: entry.job.id,
          reason: 'the workspace was closed while it ran',
        }),
      });
      void entry.worker.terminate();
      exits.push(entry.exited);
    }
    await Promise.all(exits);
    this.listeners.clear();
  }

  /** Ids of jobs running in this process. */
  activeJobIds(): string[] {
    return [...this.active.keys()];
  }

  private poll(): void {
    if (this.closed) return;
    try {
      for (const job of this.meta.jobs.running()) {
        const entry = this.active.get(job.id);
        if (entry !== undefined && job.cancelRequested) this.stop(entry);
      }
      this.pump();
    } catch {
      // The database is busy or closing; the next tick tries again.
    }
  }

  private pump(): void {
    if (this.closed || !this.options.runJobs) return;
    while (this.active.size < this.options.maxConcurrentJobs) {
      const job = this.meta.jobs.claimNext(this.registry.names(), this.owner);
      if (job === null) return;
      this.launch(job);
    }
  }

  private launch(job: JobRecord): void {
    const kind = this.registry.get(job.kind);
    const worker = startJobWorker({
      jobId: job.id,
      kind: job.kind,
      module: kind.module,
      params: job.params,
      workspace: this.options.workspace,
    });
    let onExit: () => void = () => {};
    const entry: ActiveJob = {
      job,
      id: BigInt(job.id),
      worker,
      settled: false,
      cancelling: false,
      cancelTimer: null,
      lastProgressWrite: 0,
      pendingProgress: null,
      exited: new Promise<void>((resolve) => (onExit = resolve)),
    };
    this.active.set(job.id, entry);
    this.emit({
      type: 'state',
      jobId: job.id,
      kind: job.kind,
      state: 'running',
      error: null,
      at: job.startedAt ?? nowIso(),
    });

    worker.on('message', (message: WorkerMessage) => this.onMessage(entry, message));
    worker.on('error', (err: Error) => {
      const reason = err?.message ?? String(err);
      this.settle(entry, entry.cancelling ? 'cancelled' : 'failed', {
        error: jobError('CONTROL_JOB_CRASHED', { id: job.id, reason }),
      });
    });
    worker.on('exit', (code) => {
      if (entry.cancelTimer !== null) clearTimeout(entry.cancelTimer);
      if (entry.cancelling) this.settle(entry, 'cancelled', {});
      else {
        this.settle(entry, 'failed', {
          error: jobError('CONTROL_JOB_CRASHED', {
            id: job.id,
            reason: `worker exited with code ${code}`,
          }),
        });
      }
      this.active.delete(job.id);
      onExit();
      this.pump();
    });
  }

  private onMessage(entry: ActiveJob, message: WorkerMessage): void {
    if (entry.settled) return;
    const { job } = entry;
    switch (message.type) {
      case 'progress': {
        entry.pendingProgress = { fraction: message.fraction, message: message.message };
        if (Date.now() - entry.lastProgressWrite >= PROGRESS_WRITE_MS) this.flushProgress(entry);
        this.emit({
          type: 'progress',
          jobId: job.id,
          kind: job.kind,
          fraction: message.fraction,
          message: message.message,
          at: nowIso(),
        });
        return;
      }
      case 'log': {
        const line = this.meta.jobs.appendLog(entry.id, message.level, message.message);
        this.emit({ type: 'log', jobId: job.id, kind: job.kind, ...line });
        return;
      }
      case 'done':
        this.settle(entry, 'succeeded', { result: message.result });
        void entry.worker.terminate();
        return;
      case 'error':
        this.settle(entry, entry.cancelling ? 'cancelled' : 'failed', { error: message.error });
        void entry.worker.terminate();
        return;
    }
  }

  private flushProgress(entry: ActiveJob): void {
    if (entry.pendingProgress === null) return;
    this.meta.jobs.setProgress(
      entry.id,
      entry.pendingProgress.fraction,
      entry.pendingProgress.message,
    );
    entry.pendingProgress = null;
    entry.lastProgressWrite = Date.now();
  }

  private stop(entry: ActiveJob): void {
    if (entry.cancelling || entry.settled) return;
    entry.cancelling = true;
    entry.worker.postMessage({ type: 'cancel' });
    entry.cancelTimer = setTimeout(() => void entry.worker.terminate(), this.options.cancelGraceMs);
  }

  private settle(
    entry: ActiveJob,
    state: 'succeeded' | 'failed' | 'cancelled',
    outcome: { result?: unknown; error?: JobError },
  ): void {
    if (entry.settled) return;
    entry.settled = true;
    const { job } = entry;
    let final = state;
    let error = outcome.error;
    let result = outcome.result;
    try {
      this.flushProgress(entry);
      this.meta.transaction(() => {
        const complete = this.registry.has(job.kind)
          ? this.registry.get(job.kind).complete
          : undefined;
        if (state === 'succeeded' && complete !== undefined) {
          result = complete({ job, result, metadata: this.meta }) ?? result;
        }
        this.meta.jobs.finish(entry.id, state, { result, error });
      });
    } catch (err) {
      final = 'failed';
      const e = err as { code?: string; message?: string; details?: Record<string, unknown> };
      error =
        typeof e.code === 'string' && e.details !== undefined
          ? { code: e.code, message: e.message ?? '', details: e.details }
          : jobError('CONTROL_JOB_CRASHED', { id: job.id, reason: e.message ?? String(err) });
      try {
        this.meta.jobs.finish(entry.id, 'failed', { error });
      } catch {
        // The database is closed; the next start recovers this job.
      }
    }
    this.emit({
      type: 'state',
      jobId: job.id,
      kind: job.kind,
      state: final,
      error: error ?? null,
      ...(final === 'succeeded' ? { result: result ?? null } : {}),
      at: nowIso(),
    });
  }

  private emit(event: JobEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not break the job's bookkeeping.
      }
    }
  }
}
