// SPDX-License-Identifier: Apache-2.0
// TypeBox schemas of the REST API: every request and response is declared here. 64-bit
// integers (ids, row counts) are decimal strings with an explicit pattern, so an id above 2^53
// serialises exactly.
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * `schema` or null. Scalars use a type list (`["string", "null"]`) so neither request coercion
 * nor the serializer turns null into "" or a string into null.
 */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const type = (schema as { type?: unknown }).type;
  if (typeof type === 'string' && type !== 'object' && type !== 'array') {
    return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] });
  }
  return Type.Unsafe<Static<T> | null>(Type.Union([Type.Null(), schema]));
}

export const Int64 = Type.String({
  pattern: '^-?[0-9]{1,19}$',
  description: '64-bit integer as a decimal string',
  examples: ['9007199254740993'],
});
export const Id = Type.String({
  pattern: '^[0-9]{1,19}$',
  description: '64-bit id as a decimal string',
  examples: ['42'],
});
const Time = Type.String({
  description: 'ISO 8601 instant, UTC',
  examples: ['2026-01-01T00:00:00.000Z'],
});
const Json = Type.Unknown({ description: 'JSON value' });

export const ErrorBody = Type.Object(
  {
    code: Type.String({ description: 'stable error code from the registry' }),
    message: Type.String(),
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  { description: 'an error from the registry' },
);
export type ErrorBodyType = Static<typeof ErrorBody>;

/** The error responses every authenticated route may give. */
export const errorResponses = { '4xx': ErrorBody, '5xx': ErrorBody };

export const IdParams = (name: string) => Type.Object({ [name]: Id });

// Data sources.

// A type list, not anyOf: with anyOf, request coercion would turn 2 into "2".
const SettingValue = Type.Unsafe<string | number | boolean | null>({
  type: ['string', 'number', 'boolean', 'null'],
});
const SecretRef = Type.Union([
  Type.Object({ env: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ keyFile: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
]);

export const SourceInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    kind: Type.Union([Type.Literal('duckdb'), Type.Literal('snowflake')]),
    settings: Type.Optional(Type.Record(Type.String(), SettingValue)),
    secrets: Type.Optional(Type.Record(Type.String(), SecretRef)),
  },
  { additionalProperties: false },
);
export type SourceInputType = Static<typeof SourceInput>;

export const Source = Type.Object({
  id: Id,
  name: Type.String(),
  kind: Type.String(),
  settings: Type.Record(Type.String(), SettingValue),
  secrets: Type.Record(Type.String(), SecretRef),
  createdAt: Time,
  updatedAt: Time,
});

// Graph definitions (mirrors src/data/graph-def.ts).

const ColumnDef = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    physical: Type.Union(
      [
        'int',
        'bigint',
        'float',
        'decimal',
        'boolean',
        'string',
        'date',
        'timestamp',
        'list',
        'other',
      ].map((v) => Type.Literal(v)),
    ),
    stype: Type.Union(
      ['numerical', 'categorical', 'multicategorical', 'text', 'timestamp', 'id', 'embedding'].map(
        (v) => Type.Literal(v),
      ),
    ),
  },
  { additionalProperties: false },
);
const TableDef = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    primaryKey: Nullable(Type.String()),
    foreignKeys: Type.Array(
      Type.Object(
        { column: Type.String(), references: Type.String() },
        { additionalProperties: false },
      ),
    ),
    timeColumn: Nullable(Type.String()),
    endTimeColumn: Nullable(Type.String()),
    columns: Type.Array(ColumnDef),
    rowCount: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export const GraphDefSchema = Type.Object(
  { version: Type.Literal(1), tables: Type.Array(TableDef) },
  { additionalProperties: false },
);

export const GraphVersionSummary = Type.Object({
  id: Id,
  sourceId: Id,
  version: Type.Integer({ minimum: 1 }),
  contentHash: Type.String(),
  createdAt: Time,
});
export const GraphVersion = Type.Composite([
  GraphVersionSummary,
  Type.Object({ definition: GraphDefSchema }),
]);

// Jobs.

export const JobStateSchema = Type.Union(
  ['queued', 'running', 'succeeded', 'failed', 'cancelled'].map((v) => Type.Literal(v)),
);

export const Job = Type.Object({
  id: Id,
  kind: Type.String(),
  state: JobStateSchema,
  params: Json,
  result: Json,
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  progressMessage: Nullable(Type.String()),
  error: Nullable(ErrorBody),
  cancelRequested: Type.Boolean(),
  rerunOf: Nullable(Id),
  createdAt: Time,
  startedAt: Nullable(Time),
  finishedAt: Nullable(Time),
});

export const JobLog = Type.Object({
  seq: Type.Integer(),
  at: Time,
  level: Type.String(),
  message: Type.String(),
});

export const JobListQuery = Type.Object(
  {
    state: Type.Optional(JobStateSchema),
    kind: Type.Optional(Type.String({ maxLength: 32 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    before: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type JobListQueryType = Static<typeof JobListQuery>;

// Models, training and predictions.

export const Model = Type.Object({
  id: Id,
  name: Type.String(),
  sourceId: Nullable(Id),
  queryId: Nullable(Id),
  graphId: Nullable(Id),
  jobId: Nullable(Id),
  plan: Json,
  metrics: Type.Record(Type.String(), Type.Unknown()),
  checkpoint: Type.Object({ path: Type.String(), hash: Type.String() }),
  createdAt: Time,
});

export const PredictionFormatSchema = Type.Union(
  ['csv', 'parquet', 'arrow', 'json'].map((v) => Type.Literal(v)),
);

export const PredictionSet = Type.Object({
  id: Id,
  modelId: Id,
  jobId: Nullable(Id),
  anchorTime: Time,
  rowCount: Int64,
  files: Type.Array(
    Type.Object({
      format: PredictionFormatSchema,
      path: Type.String(),
      hash: Type.String(),
      bytes: Type.Integer({ minimum: 0 }),
    }),
  ),
  createdAt: Time,
});

export const ExplainInput = Type.Object(
  {
    source: Type.String({ minLength: 1 }),
    query: Type.String({ minLength: 1, maxLength: 10_000 }),
  },
  { additionalProperties: false },
);
export const Explanation = Type.Object({
  task: Type.String(),
  plan: Json,
});

export const TrainInput = Type.Object(
  {
    source: Type.String({ minLength: 1 }),
    query: Type.String({ minLength: 1, maxLength: 10_000 }),
    graphVersion: Type.Optional(Type.Integer({ minimum: 1 })),
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

const AnchorTime = Type.String({
  // A date, optionally a time with fractional seconds, optionally a zone.
  pattern:
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}' +
    '([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$',
  description: 'ISO 8601 date or instant; predictions see nothing later than this',
  examples: ['2024-01-01T00:00:00Z'],
});

export const BatchPredictInput = Type.Object(
  {
    anchorTime: AnchorTime,
    formats: Type.Optional(Type.Array(PredictionFormatSchema, { minItems: 1, maxItems: 4 })),
  },
  { additionalProperties: false },
);

export const PredictInput = (maxIds: number) =>
  Type.Object(
    {
      ids: Type.Array(Int64, { minItems: 1, maxItems: maxIds, description: 'entity primary keys' }),
      anchorTime: AnchorTime,
    },
    { additionalProperties: false },
  );
export const Predictions = Type.Object({
  modelId: Id,
  anchorTime: Time,
  predictions: Type.Array(Type.Object({ id: Int64, value: Json })),
});
