// SPDX-License-Identifier: Apache-2.0
// Builds the REST API over a Prequel instance: OpenAPI docs, bearer tokens, body and rate
// limits, request ids, registry errors. Routes live in routes/, one file per resource.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import type { Logger } from 'pino';
import { prequelError } from '../../errors/index.js';
import type { Prequel } from '../../prequel.js';
import { errorBody, toPrequelError } from './errors.js';
import { validationProblems, VALIDATOR_OPTIONS } from './validation.js';
import { registerSourceRoutes } from './routes/sources.js';
import { registerJobRoutes } from './routes/jobs.js';
import { registerModelRoutes } from './routes/models.js';
import { Type } from '@sinclair/typebox';

export const API_VERSION = '0.1.0';

export interface ApiOptions {
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Requests per client per window (default 600 per minute). */
  rateLimit?: { max: number; timeWindowMs: number };
  /** A pino logger for request logs; none by default. */
  logger?: Logger;
  /** How to tell the user to raise the body limit (named in 413 errors). */
  bodyLimitSetting?: string;
  /** Largest streamed upload (CSV / Arrow ids) in bytes (default 1 GiB). */
  uploadLimit?: number;
  uploadLimitSetting?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without a bearer token. */
    public?: boolean;
  }
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const DEFAULT_UPLOAD_LIMIT = 1024 * 1024 * 1024;

function isPublic(request: FastifyRequest): boolean {
  if (request.routeOptions.config?.public === true) return true;
  const path = request.url.split('?')[0];
  return path === '/docs' || path.startsWith('/docs/');
}

function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match === null ? null : match[1];
}

/**
 * Refuses a body property that should be a list but is one value: the validator would wrap it
 * (query strings need that: `formats=csv`), reading `"ids": "1,2"` as the one id "1,2".
 */
function listsNotScalars(request: FastifyRequest): void {
  const schema = request.routeOptions.schema?.body as
    { properties?: Record<string, { type?: unknown }> } | undefined;
  const body = request.body;
  if (schema?.properties === undefined || body === null || typeof body !== 'object') return;
  for (const [name, value] of Object.entries(body)) {
    if (schema.properties[name]?.type !== 'array' || Array.isArray(value)) continue;
    const problems = validationProblems(
      [
        {
          keyword: 'type',
          instancePath: `/${name}`,
          parentSchema: schema.properties[name],
          data: value,
        },
      ],
      'body',
    );
    throw prequelError('CONTROL_BAD_REQUEST', {
      part: 'body',
      problem: problems.join('; '),
      problems,
    });
  }
}

/** Builds (but does not start) the Fastify app serving `prequel`. */
export async function buildApi(
  prequel: Prequel,
  options: ApiOptions = {},
): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const mapping = {
    bodyLimit,
    bodyLimitSetting: options.bodyLimitSetting ?? 'bodyLimit (prequel serve --body-limit <bytes>)',
  };
  const app = Fastify({
    bodyLimit,
    loggerInstance: options.logger,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ajv: {
      customOptions: {
        removeAdditional: false,
        // Query strings arrive as text (`limit=5`, `formats=csv` as a list of one); a body's
        // list given as one value is refused first (see listsNotScalars).
        coerceTypes: 'array',
        allowUnionTypes: true,
        ...VALIDATOR_OPTIONS,
      },
    },
  }) as unknown as FastifyInstance;
  // Bodies are JSON (or a route's own upload types): a text/plain body would reach the schema
  // check as a string and fail as "must be object" instead of naming its content type.
  app.removeContentTypeParser('text/plain');

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'prequel',
        description: 'Predictive queries over relational data',
        version: API_VERSION,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  const limit = options.rateLimit ?? { max: 600, timeWindowMs: 60_000 };
  await app.register(rateLimit, {
    global: true,
    max: limit.max,
    timeWindow: limit.timeWindowMs,
    errorResponseBuilder: (_req, ctx) =>
      prequelError('CONTROL_RATE_LIMITED', {
        max: ctx.max,
        window: `${limit.timeWindowMs} ms`,
        retryAfter: ctx.after,
      }),
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (isPublic(request)) return;
    const token = bearerToken(request.headers.authorization);
    if (token === null || prequel.verifyTokenSync(token) === null) {
      throw prequelError('CONTROL_UNAUTHORIZED');
    }
  });
  app.addHook('preValidation', async (request) => listsNotScalars(request));
  app.setErrorHandler((err, request, reply) => {
    const schema = request.routeOptions.schema as { consumes?: string[] } | undefined;
    const error = toPrequelError(err, mapping, {
      route: `${request.method} ${request.url.split('?')[0]}`,
      contentType: request.headers['content-type'],
      accepted: schema?.consumes ?? ['application/json'],
    });
    if (error.status >= 500) request.log.error({ err, code: error.code }, 'request failed');
    void reply.status(error.status).send(errorBody(error));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = prequelError('CONTROL_ROUTE_NOT_FOUND', {
      method: request.method,
      url: request.url.split('?')[0],
    });
    void reply.status(404).send(errorBody(error));
  });

  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        summary: 'Liveness check (no token needed)',
        tags: ['health'],
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok'), version: Type.String() }) },
      },
    },
    async () => ({ status: 'ok' as const, version: API_VERSION }),
  );
  registerSourceRoutes(app, prequel);
  registerJobRoutes(app, prequel);
  registerModelRoutes(app, prequel, {
    limit: options.uploadLimit ?? DEFAULT_UPLOAD_LIMIT,
    setting: options.uploadLimitSetting ?? 'uploadLimit (prequel serve --upload-limit <bytes>)',
  });
  return app;
}
