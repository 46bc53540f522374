// SPDX-License-Identifier: Apache-2.0
// The training pipeline of one predictive query on one data source: materialise the graph (a
// cached stage when the data did not change), compile the plan, run the label SQL of each split,
// train each configuration of the run mode, keep the one with the best validation metric,
// evaluate it on validation and test next to the baselines, and store the model file and its
// HTML report as workspace artifacts. Runs inside a job's worker; touches no metadata.
import type { GraphVersion } from '../control/metadata/graphs.js';
import type { SourceRecord } from '../control/metadata/sources.js';
import { planToJson } from '../control/pql/explain.js';
import { compilePlan, readTimeRange, type QueryPlan } from '../control/pql/index.js';
import { TRAINER_TASK, unsupportedTask } from '../control/pql/trainable.js';
import { textOf } from '../control/pql/ast.js';
import { formatTimestamp } from '../control/pql/time.js';
import type { Connector } from '../data/connector.js';
import { loadStage, stageStoreDir, type LoadedStage } from '../data/load-store.js';
import { SamplerPool } from '../sampler/pool.js';
import { materialise } from '../data/materialise.js';
import type { Stage } from '../data/stage.js';
import { prequelError, raise } from '../errors/index.js';
import type { Backend } from '../gnn/backend.js';
import { createCpuBackend } from '../gnn/cpu-backend.js';
import { WebGpuBackend } from '../gnn/webgpu/backend.js';
import { renderReport, type ReportInput } from '../report/html.js';
import { evaluate, horizonMicros, type Evaluation } from '../train/evaluate.js';
import { DEFAULT_TOP_K, reportedMetricName } from '../train/metric-names.js';
import { entityIndex, queryLabels, type LabelOptions } from '../train/labels.js';
import { readExtraColumns, type ExtraColumns } from '../train/extra-columns.js';
import { saveModel } from '../train/model-file.js';
import {
  train,
  type EpochRecord,
  type LabelSet,
  type TaskKind,
  type TrainedModel,
} from '../train/trainer.js';
import type { ArtifactRef, ArtifactStore } from '../workspace/artifacts.js';
import { checkLabelsVary, labelWarnings, shapeOf, splitSizeWarnings } from './label-checks.js';
import { runConfigs, splitOf, type RunConfig, type TrainSettings } from './settings.js';
import { openSource } from './source.js';
import { plural } from '../text/plural.js';

export interface PipelineContext {
  workspace: string;
  artifacts: ArtifactStore;
  signal?: AbortSignal;
  progress?: (fraction: number, message?: string) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface TrainInput {
  source: SourceRecord;
  graph: GraphVersion;
  query: string;
  settings: TrainSettings;
}

/** The metrics a model record keeps (JSON). */
export interface ModelMetrics {
  task: TaskKind;
  /** The metric early stopping and the search use. */
  metric: string;
  validation: EvaluationJson;
  test: EvaluationJson;
  splits: { train: number; validation: number; test: number };
  dropped: { train: number; validation: number; test: number };
  history: EpochRecord[];
  bestEpoch: number;
  config: RunConfig;
  /** Validation metric of every configuration tried (the `best` mode's search). */
  search: { config: RunConfig; validation: number | null; seconds: number }[];
  /** Seconds spent training (every configuration's epochs and their validation). */
  trainingSeconds: number;
  /** Seconds of the whole run: data, labels, training, evaluation. */
  seconds: number;
  /** What the user should know about the plan and the labels (also in the job log). */
  warnings: string[];
}

export interface EvaluationJson {
  examples: number;
  classes?: { negative: number; positive: number };
  model: Record<string, number | null>;
  baselines: { name: string; metrics: Record<string, number | null> }[];
  /** Why a metric is null (e.g. a single-class split has no AUROC). */
  notes: string[];
}

/** What the model file's header keeps besides the network (see saveModel's `plan`). */
export interface ModelFileMeta {
  query: string;
  plan: Record<string, unknown>;
  task: TaskKind;
  entity: { table: string; key: string };
  stage: { hash: string; vocabularies: Record<string, Record<string, string[]>> };
  settings: TrainSettings;
  config: RunConfig;
  /** Multiclass and multilabel: the label value of each class index. */
  classes?: string[];
  /** Ranking: the ranked table and its key; k of RANK TOP k (also multilabel). */
  ranked?: { table: string; key: string };
  k?: number;
}

export interface TrainOutput {
  checkpoint: ArtifactRef;
  report: ArtifactRef;
  plan: Record<string, unknown>;
  metrics: ModelMetrics;
}

/**
 * Maps a plan's task type to the trainer's task, or refuses it with the reason (trainable.ts
 * says what trains, for plans and explain alike).
 */
export function trainerTask(plan: QueryPlan): TaskKind {
  const unsupported = unsupportedTask(plan.task.type, plan.splits !== null);
  if (unsupported !== null) {
    return raise('CONTROL_TASK_UNSUPPORTED', { task: unsupported.task, hint: unsupported.hint });
  }
  return TRAINER_TASK[plan.task.type]!;
}

/** The metric (an `evaluate` key) each task stops early on and reports first. */
export const MAIN_METRIC: Record<TaskKind, string> = {
  binary: 'auroc',
  regression: 'mae',
  multiclass: 'accuracy',
  multilabel: 'auprcMacro',
  ranking: 'map',
};

/** k of the ranking metrics and of the top lists predicted (RANK TOP k; default 10). */
export function topK(plan: QueryPlan): number {
  return plan.task.topK ?? DEFAULT_TOP_K;
}

/** Starts the compute backend a job asked for. */
export async function startBackend(settings: TrainSettings): Promise<Backend> {
  if (settings.backend === 'webgpu') return WebGpuBackend.create();
  return createCpuBackend({ threads: settings.threads ?? 2 });
}

/** Materialises the source's graph and loads its stores (the stage is reused when unchanged). */
export async function prepareData(
  connector: Connector,
  graph: GraphVersion,
  ctx: PipelineContext,
  threads: number,
): Promise<{ stage: Stage; loaded: LoadedStage; extra: ExtraColumns }> {
  ctx.progress?.(0.01, 'materialising the graph');
  const stage = await materialise(connector, graph.definition, {
    workspace: ctx.workspace,
    progress: (e) => ctx.progress?.(0.05, `materialising ${e.table}: ${e.step}`),
  });
  const how = stage.reused ? 'reused' : 'built';
  ctx.log?.('info', `stage ${stage.manifest.hash.slice(0, 12)} ${how}`);
  checkCancelled(ctx);
  // Saved in the stage: reopened memory-mapped next time, and shared with the sampler pool.
  const loaded = await loadStage(stage, { threads, saveStore: true });
  // Text, multicategorical and embedding columns: read from the stage for their encoders.
  const extra = await readExtraColumns(stage);
  return { stage, loaded, extra };
}

/**
 * A sampler pool over the stage's saved graph store (see prepareData), so sampling runs in worker
 * threads beside the compute backend's: one worker per two compute threads, none with one.
 */
export async function openSamplerPool(
  stage: Stage,
  settings: TrainSettings,
): Promise<SamplerPool | null> {
  const workers = Math.floor((settings.threads ?? 2) / 2);
  if (workers === 0) return null;
  const pool = SamplerPool.open({ storeDir: stageStoreDir(stage), workers });
  try {
    await pool.ready();
  } catch (err) {
    await pool.close();
    throw err;
  }
  return pool;
}

/** Throws the cancellation error once the job's signal aborted. */
export function checkCancelled(ctx: PipelineContext): void {
  if (ctx.signal?.aborted) throw prequelError('CONTROL_JOB_CANCELLED', {});
}

/** Categorical vocabularies of the stage, per table and column (kept in the model file). */
export function stageVocabularies(stage: Stage): ModelFileMeta['stage']['vocabularies'] {
  const out: ModelFileMeta['stage']['vocabularies'] = {};
  for (const t of stage.manifest.tables) {
    for (const f of t.features) {
      if (f.vocabulary !== undefined) (out[t.name] ??= {})[f.column] = f.vocabulary;
    }
  }
  return out;
}

/** Trains the query; see the file comment. */
export async function runTraining(input: TrainInput, ctx: PipelineContext): Promise<TrainOutput> {
  const started = performance.now();
  const { settings } = input;
  const connector = await openSource(input.source);
  let backend: Backend | null = null;
  let loaded: LoadedStage | null = null;
  let pool: SamplerPool | null = null;
  try {
    const prepared = await prepareData(connector, input.graph, ctx, settings.threads ?? 2);
    loaded = prepared.loaded;
    const { stage } = prepared;
    const def = input.graph.definition;
    const timeRange = (await readTimeRange(connector, def)) ?? undefined;
    const plan = compilePlan(input.query, def, {
      dialect: connector.dialect,
      timeRange,
      split: splitOf(settings),
    });
    const warnings = plan.warnings.map((w) => `${w.code}: ${w.message}`);
    for (const warning of warnings) ctx.log?.('warn', warning);
    const task = trainerTask(plan);
    ctx.progress?.(0.12, 'computing labels');
    const sets = await labelSets(connector, stage, plan, task);
    ctx.log?.(
      'info',
      `examples: train ${sets.train.labels.length}, validation ${sets.validation.labels.length}, ` +
        `test ${sets.test.labels.length}`,
    );
    checkLabelsVary(task, sets, plan.target.text);
    const sizes = {
      train: sets.train.labels.length,
      validation: sets.validation.labels.length,
      test: sets.test.labels.length,
    };
    const labelChecks = [...labelWarnings(task, sets), ...splitSizeWarnings(sizes, shapeOf(plan))];
    for (const warning of labelChecks) ctx.log?.('warn', warning);
    warnings.push(...labelChecks);
    checkCancelled(ctx);
    backend = await startBackend(settings);
    pool = await openSamplerPool(prepared.stage, settings);
    const s = plan.splits!;
    const visibleUntil = s.kind === 'explicit' ? s.cutoff : undefined;
    const configs = runConfigs(settings);
    const search: ModelMetrics['search'] = [];
    let best: {
      model: TrainedModel;
      history: EpochRecord[];
      bestEpoch: number;
      config: RunConfig;
      score: number;
    } | null = null;
    for (const [i, config] of configs.entries()) {
      const t0 = performance.now();
      const span = 0.7 / configs.length;
      const result = await train(loaded.graph, loaded.columns, sets, {
        extra: prepared.extra,
        ...(pool === null ? {} : { sampler: pool }),
        backend,
        task,
        seedType: plan.entity.table,
        ...config,
        visibleUntil,
        ...(sets.classes === undefined ? {} : { classes: sets.classes }),
        ...(task === 'ranking' ? { targetType: plan.task.rankedTable!, k: topK(plan) } : {}),
        onProgress: (p) => {
          checkCancelled(ctx);
          const f = 0.15 + span * (i + (p.epoch + p.step / Math.max(1, p.steps)) / config.epochs);
          ctx.progress?.(
            f,
            `epoch ${p.epoch + 1}/${config.epochs} ` +
              `step ${Math.min(p.step + 1, p.steps)}/${p.steps}`,
          );
          if (p.step === p.steps) {
            const shown = p.validation === null ? 'undefined' : p.validation.toFixed(4);
            ctx.log?.(
              'info',
              `config ${i + 1}/${configs.length} epoch ${p.epoch + 1}: ` +
                `loss ${p.loss.toFixed(4)}, ` +
                `validation ${p.metric} ${shown}, ${p.seconds.toFixed(1)} s`,
            );
          }
        },
      });
      const value = result.history[result.bestEpoch]!.validation;
      const score = result.bestScore;
      search.push({ config, validation: value, seconds: (performance.now() - t0) / 1000 });
      if (best === null || score > best.score) {
        best?.model.dispose();
        best = { ...result, config, score };
      } else {
        result.model.dispose();
      }
    }
    const { model, history, bestEpoch, config } = best!;
    try {
      ctx.progress?.(0.88, 'evaluating');
      const windowMicros = horizonMicros(plan.target.horizon) ?? undefined;
      const k = topK(plan);
      const validation = await evaluate(model, sets.validation, [sets.train], { windowMicros, k });
      const test = await evaluate(model, sets.test, [sets.train, sets.validation], {
        windowMicros,
        k,
      });
      const outputs = await reportOutputs(model, sets.test, k, sets.classes);
      const planJson = planToJson(plan);
      const metrics: ModelMetrics = {
        task,
        metric: reportedMetricName(task, MAIN_METRIC[task], k),
        validation: evaluationJson(validation),
        test: evaluationJson(test),
        splits: {
          train: sets.train.labels.length,
          validation: sets.validation.labels.length,
          test: sets.test.labels.length,
        },
        dropped: {
          train: sets.train.dropped,
          validation: sets.validation.dropped,
          test: sets.test.dropped,
        },
        history,
        bestEpoch,
        config,
        search,
        trainingSeconds: search.reduce((sum, run) => sum + run.seconds, 0),
        seconds: (performance.now() - started) / 1000,
        warnings,
      };
      const meta: ModelFileMeta = {
        query: input.query,
        plan: planJson,
        task,
        entity: { table: plan.entity.table, key: plan.entity.key },
        stage: { hash: stage.manifest.hash, vocabularies: stageVocabularies(stage) },
        settings,
        config,
        ...(sets.classes === undefined ? {} : { classes: [...sets.classes] }),
        ...(task === 'ranking' ? { ranked: rankedOf(plan, input.graph), k: topK(plan) } : {}),
        ...(task === 'multilabel' ? { k: topK(plan) } : {}),
      };
      ctx.progress?.(0.95, 'saving the model');
      const checkpoint = await ctx.artifacts.putFile(async (tmp) => {
        await saveModel(tmp, model, { graphHash: input.graph.contentHash, plan: meta, metrics });
      });
      const html = renderReport(reportInput(input.query, plan, metrics, sets, outputs));
      const report = await ctx.artifacts.put(html);
      ctx.progress?.(1, 'done');
      return { checkpoint, report, plan: planJson, metrics };
    } finally {
      model.dispose();
    }
  } finally {
    await pool?.close();
    loaded?.graph.close();
    loaded?.columns.close();
    await backend?.close();
    await connector.close();
  }
}

export type LabelSets = Record<'train' | 'validation' | 'test', LabelSet & { dropped: number }> & {
  /** Multiclass and multilabel: the vocabulary of the training split. */
  classes?: readonly string[];
};

/** The ranked table of a link-prediction plan and its primary key. */
function rankedOf(plan: QueryPlan, graph: GraphVersion): { table: string; key: string } {
  const table = plan.task.rankedTable!;
  const def = graph.definition.tables.find((t) => t.name === table);
  return { table, key: def?.primaryKey ?? 'id' };
}

/**
 * Runs the label SQL of each split of a temporal plan; an empty split is an error. Classes are
 * the training split's values; ranked items are rows of the ranked table.
 */
export async function labelSets(
  connector: Connector,
  stage: Stage,
  plan: QueryPlan,
  task: TaskKind,
  fixedClasses?: readonly string[],
): Promise<LabelSets> {
  if (plan.splits === null) {
    const unsupported = unsupportedTask(plan.task.type, false)!;
    raise('CONTROL_TASK_UNSUPPORTED', { task: unsupported.task, hint: unsupported.hint });
  }
  const index = await entityIndex(stage, plan.entity.table);
  const s = plan.splits;
  const options: LabelOptions = { task };
  if (task === 'ranking') {
    options.targetIndex = await entityIndex(stage, plan.task.rankedTable!);
  }
  if (fixedClasses !== undefined) options.classes = fixedClasses;
  const train = await queryLabels(connector, s.train.sql, index, 'train', options);
  if (train.classes !== undefined) options.classes = train.classes;
  const sets: LabelSets = {
    train,
    validation: await queryLabels(connector, s.validation.sql, index, 'validation', options),
    test: await queryLabels(connector, s.test.sql, index, 'test', options),
    ...(options.classes === undefined ? {} : { classes: options.classes }),
  };
  for (const split of ['train', 'validation', 'test'] as const) {
    if (sets[split].labels.length === 0) {
      raise('CONTROL_NO_EXAMPLES', {
        split,
        hint: 'check the entity filter and the split times with `prequel explain`',
      });
    }
  }
  return sets;
}

export function evaluationJson(ev: Evaluation): EvaluationJson {
  const notes: string[] = [];
  // Ranking metrics are named with their cut-off, as users read them: map@10, ndcg@10.
  const name = (metric: string) => reportedMetricName(ev.task, metric, ev.k ?? DEFAULT_TOP_K);
  const flat = (m: Evaluation['model'], who: string) =>
    Object.fromEntries(
      Object.entries(m).map(([k, v]) => {
        if (v.value === null) notes.push(`${who} ${name(k)}: ${v.reason}`);
        return [name(k), v.value];
      }),
    );
  return {
    examples: ev.examples,
    ...(ev.classes === undefined ? {} : { classes: ev.classes }),
    model: flat(ev.model, 'model'),
    baselines: ev.baselines.map((b) => ({ name: b.name, metrics: flat(b.metrics, b.name) })),
    notes,
  };
}

/** Test-split outputs the report plots, by task. */
async function reportOutputs(
  model: TrainedModel,
  test: LabelSet,
  k: number,
  classes: readonly string[] | undefined,
): Promise<ReportInput['outputs']> {
  const labels = Array.from(test.labels);
  switch (model.task) {
    case 'binary':
      return { kind: 'binary', labels, scores: Array.from(await model.predict(test)) };
    case 'regression':
      return {
        kind: 'regression',
        targets: labels,
        predictions: Array.from(await model.predict(test)),
      };
    case 'multiclass':
      return {
        kind: 'multiclass',
        labels,
        predicted: Array.from(await model.predict(test)),
        classNames: [...(classes ?? [])],
      };
    case 'multilabel': {
      // One (example, label) pair per point: the micro-averaged ROC and precision-recall curves.
      const { classes: n, values } = await model.predictProba(test);
      const truth = new Float64Array(values.length);
      const lists = test.lists!;
      for (let i = 0; i < test.entities.length; i++) {
        for (let j = lists.offsets[i]!; j < lists.offsets[i + 1]!; j++) {
          truth[i * n + lists.items[j]!] = 1;
        }
      }
      return { kind: 'binary', labels: Array.from(truth), scores: Array.from(values) };
    }
    case 'ranking': {
      const top = await model.predictTop(test, k);
      const lists = test.lists!;
      const hits = new Float64Array(k);
      const truthSizes: number[] = [];
      for (let i = 0; i < test.entities.length; i++) {
        const truth = new Set(lists.items.subarray(lists.offsets[i]!, lists.offsets[i + 1]!));
        truthSizes.push(truth.size);
        let found = 0;
        for (let j = 0; j < k; j++) {
          if (truth.has(top.items[i * k + j]!)) found++;
          hits[j]! += found / (j + 1);
        }
      }
      const n = Math.max(1, test.entities.length);
      const precisionAtK = Array.from(hits, (h, j) => ({ k: j + 1, value: h / n }));
      return { kind: 'ranking', precisionAtK, truthSizes };
    }
  }
}

function labelSummary(task: TaskKind, labels: Float64Array): string {
  if (labels.length === 0) return '';
  const mean = labels.reduce((a, b) => a + b, 0) / labels.length;
  switch (task) {
    case 'binary':
      return `${(100 * mean).toFixed(1)}% positive`;
    case 'regression':
      return `mean ${mean.toFixed(3)}`;
    case 'multiclass':
      return plural(new Set(labels).size, 'class', 'classes');
    default:
      return `${mean.toFixed(2)} per example`;
  }
}

function reportInput(
  query: string,
  plan: QueryPlan,
  m: ModelMetrics,
  sets: LabelSets,
  outputs: ReportInput['outputs'],
): ReportInput {
  const s = plan.splits!;
  const split = (name: 'train' | 'validation' | 'test') => ({
    name,
    anchors: s[name].count,
    examples: m.splits[name],
    labelSummary: labelSummary(m.task, sets[name].labels),
  });
  const range = (step: typeof s.train) =>
    step.first === null || step.last === null
      ? '-'
      : `${formatTimestamp(step.first)} .. ${formatTimestamp(step.last)}`;
  const horizon = (planToJson(plan).target as { horizon: string | null }).horizon;
  return {
    // The entity as the query writes it: "for each customers.customer_id".
    title: `${plan.target.text} for each ${textOf(plan.query, plan.query.entity.column.span)}`,
    query,
    task: m.task,
    createdAt: new Date(),
    plan: {
      task: plan.task.type,
      entity: `${plan.entity.table}.${plan.entity.key}`,
      target: plan.target.text,
      'label window': horizon ?? '-',
      split: s.kind,
      'data cutoff': formatTimestamp(s.cutoff),
      'train anchors': range(s.train),
      'validation anchors': range(s.validation),
      'test anchors': range(s.test),
    },
    sql: s.test.sql.sql,
    config: { ...m.config, fanouts: m.config.fanouts.join(', ') },
    splits: [split('train'), split('validation'), split('test')],
    metrics: (['validation', 'test'] as const).map((name) => ({
      split: name,
      model: m[name].model,
      baselines: m[name].baselines.map((b) => ({ name: b.name, values: b.metrics })),
      notes: m[name].notes,
    })),
    validationMetric: m.metric,
    seconds: { training: m.trainingSeconds, total: m.seconds },
    warnings: m.warnings,
    history: m.history.map((h) => ({
      epoch: h.epoch,
      trainLoss: h.loss,
      validation: h.validation,
      seconds: h.seconds,
    })),
    outputs,
  };
}
