// SPDX-License-Identifier: Apache-2.0
// TypeBox schemas of the REST API: every request and response is declared here. 64-bit
// integers (ids) are decimal strings with an explicit pattern, so an id above 2^53 serialises
// exactly; counts are numbers. Request schemas whose constraints say little to a person (a
// regular expression, an item limit) carry what they accept in words as `x-hint`, which
// validation errors quote (see validation.ts).
import { Type, type Static } from '@sinclair/typebox';
import { HINT } from './validation.js';
import { GraphDefSchema, GraphOverrideSchema, Nullable } from '../../data/graph-schema.js';

// The graph definition and override schemas are the data engine's (one definition, which graph
// files are checked against too).
export { GraphDefSchema, GraphOverrideSchema, Nullable };

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

/** One problem of a predictive query, with its position in the query text. */
export const Diagnostic = Type.Object({
  code: Type.String(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  message: Type.String(),
  line: Type.Integer({ minimum: 0, description: '1-based; 0 when not about a place' }),
  column: Type.Integer({ minimum: 0 }),
  offset: Type.Integer({ minimum: 0 }),
  length: Type.Integer({ minimum: 0 }),
  text: Type.String({ description: 'the offending text' }),
  expected: Type.String(),
  suggestion: Nullable(Type.String()),
});

export const ErrorBody = Type.Object(
  {
    code: Type.String({ description: 'stable error code from the registry' }),
    message: Type.String(),
    details: Type.Record(Type.String(), Type.Unknown()),
    diagnostics: Type.Optional(
      Type.Array(Diagnostic, {
        description: 'every problem of an invalid query (PQL_INVALID_QUERY)',
      }),
    ),
  },
  { description: 'an error from the registry' },
);
export type ErrorBodyType = Static<typeof ErrorBody>;

/** The error responses every authenticated route may give. */
export const errorResponses = { '4xx': ErrorBody, '5xx': ErrorBody };

/** What a path's id names, for messages: `modelId` is a model's id. */
const ID_NOUNS: Record<string, { noun: string; list: string }> = {
  modelId: { noun: 'a model id', list: 'GET /models' },
  setId: { noun: 'a prediction set id', list: 'GET /models/:modelId/predictions' },
  jobId: { noun: 'a job id', list: 'GET /jobs' },
};

/** Path parameters holding one id, e.g. `/models/:modelId`. */
export const IdParams = (name: string) => {
  const what = ID_NOUNS[name] ?? { noun: 'an id', list: 'the list route' };
  const hint = `${what.noun}: an integer such as 3; ${what.list} lists them`;
  return Type.Object({ [name]: Type.String({ ...Id, [HINT]: hint }) });
};

// Data sources.

// A type list, not anyOf: with anyOf, request coercion would turn 2 into "2". Lists hold strings
// (a DuckDB source's nullStrings); 'array' comes first, or responses would write one as "a,b".
const SettingValue = Type.Unsafe<string | number | boolean | null | string[]>({
  type: ['array', 'string', 'number', 'boolean', 'null'],
  items: { type: 'string' },
});
const SecretRef = Type.Union([
  Type.Object({ env: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ keyFile: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
]);

export const SourceInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    kind: Type.Union([Type.Literal('duckdb'), Type.Literal('snowflake')], {
      [HINT]:
        'one of "duckdb" or "snowflake"; files (a folder of CSV, Parquet or JSON files, one ' +
        'such file, or a .duckdb file) are kind "duckdb" with settings.path',
    }),
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

export const InspectInput = Type.Object(
  { override: Type.Optional(GraphOverrideSchema) },
  { additionalProperties: false },
);

export const ValidationReportSchema = Type.Object({
  issues: Type.Array(
    Type.Object({
      severity: Type.Union(['error', 'warning', 'info'].map((v) => Type.Literal(v))),
      code: Type.String(),
      table: Type.String(),
      column: Type.Optional(Type.String()),
      count: Type.Optional(Type.Number()),
      message: Type.String(),
      details: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
  edges: Type.Array(
    Type.Object({
      name: Type.String(),
      table: Type.String(),
      column: Type.String(),
      references: Type.String(),
      edges: Type.Integer({ minimum: 0 }),
      dangling: Type.Integer({ minimum: 0 }),
      nulls: Type.Integer({ minimum: 0 }),
    }),
  ),
  errors: Type.Integer({ minimum: 0 }),
  warnings: Type.Integer({ minimum: 0 }),
});

export const Inspection = Type.Object({
  graph: GraphVersion,
  created: Type.Boolean({ description: 'false when the graph equals the latest stored version' }),
  report: ValidationReportSchema,
});

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
  metrics: Type.Record(Type.String(), Type.Unknown(), {
    description:
      'task, metric, validation and test evaluations next to baselines, split sizes, config, ' +
      'and the training history: `history[].epoch` and `bestEpoch` are epoch indices counted ' +
      'from 0 (the HTML report and the CLI count epochs from 1)',
  }),
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
  rowCount: Type.Integer({ minimum: 0, description: 'rows of the prediction files' }),
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

const Instant = (description: string) =>
  Type.String({ minLength: 10, maxLength: 40, description, examples: ['2024-01-01'] });

/** Run mode, model and split settings of training (src/pipeline/settings.ts). */
export const TrainOptions = Type.Object(
  {
    mode: Type.Optional(
      Type.Union(
        ['fast', 'normal', 'best'].map((v) => Type.Literal(v)),
        {
          description: 'fast, normal (default) or best (a small search)',
        },
      ),
    ),
    epochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    channels: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
    fanouts: Type.Optional(
      Type.Array(Type.Integer({ minimum: -1, maximum: 10_000 }), {
        minItems: 1,
        maxItems: 6,
        description: 'neighbours sampled per hop (-1: all)',
      }),
    ),
    batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    lr: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 10 })),
    aggregation: Type.Optional(Type.Union([Type.Literal('sum'), Type.Literal('mean')])),
    strategy: Type.Optional(
      Type.Union([Type.Literal('last'), Type.Literal('uniform')], {
        description: 'past rows kept per hop: the most recent (default) or uniform draws',
      }),
    ),
    dropout: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
    patience: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    seed: Type.Optional(Type.Integer({ minimum: 0 })),
    backend: Type.Optional(Type.Union([Type.Literal('cpu'), Type.Literal('webgpu')])),
    threads: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
    validationStart: Type.Optional(Instant('first validation anchor (explicit split)')),
    testStart: Type.Optional(Instant('first test anchor (explicit split)')),
    evalAnchors: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    cutoff: Type.Optional(Instant('rows later than this are invisible (default: testStart)')),
    allowPartialWindow: Type.Optional(
      Type.Boolean({
        description:
          'explicit split: keep a last window that closes after the data ends (a warning, ' +
          'PQL_PARTIAL_WINDOW) instead of failing with PQL_DATA_ENDS_BEFORE_WINDOW',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ExplainInput = Type.Object(
  {
    source: Type.String({ minLength: 1 }),
    query: Type.String({ minLength: 1, maxLength: 10_000 }),
    graphVersion: Type.Optional(Type.Integer({ minimum: 1 })),
    options: Type.Optional(TrainOptions),
    countExamples: Type.Optional(
      Type.Boolean({ description: "run each split's label SQL and count its examples" }),
    ),
  },
  { additionalProperties: false },
);
export const Explanation = Type.Object({
  plan: Type.Record(Type.String(), Type.Unknown(), {
    description: 'task, entity, target, splits with their SQL, prediction SQL, warnings',
  }),
  text: Type.String({ description: 'the plan as `prequel explain` prints it' }),
  examples: Nullable(
    Type.Object({
      train: Type.Integer({ minimum: 0 }),
      validation: Type.Integer({ minimum: 0 }),
      test: Type.Integer({ minimum: 0 }),
    }),
  ),
  exampleWarnings: Type.Array(Type.String(), {
    description:
      'about the counted examples: a split of fewer than 50 (noisy metrics), a training split ' +
      'of more than 200000 (slow training; an entity filter keeps fewer)',
  }),
});

export const TrainInput = Type.Object(
  {
    source: Type.String({ minLength: 1 }),
    query: Type.String({ minLength: 1, maxLength: 10_000 }),
    graphVersion: Type.Optional(Type.Integer({ minimum: 1 })),
    options: Type.Optional(TrainOptions),
  },
  { additionalProperties: false },
);

const ANCHOR_TIME_HINT = 'an ISO 8601 date or date-time, e.g. 2024-01-31 or 2024-01-31T12:00:00Z';

const AnchorTime = Type.String({
  // A date, optionally a time with fractional seconds, optionally a zone.
  pattern:
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}' +
    '([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$',
  description: 'ISO 8601 date or instant; predictions see nothing later than this',
  examples: ['2024-01-01T00:00:00Z'],
  [HINT]: ANCHOR_TIME_HINT,
});

const SyncAnchorTime = Type.String({
  [HINT]: ANCHOR_TIME_HINT,
  pattern: AnchorTime.pattern,
  description:
    'ISO 8601 date or instant; predictions see nothing later than this; default the latest ' +
    "timestamp of the query's target tables",
  examples: ['2024-01-01T00:00:00Z'],
});

export const BatchPredictInput = Type.Object(
  {
    anchorTime: Type.Optional(AnchorTime),
    formats: Type.Optional(Type.Array(PredictionFormatSchema, { minItems: 1, maxItems: 4 })),
    table: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description:
          'Snowflake sources: the warehouse table the predictions replace ' +
          '(default PREQUEL_PREDICTIONS_<model id>)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** An entity's primary key as text: 64-bit integers as decimal strings, so they stay exact. */
export const EntityKey = Type.String({
  minLength: 1,
  maxLength: 256,
  description: "an entity's primary key as a string (integers as decimal strings)",
  examples: ['9007199254740993'],
});

export const PredictInput = (maxIds: number) =>
  Type.Object(
    {
      ids: Type.Array(EntityKey, {
        minItems: 1,
        maxItems: maxIds,
        description: 'entity primary keys',
        [HINT]:
          `a list of 1 to ${maxIds} entity ids (strings); for more, POST the ids as CSV, one ` +
          'a line, to /models/:modelId/predictions/upload (a batch job)',
      }),
      anchorTime: Type.Optional(SyncAnchorTime),
    },
    { additionalProperties: false },
  );
// Named as the columns of the batch prediction files (src/pipeline/predict.ts EntityPrediction).
export const Predictions = Type.Object({
  modelId: Id,
  anchorTime: Time,
  task: Type.String({
    description:
      'binary (`probability`), regression (`prediction`), multiclass (`class` and ' +
      '`probability`), multilabel or ranking (`ranked`)',
  }),
  predictions: Type.Array(
    Type.Object({
      id: EntityKey,
      probability: Type.Optional(
        Type.Number({
          description:
            "binary: the probability (0 to 1) that the query's target condition is true for " +
            'the entity in its window after the anchor time; multiclass: the probability of ' +
            "`class`. Equal to the batch files' `probability` column to about 1e-7 (float32 " +
            'arithmetic whose rounding depends on how many entities share a batch)',
        }),
      ),
      prediction: Type.Optional(
        Type.Number({ description: 'regression: the predicted value of the target' }),
      ),
      class: Type.Optional(Type.String({ description: 'multiclass: the most probable class' })),
      ranked: Type.Optional(
        Type.Array(Type.Object({ item: Type.String(), score: Type.Number() }), {
          description:
            'ranking (keys of the ranked table) and multilabel (labels): top k, best first',
        }),
      ),
    }),
  ),
  warnings: Type.Array(Type.String(), {
    description:
      "about the anchor time: before the model's data (no history), or after the end of the " +
      'data (features stop there)',
  }),
});
