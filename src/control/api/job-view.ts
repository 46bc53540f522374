// SPDX-License-Identifier: Apache-2.0
// What the REST API shows of a job. A built-in job's params carry whole records for its worker
// (the source, the graph definition with every column, a model with its plan and metrics), which
// made every job answer kilobytes long; by default they are shown as their ids and names, and
// `GET /jobs/:jobId?detail=full` answers with everything.
import type { JobRecord } from '../metadata/jobs.js';

export type JobDetail = 'summary' | 'full';

type Json = Record<string, unknown>;

/** The fields that identify each record a job's params may hold. */
const IDENTIFYING: Readonly<Record<string, readonly string[]>> = {
  source: ['id', 'name', 'kind'],
  graph: ['id', 'sourceId', 'version', 'contentHash'],
  model: ['id', 'name'],
};

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(record: Json, fields: readonly string[]): Json {
  return Object.fromEntries(fields.filter((f) => f in record).map((f) => [f, record[f]]));
}

/** The job with its params summarised (see the file comment), or as it is for `full`. */
export function jobView(job: JobRecord, detail: JobDetail = 'summary'): JobRecord {
  if (detail === 'full' || !isObject(job.params)) return job;
  const params: Json = {};
  for (const [key, value] of Object.entries(job.params)) {
    const fields = IDENTIFYING[key];
    params[key] = fields !== undefined && isObject(value) ? pick(value, fields) : value;
  }
  return { ...job, params };
}
