// SPDX-License-Identifier: Apache-2.0
// Queries, training, models, batch and synchronous prediction, and prediction downloads.
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { prequelError } from '../../../errors/index.js';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MAX_SYNC_PREDICT_IDS, type Prequel } from '../../../prequel.js';
import type { PredictionFormat } from '../../metadata/models.js';
import { receivedContentType } from '../errors.js';
import { jobView } from '../job-view.js';
import {
  BatchPredictInput,
  ExplainInput,
  Explanation,
  IdParams,
  Job,
  Model,
  PredictInput,
  PredictionFormatSchema,
  PredictionSet,
  Predictions,
  TrainInput,
  errorResponses,
} from '../schemas.js';

const ModelParams = IdParams('modelId');
const SetParams = IdParams('setId');
const ListQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) },
  { additionalProperties: false },
);
const SyncPredictInput = PredictInput(MAX_SYNC_PREDICT_IDS);
const UploadQuery = Type.Object(
  {
    anchorTime: BatchPredictInput.properties.anchorTime,
    formats: BatchPredictInput.properties.formats,
  },
  { additionalProperties: false },
);
const UPLOAD_FORMATS: Record<string, 'csv' | 'arrow'> = {
  'text/csv': 'csv',
  'application/vnd.apache.arrow.stream': 'arrow',
};
const CONTENT_TYPES: Record<PredictionFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  arrow: 'application/vnd.apache.arrow.file',
  json: 'application/json',
};

export function registerModelRoutes(
  app: FastifyInstance,
  prequel: Prequel,
  upload: { limit: number; setting: string },
): void {
  app.post<{ Body: Static<typeof ExplainInput> }>(
    '/queries/explain',
    {
      schema: {
        summary: 'Validate a predictive query and explain its plan',
        tags: ['queries'],
        body: ExplainInput,
        response: { 200: Explanation, ...errorResponses },
      },
    },
    async (request) => prequel.explain(request.body),
  );

  app.post<{ Params: { modelId: string } }>(
    '/models/:modelId/evaluate',
    {
      schema: {
        summary: "Evaluate a model on its query's validation and test splits (a job)",
        tags: ['models'],
        params: ModelParams,
        response: { 202: Job, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(202).send(jobView(await prequel.evaluate({ model: request.params.modelId }))),
  );

  app.get<{ Params: { modelId: string } }>(
    '/models/:modelId/report',
    {
      schema: {
        summary: 'The HTML report of a model: plan, metrics next to baselines, curves',
        tags: ['models'],
        params: ModelParams,
        produces: ['text/html'],
        response: { 200: Type.String({ description: 'the report' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { modelId } = request.params;
      const { report } = await prequel.modelFiles(modelId);
      if (report === null) {
        throw prequelError('CONTROL_MODEL_REPORT_MISSING', { id: modelId });
      }
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-length', statSync(report).size)
        .send(createReadStream(report));
    },
  );

  app.post<{ Body: Static<typeof TrainInput> }>(
    '/train',
    {
      schema: {
        summary: 'Train a model for a predictive query (a job)',
        tags: ['models'],
        body: TrainInput,
        response: { 202: Job, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(202).send(jobView(await prequel.train(request.body))),
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/models',
    {
      schema: {
        summary: 'List models, newest first',
        tags: ['models'],
        querystring: ListQuery,
        response: { 200: Type.Object({ models: Type.Array(Model) }), ...errorResponses },
      },
    },
    async (request) => ({ models: await prequel.listModels(request.query) }),
  );

  app.get<{ Params: { modelId: string } }>(
    '/models/:modelId',
    {
      schema: {
        summary: 'Get a model with its plan and metrics',
        tags: ['models'],
        params: ModelParams,
        response: { 200: Model, ...errorResponses },
      },
    },
    async (request) => prequel.getModel(request.params.modelId),
  );

  app.post<{ Params: { modelId: string }; Body: Static<typeof SyncPredictInput> }>(
    '/models/:modelId/predict',
    {
      schema: {
        summary: `Predict now for up to ${MAX_SYNC_PREDICT_IDS} entity ids at an anchor time`,
        tags: ['predictions'],
        params: ModelParams,
        body: SyncPredictInput,
        response: { 200: Predictions, ...errorResponses },
      },
    },
    async (request) => prequel.predictEntities({ model: request.params.modelId, ...request.body }),
  );

  app.post<{ Params: { modelId: string }; Body: Static<typeof BatchPredictInput> }>(
    '/models/:modelId/predictions',
    {
      schema: {
        summary:
          'Start batch inference at an anchor time (default: the latest time in the data); a ' +
          'job that records a prediction set',
        tags: ['predictions'],
        params: ModelParams,
        body: BatchPredictInput,
        response: { 202: Job, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(202).send(
        jobView(
          await prequel.predict({
            model: request.params.modelId,
            anchorTime: request.body.anchorTime,
            formats: request.body.formats as PredictionFormat[] | undefined,
            table: request.body.table,
          }),
        ),
      ),
  );

  // Large id lists arrive as a streamed upload, never as JSON: the body goes straight to an
  // artifact, with its own size limit.
  void app.register(async (scope) => {
    scope.addContentTypeParser(Object.keys(UPLOAD_FORMATS), (_request, payload, done) =>
      done(null, payload),
    );
    scope.post<{ Params: { modelId: string }; Querystring: Static<typeof UploadQuery> }>(
      '/models/:modelId/predictions/upload',
      {
        bodyLimit: upload.limit,
        schema: {
          summary: 'Start batch inference for the entity ids in a CSV or Arrow stream upload',
          tags: ['predictions'],
          params: ModelParams,
          querystring: UploadQuery,
          consumes: Object.keys(UPLOAD_FORMATS),
          response: { 202: Job, ...errorResponses },
        },
      },
      async (request, reply) => {
        const route = `POST /models/${request.params.modelId}/predictions/upload`;
        const type = (request.headers['content-type'] ?? '').split(';')[0].trim();
        const format = UPLOAD_FORMATS[type];
        if (format === undefined) {
          throw prequelError('CONTROL_UNSUPPORTED_MEDIA_TYPE', {
            contentType: receivedContentType(request.headers['content-type']),
            route,
            expected: Object.keys(UPLOAD_FORMATS).join(' or '),
          });
        }
        if (request.headers['content-length'] === '0') {
          // curl -d @file sends nothing for a file that starts with a NUL byte.
          throw prequelError('CONTROL_INVALID_ARGUMENT', {
            name: `the body of ${route}`,
            expected:
              'a CSV file of entity ids (one a line) or an Arrow IPC stream; with curl, send ' +
              'the file with --data-binary @FILE (-d drops line breaks and stops at a NUL byte)',
            received: 'an empty body (0 bytes)',
          });
        }
        const job = await prequel.predict({
          model: request.params.modelId,
          anchorTime: request.query.anchorTime,
          formats: request.query.formats as PredictionFormat[] | undefined,
          ids: {
            stream: request.body as Readable,
            format,
            maxBytes: upload.limit,
            limitSetting: upload.setting,
            // Messages about the bytes read "the file POST /models/3/predictions/upload ...".
            name: route,
          },
        });
        return reply.status(202).send(jobView(job));
      },
    );
  });

  app.get<{ Params: { modelId: string }; Querystring: Static<typeof ListQuery> }>(
    '/models/:modelId/predictions',
    {
      schema: {
        summary: 'List the prediction sets of a model, newest first',
        tags: ['predictions'],
        params: ModelParams,
        querystring: ListQuery,
        response: {
          200: Type.Object({ predictionSets: Type.Array(PredictionSet) }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      predictionSets: await prequel.listPredictionSets({
        model: request.params.modelId,
        limit: request.query.limit,
      }),
    }),
  );

  app.get<{ Params: { setId: string } }>(
    '/predictions/:setId',
    {
      schema: {
        summary: 'Get a prediction set',
        tags: ['predictions'],
        params: SetParams,
        response: { 200: PredictionSet, ...errorResponses },
      },
    },
    async (request) => prequel.getPredictionSet(request.params.setId),
  );

  app.get<{ Params: { setId: string }; Querystring: { format: PredictionFormat } }>(
    '/predictions/:setId/download',
    {
      schema: {
        summary: 'Download a prediction set as CSV, Parquet, Arrow or JSON',
        tags: ['predictions'],
        params: SetParams,
        querystring: Type.Object(
          { format: PredictionFormatSchema },
          { additionalProperties: false },
        ),
        produces: Object.values(CONTENT_TYPES),
        response: { 200: Type.String({ description: 'the file' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { setId } = request.params;
      const file = await prequel.predictionFile(setId, request.query.format);
      return reply
        .header('content-type', CONTENT_TYPES[file.format])
        .header('content-length', file.bytes)
        .header('etag', `"${file.hash}"`)
        .header('content-disposition', `attachment; filename="predictions-${setId}.${file.format}"`)
        .send(createReadStream(file.path));
    },
  );
}
