// SPDX-License-Identifier: Apache-2.0
// Jobs: list, inspect, logs, cancel, rerun, and a server-sent event stream of progress. Jobs are
// answered with their params summarised (see job-view.ts); the stream's final `state` event
// carries the job's result (a train job's modelId, a predict job's prediction set and files).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { TERMINAL_STATES, type JobEvent } from '../../jobs/events.js';
import type { JobListOptions, Prequel } from '../../../prequel.js';
import { jobView } from '../job-view.js';
import {
  IdParams,
  Job,
  JobListQuery,
  JobLog,
  errorResponses,
  type JobListQueryType,
} from '../schemas.js';

const JobParams = IdParams('jobId');
type JobParamsType = { jobId: string };
const LogsQuery = Type.Object(
  {
    after: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
  },
  { additionalProperties: false },
);
const JobQuery = Type.Object(
  {
    detail: Type.Optional(
      Type.Union([Type.Literal('summary'), Type.Literal('full')], {
        default: 'summary',
        description:
          'summary: the records in params (source, graph, model) as their ids and names; full: ' +
          'params as the job received them',
      }),
    ),
  },
  { additionalProperties: false },
);
const HEARTBEAT_MS = 15_000;

export function registerJobRoutes(app: FastifyInstance, prequel: Prequel): void {
  const tags = ['jobs'];

  app.get<{ Querystring: JobListQueryType }>(
    '/jobs',
    {
      schema: {
        summary: 'List jobs, newest first',
        tags,
        querystring: JobListQuery,
        response: { 200: Type.Object({ jobs: Type.Array(Job) }), ...errorResponses },
      },
    },
    async (request) => {
      const jobs = await prequel.listJobs(request.query as JobListOptions);
      return { jobs: jobs.map((job) => jobView(job)) };
    },
  );

  app.get<{ Params: JobParamsType; Querystring: Static<typeof JobQuery> }>(
    '/jobs/:jobId',
    {
      schema: {
        summary: 'Get a job (`?detail=full`: its params in full)',
        tags,
        params: JobParams,
        querystring: JobQuery,
        response: { 200: Job, ...errorResponses },
      },
    },
    async (request) => jobView(await prequel.getJob(request.params.jobId), request.query.detail),
  );

  app.get<{ Params: JobParamsType; Querystring: Static<typeof LogsQuery> }>(
    '/jobs/:jobId/logs',
    {
      schema: {
        summary: 'Log lines of a job after sequence number `after`',
        tags,
        params: JobParams,
        querystring: LogsQuery,
        response: { 200: Type.Object({ logs: Type.Array(JobLog) }), ...errorResponses },
      },
    },
    async (request) => ({ logs: await prequel.jobLogs(request.params.jobId, request.query) }),
  );

  app.post<{ Params: JobParamsType }>(
    '/jobs/:jobId/cancel',
    {
      schema: {
        summary: 'Cancel a queued or running job (a running one stops within seconds)',
        tags,
        params: JobParams,
        response: { 200: Job, ...errorResponses },
      },
    },
    async (request) => jobView(await prequel.cancelJob(request.params.jobId)),
  );

  app.post<{ Params: JobParamsType }>(
    '/jobs/:jobId/rerun',
    {
      schema: {
        summary: 'Queue a failed or cancelled job again',
        tags,
        params: JobParams,
        response: { 202: Job, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(202).send(jobView(await prequel.rerunJob(request.params.jobId))),
  );

  app.get<{ Params: JobParamsType }>(
    '/jobs/:jobId/events',
    {
      schema: {
        summary: "Stream a job's state, progress and log events (text/event-stream) until it ends",
        tags,
        params: JobParams,
        produces: ['text/event-stream'],
        response: {
          200: Type.String({
            description:
              'server-sent events: `state`, `progress`, `log`; the final `state` event of a ' +
              'succeeded job carries its `result` (e.g. `modelId`)',
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const job = await prequel.getJob(request.params.jobId);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-request-id': request.id,
      });
      let n = 0;
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const stop = prequel.watchJob(job.id, (event: JobEvent) => {
        raw.write(`id: ${++n}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        if (event.type === 'state' && TERMINAL_STATES.has(event.state)) finish();
      });
      function finish(): void {
        clearInterval(heartbeat);
        stop();
        if (!raw.writableEnded) raw.end();
      }
      request.raw.on('close', finish);
    },
  );
}
