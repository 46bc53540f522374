// SPDX-License-Identifier: Apache-2.0
// A trained model as a checkpoint file (checkpoint.ts): the header holds the task, the model
// configuration and schema, the target scaling, the sampling settings and the encoders'
// numerical statistics, and the task head (class vocabulary; ranked table and ranking
// configuration), the extra columns' encoders (text hashing, embedding statistics); the tensors
// are the parameters (the ranking head's prefixed `ranker.`, learned bag tables included) and the
// categorical and multicategorical bucket tables. Loading rebuilds the model on the given stores,
// extra columns and backend (the ranking history is recomputed from the graph); predictions are
// identical.
import type { Backend } from '../gnn/backend.js';
import type { ColumnStore } from '../store/column-store.js';
import type { GraphStore } from '../store/graph-store.js';
import { raise } from '../errors/index.js';
import { loadCheckpoint, saveCheckpoint, type CheckpointTensor } from './checkpoint.js';
import type { ExtraColumns } from './extra-columns.js';
import type { ExtraEncoders } from './extra-encoders.js';
import { checkExtraColumns, type FeatureEncoders, type TableEncoder } from './features.js';
import { HeteroSage, type ModelConfig, type ModelSchema } from './hetero-sage.js';
import { rankingState, TrainedModel, type TaskHead, type TaskKind } from './model.js';
import { RankingHead, type RankingConfig } from './ranking.js';

interface ModelHeader {
  task: TaskKind;
  config: ModelConfig;
  schema: ModelSchema;
  fanouts: number[];
  target: TrainedModel['target'];
  batchSize: number;
  visibleUntil: string | null;
  /** Absent in files written before the option: uniform. */
  strategy?: 'uniform' | 'last';
  /** Absent in files of binary and regression models written before task heads. */
  head?: { classes?: string[]; ranking?: { config: RankingConfig; k: number } };
}

interface EncoderHeader {
  cutoff: string;
  tables: {
    nodeType: string;
    temporal: boolean;
    numerical: TableEncoder['numerical'];
    categorical: { column: string; buckets: number }[];
    timestamps: string[];
    denseDim: number;
    /** The extra columns' encoders; absent in files written before them. */
    text?: ExtraEncoders['text'];
    multicategorical?: { column: string; buckets: number }[];
    embedding?: ExtraEncoders['embedding'];
  }[];
}

/** Saves `model` to `path` (atomically); returns the file's SHA-256. */
export async function saveModel(
  path: string,
  model: TrainedModel,
  meta: { graphHash: string; plan?: unknown; metrics?: unknown },
): Promise<string> {
  const tensors: CheckpointTensor[] = [];
  for (const [name, t] of model.net.params) {
    tensors.push({
      name: `param.${name}`,
      dtype: 'float32',
      shape: [...t.shape],
      data: Float32Array.from(await t.data()),
    });
  }
  const ranking = model.head.ranking;
  for (const [name, t] of ranking?.head.params ?? []) {
    tensors.push({
      name: `ranker.${name}`,
      dtype: 'float32',
      shape: [...t.shape],
      data: Float32Array.from(await t.data()),
    });
  }
  const tables: EncoderHeader['tables'] = [];
  for (const t of model.encoders.tables.values()) {
    t.categorical.forEach((c) => {
      tensors.push({
        name: `buckets.${t.nodeType}.${c.column}`,
        dtype: 'int32',
        shape: [c.stats.bucketOf.length],
        data: c.stats.bucketOf,
      });
    });
    t.multicategorical.forEach((m) => {
      tensors.push({
        name: `bag-buckets.${t.nodeType}.${m.column}`,
        dtype: 'int32',
        shape: [m.stats.bucketOf.length],
        data: m.stats.bucketOf,
      });
    });
    tables.push({
      nodeType: t.nodeType,
      temporal: t.temporal,
      numerical: t.numerical,
      categorical: t.categorical.map((c) => ({ column: c.column, buckets: c.stats.buckets })),
      timestamps: t.timestamps,
      denseDim: t.denseDim,
      text: t.text,
      multicategorical: t.multicategorical.map((m) => ({
        column: m.column,
        buckets: m.stats.buckets,
      })),
      embedding: t.embedding,
    });
  }
  const header: ModelHeader = {
    task: model.task,
    config: model.net.config,
    schema: model.net.schema,
    fanouts: [...model.fanouts],
    target: model.target,
    batchSize: model.batchSize,
    visibleUntil: model.visibleUntil === undefined ? null : String(model.visibleUntil),
    strategy: model.strategy,
    head: {
      ...(model.head.classes === undefined ? {} : { classes: [...model.head.classes] }),
      ...(ranking === undefined ? {} : { ranking: { config: ranking.head.config, k: ranking.k } }),
    },
  };
  const encoders: EncoderHeader = { cutoff: String(model.encoders.cutoff), tables };
  return saveCheckpoint(
    path,
    {
      graphHash: meta.graphHash,
      createdAt: new Date().toISOString(),
      plan: meta.plan ?? null,
      encoders,
      config: header,
      ...(meta.metrics === undefined ? {} : { metrics: meta.metrics }),
    },
    tensors,
  );
}

/**
 * Loads a model saved by saveModel onto `graph`, `columns` and, for a model trained with extra
 * columns, `extra` (readExtraColumns with the same text settings; TRAIN_EXTRA_COLUMN otherwise).
 * With `graphHash`, a model trained on another graph definition is refused
 * (TRAIN_CHECKPOINT_GRAPH_CHANGED).
 */
export function loadModel(
  path: string,
  graph: GraphStore,
  columns: ColumnStore,
  backend: Backend,
  options: { graphHash?: string; extra?: ExtraColumns } = {},
): TrainedModel {
  const { meta, tensors } = loadCheckpoint(path, options);
  const header = meta.config as ModelHeader;
  const enc = meta.encoders as EncoderHeader;
  const tensor = (name: string) => {
    const t = tensors.get(name);
    if (t === undefined) raise('TRAIN_CHECKPOINT_TENSOR', { name, problem: 'missing' });
    return t.data;
  };
  const encoders: FeatureEncoders = {
    cutoff: BigInt(enc.cutoff),
    tables: new Map(
      enc.tables.map((t): [string, TableEncoder] => [
        t.nodeType,
        {
          ...t,
          categorical: t.categorical.map((c) => ({
            column: c.column,
            stats: {
              bucketOf: Int32Array.from(tensor(`buckets.${t.nodeType}.${c.column}`)),
              buckets: c.buckets,
            },
          })),
          text: t.text ?? [],
          multicategorical: (t.multicategorical ?? []).map((m) => ({
            column: m.column,
            stats: {
              bucketOf: Int32Array.from(tensor(`bag-buckets.${t.nodeType}.${m.column}`)),
              buckets: m.buckets,
            },
          })),
          embedding: t.embedding ?? [],
        },
      ]),
    ),
  };
  checkExtraColumns(encoders, graph, options.extra);
  const values = new Map<string, Float32Array>();
  const rankValues = new Map<string, Float32Array>();
  for (const [name, t] of tensors) {
    if (name.startsWith('param.')) values.set(name.slice(6), Float32Array.from(t.data));
    if (name.startsWith('ranker.')) rankValues.set(name.slice(7), Float32Array.from(t.data));
  }
  const requireAll = (
    names: Iterable<string>,
    saved: Map<string, Float32Array>,
    prefix: string,
  ) => {
    for (const name of names) {
      if (!saved.has(name))
        raise('TRAIN_CHECKPOINT_TENSOR', { name: prefix + name, problem: 'missing' });
    }
  };
  const net = new HeteroSage(backend, header.schema, header.config, 0, values);
  const head: TaskHead = header.head?.classes === undefined ? {} : { classes: header.head.classes };
  try {
    requireAll(net.params.keys(), values, 'param.');
    const saved = header.head?.ranking;
    if (saved !== undefined) {
      const ranker = new RankingHead(backend, saved.config, 0, rankValues);
      try {
        requireAll(ranker.params.keys(), rankValues, 'ranker.');
        const seedType = header.schema.seedType;
        head.ranking = rankingState(
          graph,
          columns,
          encoders,
          seedType,
          ranker,
          saved.k,
          options.extra,
        );
      } catch (err) {
        ranker.dispose();
        throw err;
      }
    }
  } catch (err) {
    net.dispose();
    throw err;
  }
  return new TrainedModel(
    graph,
    columns,
    encoders,
    net,
    header.task,
    header.fanouts,
    header.target,
    header.batchSize,
    header.visibleUntil === null ? undefined : BigInt(header.visibleUntil),
    head,
    header.strategy ?? 'uniform',
    options.extra,
  );
}
