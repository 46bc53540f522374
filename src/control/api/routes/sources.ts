// SPDX-License-Identifier: Apache-2.0
// Data sources, inference of their graphs and their versioned graph definitions.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphDef } from '../../../data/graph-def.js';
import type { Prequel } from '../../../prequel.js';
import { jsonSafe } from '../errors.js';
import { jobView } from '../job-view.js';
import {
  GraphDefSchema,
  GraphVersion,
  GraphVersionSummary,
  InspectInput,
  Inspection,
  Job,
  Source,
  SourceInput,
  errorResponses,
  type SourceInputType,
} from '../schemas.js';

const SourceParams = Type.Object({
  source: Type.String({ minLength: 1, maxLength: 64, description: 'source id or name' }),
});
type SourceParamsType = Static<typeof SourceParams>;
const VersionParams = Type.Composite([
  SourceParams,
  Type.Object({
    version: Type.Union([Type.Literal('latest'), Type.String({ pattern: '^[0-9]{1,9}$' })]),
  }),
]);
type VersionParamsType = Static<typeof VersionParams>;
const GraphBody = Type.Object({ definition: GraphDefSchema }, { additionalProperties: false });

/** An absent body counts as `{}`, for routes whose body fields are all optional. */
async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

export function registerSourceRoutes(app: FastifyInstance, prequel: Prequel): void {
  const tags = ['sources'];

  app.post<{ Body: SourceInputType }>(
    '/sources',
    {
      schema: {
        summary: 'Register a data source (secrets only as env or key-file references)',
        tags,
        body: SourceInput,
        response: { 201: Source, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await prequel.registerSource(request.body)),
  );

  app.get(
    '/sources',
    {
      schema: {
        summary: 'List data sources',
        tags,
        response: { 200: Type.Object({ sources: Type.Array(Source) }), ...errorResponses },
      },
    },
    async () => ({ sources: await prequel.listSources() }),
  );

  app.get<{ Params: SourceParamsType }>(
    '/sources/:source',
    {
      schema: {
        summary: 'Get a data source',
        tags,
        params: SourceParams,
        response: { 200: Source, ...errorResponses },
      },
    },
    async (request) => prequel.getSource(request.params.source),
  );

  app.post<{ Params: SourceParamsType; Body: Static<typeof InspectInput> }>(
    '/sources/:source/inspect',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        summary:
          'Infer the graph of a source (an optional override merged over it), validate it ' +
          'against the data and store it as the next version (200 when unchanged)',
        tags,
        params: SourceParams,
        body: InspectInput,
        response: { 200: Inspection, 201: Inspection, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await prequel.inspectSource(request.params.source, {
        override: request.body.override,
      });
      // Issue details may hold key values read from the data (bigints).
      const report = jsonSafe(result.report);
      return reply.status(result.created ? 201 : 200).send({ ...result, report });
    },
  );

  app.get<{ Params: SourceParamsType }>(
    '/sources/:source/graphs',
    {
      schema: {
        summary: 'List the graph definition versions of a source',
        tags,
        params: SourceParams,
        response: {
          200: Type.Object({ versions: Type.Array(GraphVersionSummary) }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({ versions: await prequel.listGraphVersions(request.params.source) }),
  );

  app.get<{ Params: VersionParamsType }>(
    '/sources/:source/graphs/:version',
    {
      schema: {
        summary: 'Get one graph definition version (or `latest`)',
        tags,
        params: VersionParams,
        response: { 200: GraphVersion, ...errorResponses },
      },
    },
    async (request) => {
      const { source, version } = request.params;
      return prequel.getGraph(source, version === 'latest' ? 'latest' : Number(version));
    },
  );

  app.put<{ Params: SourceParamsType; Body: { definition: GraphDef } }>(
    '/sources/:source/graph',
    {
      schema: {
        summary: 'Store a graph definition as the next version (200 when unchanged)',
        tags,
        params: SourceParams,
        body: GraphBody,
        response: { 200: GraphVersion, 201: GraphVersion, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { graph, created } = await prequel.putGraph(
        request.params.source,
        request.body.definition,
      );
      return reply.status(created ? 201 : 200).send(graph);
    },
  );

  app.post<{ Params: SourceParamsType; Body: { graphVersion?: number } }>(
    '/sources/:source/materialise',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        summary: 'Build the graph and column stores of a graph definition (a job)',
        tags,
        params: SourceParams,
        body: Type.Object(
          { graphVersion: Type.Optional(Type.Integer({ minimum: 1 })) },
          { additionalProperties: false },
        ),
        response: { 202: Job, ...errorResponses },
      },
    },
    async (request, reply) => {
      const job = await prequel.materialise(
        request.params.source,
        request.body.graphVersion ?? 'latest',
      );
      return reply.status(202).send(jobView(job));
    },
  );
}
