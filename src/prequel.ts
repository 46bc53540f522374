// SPDX-License-Identifier: Apache-2.0
// The library facade: one open workspace (metadata, artifacts, jobs). The CLI and the REST API
// are thin layers over this class, so the three never disagree. No global state: every
// instance owns its database handle and workers until close().
import { existsSync, linkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { prequelError, raise } from './errors/index.js';
import type { GraphDef } from './data/graph-def.js';
import { createWorkspaceSync, readWorkspaceSync, workspaceLayout } from './workspace/layout.js';
import type { WorkspaceLayout, WorkspaceMarker } from './workspace/layout.js';
import { ArtifactStore } from './workspace/artifacts.js';
import { MetadataStore, parseId, schemaVersionSync } from './control/metadata/index.js';
import type {
  GraphVersion,
  GraphVersionSummary,
  JobFilter,
  JobLogEntry,
  JobRecord,
  JobState,
  ModelRecord,
  PredictionFormat,
  PredictionSetRecord,
  SourceInput,
  SourceRecord,
  TokenRecord,
} from './control/metadata/index.js';
import { JobKindRegistry, type JobKindDef } from './control/jobs/registry.js';
import { Orchestrator } from './control/jobs/orchestrator.js';
import { TERMINAL_STATES, type JobEvent, type JobEventListener } from './control/jobs/events.js';
import { watchJob, type JobWatchOptions } from './control/jobs/watch.js';
import type {
  EvaluateJobParams,
  MaterialiseJobParams,
  PredictJobParams,
  TrainJobParams,
} from './control/jobs/params.js';
import { explainPlan, planToJson } from './control/pql/explain.js';
import { checkTrainable, compilePlan, readTimeRange } from './control/pql/index.js';
import { countExamples, type SplitCounts } from './control/explain.js';
import { checkOverride, type GraphOverride } from './data/graph-file.js';
import { inferGraph } from './data/infer.js';
import { validateGraph, type ValidationReport } from './data/validate.js';
import { PIPELINE_JOB_KINDS } from './pipeline/jobs/kinds.js';
import {
  ModelSession,
  checkDistinctIds,
  entityPrediction,
  type EntityPrediction,
} from './pipeline/predict.js';
import { checkTrainSettings, splitOf, type TrainSettings } from './pipeline/settings.js';
import { shapeOf, splitSizeWarnings } from './pipeline/label-checks.js';
import { normaliseSourceInput, openSource } from './pipeline/source.js';

/** A pino-compatible logger; the library logs only through one it is given. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PrequelOptions {
  /** The workspace directory. */
  workspace: string;
  /** Create the workspace when it does not exist (default false). */
  create?: boolean;
  logger?: Logger;
  /** Called with every job event (state, progress, log) of jobs this instance runs. */
  onProgress?: JobEventListener;
  /** Jobs this instance runs at once (default 2). */
  maxConcurrentJobs?: number;
  /** Grace time of a cancelled job before its worker is terminated (default 2000 ms). */
  cancelGraceMs?: number;
  /** Whether this instance picks up and runs queued jobs (default true). */
  runJobs?: boolean;
  /** Job handlers to register, e.g. the trainer's `train` kind. */
  jobKinds?: JobKindDef[];
}

export interface WorkspaceInfo {
  root: string;
  id: string;
  name: string;
  createdAt: string;
  schemaVersion: number;
}

export interface JobListOptions {
  state?: JobState;
  kind?: string;
  limit?: number;
  /** Only jobs older than this id (paging). */
  before?: string;
}

export interface TrainRequest {
  source: string;
  query: string;
  /** Graph definition version (default: latest). */
  graphVersion?: number;
  /** Run mode, model and split settings (see TrainSettings); checked before the job is queued. */
  options?: TrainSettings | Record<string, unknown>;
}

export interface PredictRequest {
  model: string;
  /**
   * ISO 8601 instant; predictions see nothing later than this. Default: the latest timestamp
   * of the tables the query's target reads.
   */
  anchorTime?: string;
  formats?: PredictionFormat[];
  /**
   * Entity ids to predict for, streamed (a CSV with one id column, or an Arrow IPC stream);
   * stored as an artifact before the job is queued. Default: every entity of the target table.
   */
  ids?: {
    stream: Readable;
    format: 'csv' | 'arrow';
    maxBytes?: number;
    limitSetting?: string;
    /** Where the ids come from (a file path, a request), named in messages about them. */
    name?: string;
  };
  /**
   * Snowflake sources: the warehouse table the predictions replace (default
   * PREQUEL_PREDICTIONS_<model id>). Other sources have no warehouse: giving one is an error.
   */
  table?: string;
}

export interface PredictEntitiesRequest {
  model: string;
  ids: string[];
  /** ISO 8601 instant; default the latest timestamp of the tables the query's target reads. */
  anchorTime?: string;
}

export interface ExplainRequest {
  source: string;
  query: string;
  /** Graph definition version (default: latest). */
  graphVersion?: number;
  /** Split settings, as for training (validationStart, testStart, evalAnchors, cutoff). */
  options?: TrainSettings | Record<string, unknown>;
  /** Run each split's label SQL and count its examples. */
  countExamples?: boolean;
}

export interface ExplainResponse {
  /** The plan as JSON (task, entity, target, splits with SQL, prediction SQL, warnings). */
  plan: Record<string, unknown>;
  /** The plan as the CLI prints it. */
  text: string;
  examples: SplitCounts | null;
  /** About the counted examples: splits of few examples, a very large training split. */
  exampleWarnings: string[];
}

export interface InspectResponse {
  graph: GraphVersion;
  /** False when the inferred definition equals the latest stored version. */
  created: boolean;
  report: ValidationReport;
}

export interface PredictEntitiesResponse {
  modelId: string;
  anchorTime: string;
  task: string;
  predictions: EntityPrediction[];
  /** About the anchor time: before the model's data, or after the end of the data. */
  warnings: string[];
}

export interface ModelFiles {
  /** Absolute path of the model file (network weights, plan and settings). */
  model: string;
  /** Absolute path of the HTML report, or null for a model recorded without one. */
  report: string | null;
}

export interface PredictionFileInfo {
  format: PredictionFormat;
  /** Absolute path of the complete artifact. */
  path: string;
  hash: string;
  bytes: number;
}

/**
 * The job kinds every instance registers: the data engine's `materialise`, the trainer's `train`
 * and `evaluate`, the predictor's `predict` (src/pipeline/jobs).
 */
const BUILTIN_JOB_KIND_DEFS: readonly JobKindDef[] = PIPELINE_JOB_KINDS;

/** Most entity ids one synchronous prediction call accepts. */
export const MAX_SYNC_PREDICT_IDS = 1000;

export class Prequel {
  readonly layout: WorkspaceLayout;
  readonly artifacts: ArtifactStore;
  private readonly meta: MetadataStore;
  private readonly registry = new JobKindRegistry();
  private readonly orchestrator: Orchestrator;
  /** Models loaded for synchronous predictions, by model id. */
  private readonly sessions = new Map<string, Promise<ModelSession>>();
  private closed = false;

  private constructor(
    private readonly marker: WorkspaceMarker,
    options: PrequelOptions,
  ) {
    this.layout = workspaceLayout(options.workspace);
    for (const def of [...BUILTIN_JOB_KIND_DEFS, ...(options.jobKinds ?? [])]) {
      this.registry.register(def);
    }
    this.artifacts = new ArtifactStore(this.layout.root);
    this.meta = MetadataStore.openSync(this.layout.metadata, marker);
    this.orchestrator = new Orchestrator(this.meta, this.registry, {
      workspace: this.layout.root,
      maxConcurrentJobs: options.maxConcurrentJobs ?? 2,
      cancelGraceMs: options.cancelGraceMs ?? 2000,
      pollMs: 500,
      runJobs: options.runJobs ?? true,
    });
    const { logger, onProgress } = options;
    if (onProgress !== undefined) this.orchestrator.subscribe(onProgress);
    if (logger !== undefined) {
      this.orchestrator.subscribe((e) => {
        if (e.type !== 'state') return;
        // A failed job is a warning, so a server logging warnings only still shows it.
        const log = e.state === 'failed' ? logger.warn : logger.info;
        log.call(
          logger,
          { jobId: e.jobId, kind: e.kind, state: e.state, error: e.error },
          'job state',
        );
      });
    }
  }

  /** Opens a workspace (creating it when `create` is set), recovering interrupted jobs. */
  static async open(options: PrequelOptions): Promise<Prequel> {
    const layout = workspaceLayout(options.workspace);
    const fresh = options.create === true && !existsSync(layout.marker);
    const marker = fresh ? createWorkspaceSync(layout.root) : readWorkspaceSync(layout.root);
    const prequel = new Prequel(marker, options);
    try {
      prequel.artifacts.removeStaleTempFilesSync();
      prequel.orchestrator.start();
    } catch (err) {
      await prequel.close();
      throw err;
    }
    return prequel;
  }

  /** Creates a new workspace and its database; fails if one exists at `workspace`. */
  static async init(workspace: string, options: { name?: string } = {}): Promise<WorkspaceInfo> {
    createWorkspaceSync(workspace, options.name);
    const prequel = await Prequel.open({ workspace, runJobs: false });
    try {
      return prequel.workspaceInfo();
    } finally {
      await prequel.close();
    }
  }

  workspaceInfo(): WorkspaceInfo {
    this.ensureOpen();
    return {
      root: this.layout.root,
      id: this.marker.id,
      name: this.marker.name,
      createdAt: this.marker.createdAt,
      schemaVersion: schemaVersionSync(this.meta.db),
    };
  }

  // Data sources and graph definitions.

  /** Registers a source; a DuckDB path is made absolute and must exist. */
  async registerSource(input: SourceInput): Promise<SourceRecord> {
    const meta = this.ensureOpen();
    return meta.sources.create(await normaliseSourceInput(input));
  }

  /**
   * Infers the graph of a source (merging `override`, e.g. a graph file's content), validates it
   * against the data, and stores it as the source's next graph version when it changed.
   */
  async inspectSource(
    source: string,
    options: { override?: GraphOverride | unknown } = {},
  ): Promise<InspectResponse> {
    const record = this.ensureOpen().sources.get(source);
    const override =
      options.override === undefined ? undefined : checkOverride(options.override, 'override');
    const connector = await openSource(record);
    try {
      const { graph } = await inferGraph(connector, { override });
      const report = await validateGraph(connector, graph);
      const { graph: version, created } = this.ensureOpen().graphs.put(BigInt(record.id), graph);
      return { graph: version, created, report };
    } finally {
      await connector.close();
    }
  }

  async listSources(): Promise<SourceRecord[]> {
    return this.ensureOpen().sources.list();
  }

  async getSource(idOrName: string): Promise<SourceRecord> {
    return this.ensureOpen().sources.get(idOrName);
  }

  /** Stores a graph definition as the source's next version (unchanged content: no new one). */
  async putGraph(
    source: string,
    definition: GraphDef,
  ): Promise<{ graph: GraphVersion; created: boolean }> {
    const { id } = this.ensureOpen().sources.get(source);
    return this.meta.graphs.put(BigInt(id), definition);
  }

  async getGraph(source: string, version: number | 'latest' = 'latest'): Promise<GraphVersion> {
    const { id } = this.ensureOpen().sources.get(source);
    return (
      this.meta.graphs.find(BigInt(id), version) ??
      raise('CONTROL_GRAPH_NOT_FOUND', { source, version: String(version) })
    );
  }

  async listGraphVersions(source: string): Promise<GraphVersionSummary[]> {
    const { id } = this.ensureOpen().sources.get(source);
    return this.meta.graphs.list(BigInt(id));
  }

  // Jobs.

  /** Registers a job handler kind (see JobKindDef). */
  registerJobKind(def: JobKindDef): void {
    this.ensureOpen();
    this.registry.register(def);
  }

  jobKinds(): string[] {
    return this.registry.names();
  }

  /** Queues a job of a registered kind; it starts when a slot is free. */
  async submitJob(kind: string, params: unknown): Promise<JobRecord> {
    this.ensureOpen();
    return this.orchestrator.submit(kind, params);
  }

  async listJobs(options: JobListOptions = {}): Promise<JobRecord[]> {
    const filter: JobFilter = { state: options.state, kind: options.kind, limit: options.limit };
    if (options.before !== undefined) {
      filter.before =
        parseId(options.before) ??
        raise('CONTROL_INVALID_ARGUMENT', {
          name: 'before',
          expected: 'a job id',
          received: options.before,
        });
    }
    return this.ensureOpen().jobs.list(filter);
  }

  async getJob(id: string): Promise<JobRecord> {
    return this.jobOrThrow(id);
  }

  async jobLogs(
    id: string,
    options: { after?: number; limit?: number } = {},
  ): Promise<JobLogEntry[]> {
    const job = this.jobOrThrow(id);
    return this.meta.jobs.logs(BigInt(job.id), options.after ?? 0, options.limit ?? 1000);
  }

  /** Cancels a queued job, or stops a running one within the grace time. */
  async cancelJob(id: string): Promise<JobRecord> {
    const job = this.jobOrThrow(id);
    if (TERMINAL_STATES.has(job.state))
      raise('CONTROL_JOB_NOT_CANCELLABLE', { id, state: job.state });
    this.orchestrator.cancel(job);
    return this.jobOrThrow(id);
  }

  /** Queues a new job with the kind and parameters of a failed or cancelled one. */
  async rerunJob(id: string): Promise<JobRecord> {
    const job = this.jobOrThrow(id);
    if (job.state !== 'failed' && job.state !== 'cancelled') {
      raise('CONTROL_JOB_NOT_RERUNNABLE', { id, state: job.state });
    }
    return this.orchestrator.submit(job.kind, job.params, BigInt(job.id));
  }

  /**
   * Calls `listener` with the job's events until it ends, including changes made by other
   * processes sharing the workspace; returns a function that stops watching.
   */
  watchJob(id: string, listener: JobEventListener, options: JobWatchOptions = {}): () => void {
    const job = this.jobOrThrow(id);
    return watchJob(job, listener, {
      subscribe: (l) => this.orchestrator.subscribe(l),
      reload: () => (this.closed ? null : this.meta.jobs.find(BigInt(job.id))),
      logsAfter: (seq) => (this.closed ? [] : this.meta.jobs.logs(BigInt(job.id), seq)),
      ...options,
    });
  }

  /** Resolves with the job once it has ended. */
  async waitForJob(id: string, options: { timeoutMs?: number } = {}): Promise<JobRecord> {
    const job = this.jobOrThrow(id);
    if (TERMINAL_STATES.has(job.state)) return job;
    const timeoutMs = options.timeoutMs ?? 60_000;
    return new Promise<JobRecord>((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(prequelError('CONTROL_JOB_TIMEOUT', { id, timeoutMs }));
      }, timeoutMs);
      const stop = this.watchJob(id, (e: JobEvent) => {
        if (e.type !== 'state' || !TERMINAL_STATES.has(e.state)) return;
        clearTimeout(timer);
        try {
          resolve(this.jobOrThrow(id));
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  // Work the other components perform, scheduled as jobs.

  /** Builds the graph and column stores of a source's graph definition. */
  async materialise(
    source: string,
    graphVersion: number | 'latest' = 'latest',
  ): Promise<JobRecord> {
    const graph = await this.getGraph(source, graphVersion);
    this.requireKind('materialise', 'materialise', 'data engine');
    const job: MaterialiseJobParams = { source: this.meta.sources.get(source), graph };
    return this.orchestrator.submit('materialise', job);
  }

  /** Checks a predictive query against a source and describes the plan (task, labels, splits). */
  async explain(request: ExplainRequest): Promise<ExplainResponse> {
    const source = this.ensureOpen().sources.get(request.source);
    const graph = await this.getGraph(source.id, request.graphVersion ?? 'latest');
    const settings = checkTrainSettings(request.options);
    const connector = await openSource(source);
    try {
      const def = graph.definition;
      const plan = compilePlan(request.query, def, {
        dialect: connector.dialect,
        timeRange: (await readTimeRange(connector, def)) ?? undefined,
        split: splitOf(settings),
      });
      const examples = request.countExamples ? await countExamples(connector, plan) : null;
      const exampleWarnings = examples === null ? [] : splitSizeWarnings(examples, shapeOf(plan));
      return { plan: planToJson(plan), text: explainPlan(plan), examples, exampleWarnings };
    } finally {
      await connector.close();
    }
  }

  /** Queues training of a predictive query on a source; the job records the model. */
  async train(request: TrainRequest): Promise<JobRecord> {
    const source = this.ensureOpen().sources.get(request.source);
    this.requireKind('train', 'train', 'trainer');
    const graph = await this.getGraph(source.id, request.graphVersion ?? 'latest');
    const options = checkTrainSettings(request.options);
    // A query that cannot compile against the graph, or that asks for a task the trainer
    // cannot learn, is refused now, not by a failed job.
    checkTrainable(request.query, graph.definition);
    const query = this.meta.queries.create(BigInt(source.id), request.query);
    const job: TrainJobParams = {
      source,
      graph,
      queryId: query.id,
      query: request.query,
      options: options as Record<string, unknown>,
    };
    return this.orchestrator.submit('train', job);
  }

  /** Queues evaluation of a model on its test split. */
  async evaluate(request: { model: string }): Promise<JobRecord> {
    const model = this.modelOrThrow(request.model);
    this.requireKind('evaluate', 'evaluate', 'trainer');
    const job: EvaluateJobParams = { model, ...this.modelInputs(model) };
    return this.orchestrator.submit('evaluate', job);
  }

  /** Queues batch inference at an anchor time; the job records a prediction set. */
  async predict(request: PredictRequest): Promise<JobRecord> {
    const model = this.modelOrThrow(request.model);
    const anchorTime =
      request.anchorTime === undefined ? undefined : checkAnchorTime(request.anchorTime);
    this.requireKind('predict', 'predict', 'predictor');
    const inputs = this.modelInputs(model);
    if (request.table !== undefined && inputs.source.kind !== 'snowflake') {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: 'table',
        expected: 'absent: only Snowflake sources receive predictions as a warehouse table',
        received: `${request.table} for a ${inputs.source.kind} source`,
      });
    }
    const job: PredictJobParams = {
      model,
      ...inputs,
      ...(anchorTime === undefined ? {} : { anchorTime }),
      formats: request.formats ?? ['parquet'],
      ...(request.table === undefined ? {} : { table: request.table }),
    };
    if (request.ids !== undefined) {
      const { stream, format, maxBytes, limitSetting, name } = request.ids;
      job.ids = {
        format,
        ...(await this.artifacts.putStream(stream, { maxBytes, limitSetting })),
        ...(name === undefined ? {} : { name }),
      };
    }
    return this.orchestrator.submit('predict', job);
  }

  /**
   * Predicts for a few entity ids at an anchor time. The model is loaded on first use (with the
   * source's data as materialised then) and stays loaded until close().
   */
  async predictEntities(request: PredictEntitiesRequest): Promise<PredictEntitiesResponse> {
    const model = this.modelOrThrow(request.model);
    const given =
      request.anchorTime === undefined ? undefined : checkAnchorTime(request.anchorTime);
    if (
      !Array.isArray(request.ids) ||
      request.ids.length === 0 ||
      request.ids.length > MAX_SYNC_PREDICT_IDS
    ) {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: 'ids',
        expected: `1 to ${MAX_SYNC_PREDICT_IDS} entity ids`,
        received: request.ids?.length,
      });
    }
    const ids = request.ids.map(String);
    checkDistinctIds(ids, (i) => i + 1, 'positions', 'the request');
    const session = await this.session(model);
    const anchor =
      given === undefined ? session.defaultAnchor() : BigInt(Date.parse(given)) * 1000n;
    const anchorTime = new Date(Number(anchor / 1000n)).toISOString();
    const rows = await session.predict(ids, anchor);
    const { task } = session.meta;
    const predictions = rows.map((row) => entityPrediction(row, task));
    return {
      modelId: model.id,
      anchorTime,
      task,
      predictions,
      warnings: session.anchorWarnings(anchor),
    };
  }

  private session(model: ModelRecord): Promise<ModelSession> {
    let session = this.sessions.get(model.id);
    if (session === undefined) {
      session = ModelSession.open(
        { model, ...this.modelInputs(model), threads: 1 },
        { workspace: this.layout.root, artifacts: this.artifacts },
      ).then(({ session: s, connector }) => connector.close().then(() => s));
      // A failed load is not cached: the next call tries again.
      session.catch(() => this.sessions.delete(model.id));
      this.sessions.set(model.id, session);
    }
    return session;
  }

  /** The source and graph version a model was trained on. */
  private modelInputs(model: ModelRecord): { source: SourceRecord; graph: GraphVersion } {
    const meta = this.ensureOpen();
    const source = model.sourceId === null ? null : meta.sources.find(model.sourceId);
    const graph = model.graphId === null ? null : meta.graphs.findById(BigInt(model.graphId));
    if (source === null || graph === null) {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: 'model',
        expected: 'a model trained from a registered source and graph version',
        received: `model ${model.id} without them`,
      });
    }
    return { source, graph };
  }

  // Models and predictions.

  async listModels(options: { limit?: number } = {}): Promise<ModelRecord[]> {
    return this.ensureOpen().models.list(options.limit);
  }

  async getModel(id: string): Promise<ModelRecord> {
    return this.modelOrThrow(id);
  }

  /**
   * Where a model's file and HTML report lie in the workspace (both must exist). The report is
   * given as <workspace>/reports/model-<id>.html, a hard link to its artifact, so a browser
   * opens it as a web page.
   */
  async modelFiles(id: string): Promise<ModelFiles> {
    const model = this.modelOrThrow(id);
    const report = (model.metrics as { report?: { hash?: unknown } }).report;
    let reportPath: string | null = null;
    if (typeof report?.hash === 'string') {
      const artifact = this.artifacts.resolveSync(report.hash);
      const dir = join(this.layout.root, 'reports');
      reportPath = join(dir, `model-${model.id}.html`);
      if (!existsSync(reportPath)) {
        mkdirSync(dir, { recursive: true });
        try {
          linkSync(artifact, reportPath);
        } catch {
          // A file system without hard links: the artifact path itself still works.
          reportPath = artifact;
        }
      }
    }
    return { model: this.artifacts.resolveSync(model.checkpoint.hash), report: reportPath };
  }

  async listPredictionSets(
    options: { model?: string; limit?: number } = {},
  ): Promise<PredictionSetRecord[]> {
    const model =
      options.model === undefined ? undefined : BigInt(this.modelOrThrow(options.model).id);
    return this.ensureOpen().predictionSets.list(model, options.limit);
  }

  async getPredictionSet(id: string): Promise<PredictionSetRecord> {
    const key = parseId(id);
    const set = key === null ? null : this.ensureOpen().predictionSets.find(key);
    return set ?? raise('CONTROL_PREDICTION_SET_NOT_FOUND', { id });
  }

  /** The complete file of a prediction set in `format`, for download. */
  async predictionFile(id: string, format: PredictionFormat): Promise<PredictionFileInfo> {
    const set = await this.getPredictionSet(id);
    const file = set.files.find((f) => f.format === format);
    if (file === undefined) {
      raise('CONTROL_PREDICTION_FORMAT_MISSING', {
        id,
        format,
        available: set.files.map((f) => f.format),
      });
    }
    return {
      format,
      path: this.artifacts.resolveSync(file.hash),
      hash: file.hash,
      bytes: file.bytes,
    };
  }

  // API tokens (created from the CLI; the REST API only verifies them).

  async createToken(name: string): Promise<{ token: string; record: TokenRecord }> {
    return this.ensureOpen().tokens.create(name);
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.ensureOpen().tokens.list();
  }

  async revokeToken(idOrName: string): Promise<TokenRecord> {
    return this.ensureOpen().tokens.revoke(idOrName);
  }

  /** The token's record if `token` is valid, else null (synchronous: used per request). */
  verifyTokenSync(token: string): TokenRecord | null {
    return this.ensureOpen().tokens.verify(token);
  }

  /** Stops this instance's workers (their jobs are marked failed) and closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const session of this.sessions.values()) {
      await session.then((s) => s.close()).catch(() => undefined);
    }
    this.sessions.clear();
    await this.orchestrator.close();
    this.closed = true;
    this.meta.close();
  }

  /** Direct access to the metadata repositories, for job `complete` hooks and tests. */
  get metadata(): MetadataStore {
    return this.ensureOpen();
  }

  private ensureOpen(): MetadataStore {
    if (this.closed) raise('CONTROL_CLOSED', { workspace: this.layout.root });
    return this.meta;
  }

  private jobOrThrow(id: string): JobRecord {
    const key = parseId(id);
    const job = key === null ? null : this.ensureOpen().jobs.find(key);
    return job ?? raise('CONTROL_JOB_NOT_FOUND', { id });
  }

  private modelOrThrow(id: string): ModelRecord {
    const key = parseId(id);
    const model = key === null ? null : this.ensureOpen().models.find(key);
    if (model !== null) return model;
    const recent = this.ensureOpen()
      .models.list(5)
      .map((m) => m.id);
    raise('CONTROL_MODEL_NOT_FOUND', { id, recent, hint: modelIdHint(id, recent) });
  }

  private requireKind(kind: string, operation: string, component: string): void {
    if (!this.registry.has(kind)) raise('CONTROL_NOT_AVAILABLE', { operation, component });
  }
}

/** What CONTROL_MODEL_NOT_FOUND adds: ids are integers, and the most recent ones. */
function modelIdHint(id: string, recent: string[]): string {
  const integers = /^[0-9]+$/.test(id) ? '' : 'model ids are integers; ';
  if (recent.length === 0) {
    return `${integers}the workspace has no model yet: \`prequel train\` or POST /train makes one`;
  }
  return (
    `${integers}the most recent are ${recent.join(', ')} ` +
    '(`prequel models` or GET /models lists them)'
  );
}

function checkAnchorTime(value: string): string {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!/^\d{4}-\d{2}-\d{2}/.test(String(value)) || Number.isNaN(ms)) {
    raise('CONTROL_INVALID_ARGUMENT', {
      name: 'anchorTime',
      expected: 'an ISO 8601 date or instant',
      received: value,
    });
  }
  return new Date(ms).toISOString();
}
