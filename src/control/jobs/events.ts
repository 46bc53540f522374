// SPDX-License-Identifier: Apache-2.0
// Events a job emits while it runs; the facade's onProgress, the SSE route and the CLI's
// progress renderer all consume these.
import type { JobError, JobState, LogLevel } from '../metadata/jobs.js';

export type JobEvent =
  | {
      type: 'state';
      jobId: string;
      kind: string;
      state: JobState;
      error: JobError | null;
      /**
       * The job's result, on its final `succeeded` event only: a train job's `modelId` and
       * report, a predict job's `predictionSetId` and files.
       */
      result?: unknown;
      at: string;
    }
  | {
      type: 'progress';
      jobId: string;
      kind: string;
      fraction: number;
      message: string | null;
      at: string;
    }
  | {
      type: 'log';
      jobId: string;
      kind: string;
      seq: number;
      level: LogLevel;
      message: string;
      at: string;
    };

export type JobEventListener = (event: JobEvent) => void;

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set(['succeeded', 'failed', 'cancelled']);
