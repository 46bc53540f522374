// SPDX-License-Identifier: Apache-2.0
// What a job handler module sees. A handler module runs inside a worker thread and exports
// `run(ctx)` (or a default function) returning a JSON-serialisable result. It reports progress
// and log lines through the context and stops promptly when `ctx.signal` aborts.
import type { ArtifactStore } from '../../workspace/artifacts.js';
import type { LogLevel } from '../metadata/jobs.js';

export interface JobContext<P = unknown> {
  jobId: string;
  kind: string;
  params: P;
  /** Absolute path of the workspace root. */
  workspace: string;
  /** Writes complete, content-addressed files into the workspace. */
  artifacts: ArtifactStore;
  /** Aborts when the job is cancelled; the worker is terminated after a grace period anyway. */
  signal: AbortSignal;
  /** Reports progress as a fraction in [0, 1] with an optional short message. */
  progress(fraction: number, message?: string): void;
  log(level: LogLevel, message: string): void;
}

export type JobHandler<P = unknown, R = unknown> = (ctx: JobContext<P>) => Promise<R> | R;

/** Messages from the worker to the orchestrator. */
export type WorkerMessage =
  | { type: 'progress'; fraction: number; message: string | null }
  | { type: 'log'; level: LogLevel; message: string }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: { code: string; message: string; details: Record<string, unknown> } };

/** Messages from the orchestrator to the worker. */
export type ControlMessage = { type: 'cancel' };

/** What the orchestrator hands the worker at start. */
export interface WorkerInput {
  jobId: string;
  kind: string;
  module: string;
  params: unknown;
  workspace: string;
}
