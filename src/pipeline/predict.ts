// SPDX-License-Identifier: Apache-2.0
// Batch inference with a trained model: for one anchor time, every entity the query's entity
// filter admits at that time (or the entities named in an uploaded id file), predicted from the
// graph as it was at the anchor (nothing later is sampled), written as CSV, Parquet, Arrow IPC
// and JSON with the entity key and the anchor time on every row. Integer keys stay integers in
// Parquet, Arrow and warehouse tables; JSON keeps every key a string, so 64-bit ids stay exact. A
// ModelSession keeps one model loaded for synchronous predictions of a few given ids.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import type { GraphVersion } from '../control/metadata/graphs.js';
import type { ModelRecord, PredictionFile, PredictionFormat } from '../control/metadata/models.js';
import type { SourceRecord } from '../control/metadata/sources.js';
import { compilePlan, readTimeRange, type QueryPlan } from '../control/pql/index.js';
import type { Connector } from '../data/connector.js';
import type { GraphDef } from '../data/graph-def.js';
import { openDuckDb } from '../data/duckdb.js';
import { SnowflakeConnector, type WriteColumn } from '../data/snowflake/connector.js';
import { checkUtf8Text } from '../data/csv-text.js';
import { quoteLiteral } from '../data/sql.js';
import type { LoadedStage } from '../data/load-store.js';
import type { Stage } from '../data/stage.js';
import { raise } from '../errors/index.js';
import type { Backend } from '../gnn/backend.js';
import { loadCheckpoint } from '../train/checkpoint.js';
import { entityIndex, keyAt } from '../train/labels.js';
import { loadModel } from '../train/model-file.js';
import type { TaskKind, TrainedModel } from '../train/trainer.js';
import type { ArtifactRef } from '../workspace/artifacts.js';
import {
  checkCancelled,
  prepareData,
  stageVocabularies,
  startBackend,
  type ModelFileMeta,
  type PipelineContext,
} from './train.js';
import { openSource } from './source.js';
import { plural } from '../text/plural.js';
import {
  anchorWarnings,
  emptyPredictionWarning,
  firstTrainingAnchor,
  type AnchorBounds,
} from './anchor-checks.js';

export interface PredictInput {
  model: ModelRecord;
  source: SourceRecord;
  /** The graph definition version the model was trained on. */
  graph: GraphVersion;
  /** Normalised ISO 8601 instant; default the latest timestamp of the target's tables. */
  anchorTime?: string;
  formats: PredictionFormat[];
  /** Uploaded entity ids; `name` says where they came from (a file, a request), for messages. */
  ids?: ArtifactRef & { format: 'csv' | 'arrow'; name?: string };
  /** Snowflake sources: the warehouse table the predictions replace (see warehouseTableName). */
  table?: string;
}

export interface PredictOutput {
  anchorTime: string;
  rowCount: number;
  files: PredictionFile[];
  /** What the user should know about the anchor or an empty result (see anchor-checks.ts). */
  warnings: string[];
  /** Snowflake sources: the table holding the predictions in the warehouse. */
  table?: { name: string; rows: number };
}

/** The default warehouse table of a model's predictions. */
export function warehouseTableName(modelId: string): string {
  return `PREQUEL_PREDICTIONS_${modelId}`;
}

/** One entity's prediction as the model gives it: its key, and the model's output. */
export interface PredictionRow {
  id: string;
  /**
   * Binary: the probability that the query's target condition holds for the entity (the
   * `probability` column of the files); regression: the predicted value; multiclass: the
   * probability of `label`; ranking and multilabel: the score of the first of `ranked`.
   */
  score: number;
  /** Multiclass: the most probable class. */
  label?: string;
  /** Ranking (rows of the ranked table, by key) and multilabel (labels): the top k, best first. */
  ranked?: { item: string; score: number }[];
}

/**
 * One entity's prediction as the library and the REST API answer it, named as the columns of
 * the batch files (see predictionTable), so a value reads the same in both. Values agree with
 * the files' to about 1e-7, not always to the last digit: the network computes in float32, and
 * the BLAS kernels sum in an order that depends on how many entities share a batch.
 */
export interface EntityPrediction {
  id: string;
  /**
   * Binary: the probability (0 to 1) that the query's target condition is true for the entity
   * in its label window after the anchor time. Multiclass: the probability of `class`.
   */
  probability?: number;
  /** Regression: the predicted value of the target. */
  prediction?: number;
  /** Multiclass: the most probable class. */
  class?: string;
  /**
   * Ranking (keys of the ranked table) and multilabel (labels): the top k with their scores
   * (higher ranks first), as the `rank`, item and `score` columns of the files.
   */
  ranked?: { item: string; score: number }[];
}

/** A prediction row named as the batch files name its columns (see EntityPrediction). */
export function entityPrediction(row: PredictionRow, task: TaskKind): EntityPrediction {
  switch (task) {
    case 'binary':
      return { id: row.id, probability: row.score };
    case 'regression':
      return { id: row.id, prediction: row.score };
    case 'multiclass':
      return { id: row.id, class: row.label!, probability: row.score };
    default:
      return { id: row.id, ranked: row.ranked ?? [] };
  }
}

/** A model bound to a loaded graph: predicts for entity keys at anchor times. */
export class ModelSession {
  private constructor(
    readonly meta: ModelFileMeta,
    readonly model: TrainedModel,
    private readonly index: Map<string, number>,
    private readonly loaded: LoadedStage,
    private readonly backend: Backend,
    /** Ranking: the key of each row of the ranked table. */
    private readonly itemKeys: string[] | null,
    /** The latest timestamp of the target's tables when the session opened. */
    private readonly latest: bigint | null,
    /** What an anchor is checked against (the data's end when the session opened). */
    readonly bounds: AnchorBounds,
  ) {}

  /** Loads the model file onto the source's current data (materialised, or reused). */
  static async open(
    input: { model: ModelRecord; source: SourceRecord; graph: GraphVersion; threads?: number },
    ctx: PipelineContext,
  ): Promise<{ session: ModelSession; connector: Connector; stage: Stage }> {
    const connector = await openSource(input.source);
    let loaded: LoadedStage | null = null;
    let backend: Backend | null = null;
    try {
      const prepared = await prepareData(connector, input.graph, ctx, input.threads ?? 2);
      loaded = prepared.loaded;
      const path = ctx.artifacts.resolveSync(input.model.checkpoint.hash);
      const { meta } = loadCheckpoint(path, { graphHash: input.graph.contentHash });
      const fileMeta = meta.plan as ModelFileMeta;
      backend = await startBackend(fileMeta.settings);
      const model = loadModel(path, loaded.graph, loaded.columns, backend, {
        extra: prepared.extra,
        graphHash: input.graph.contentHash,
      });
      remapCategories(model, fileMeta, prepared.stage);
      const index = await entityIndex(prepared.stage, fileMeta.entity.table);
      let itemKeys: string[] | null = null;
      if (fileMeta.ranked !== undefined) {
        const items = await entityIndex(prepared.stage, fileMeta.ranked.table);
        itemKeys = new Array<string>(loaded.graph.nodeType(fileMeta.ranked.table).count);
        for (const [key, node] of items) itemKeys[node] = key;
      }
      const def = input.graph.definition;
      const timeRange = (await readTimeRange(connector, def)) ?? undefined;
      const latest = compilePlan(fileMeta.query, def, {
        dialect: connector.dialect,
        timeRange,
        allowPartialWindow: true,
      }).prediction.anchor;
      const bounds = {
        firstTrainingAnchor: firstTrainingAnchor(fileMeta.plan),
        dataEnd: timeRange?.end ?? null,
      };
      const session = new ModelSession(
        fileMeta,
        model,
        index,
        loaded,
        backend,
        itemKeys,
        latest,
        bounds,
      );
      // Training may hide rows after a data cutoff (the evaluation protocol); a prediction at an
      // anchor sees everything up to that anchor, which the sampler enforces per seed.
      session.setVisibleUntil(undefined);
      return { session, connector, stage: prepared.stage };
    } catch (err) {
      loaded?.graph.close();
      loaded?.columns.close();
      await backend?.close();
      await connector.close();
      throw err;
    }
  }

  /** The default anchor of a prediction: the latest timestamp of the target's tables. */
  defaultAnchor(): bigint {
    if (this.latest === null) {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: 'anchorTime',
        expected: "an ISO 8601 instant (this model's query reads no timestamps to default to)",
        received: 'nothing',
      });
    }
    return this.latest;
  }

  /** The warnings for predicting at `anchor` (see anchor-checks.ts). */
  anchorWarnings(anchor: bigint): string[] {
    return anchorWarnings(anchor, this.bounds);
  }

  /** Hides rows later than `t` from every prediction (undefined: only the anchor limits). */
  setVisibleUntil(t: bigint | undefined): void {
    (this.model as { visibleUntil?: bigint }).visibleUntil = t;
  }

  /** Drops a first CSV line that is a column name rather than a key of the entity table. */
  withoutHeader(ids: string[]): string[] {
    return ids.length > 0 && !this.index.has(ids[0]!) ? ids.slice(1) : ids;
  }

  /** Predicts for entity keys at one anchor time (microseconds since the epoch, UTC). */
  async predict(ids: readonly string[], anchor: bigint): Promise<PredictionRow[]> {
    const unknown = ids.filter((id) => !this.index.has(id));
    if (unknown.length > 0) {
      raise('CONTROL_UNKNOWN_ENTITIES', {
        count: unknown.length,
        table: this.meta.entity.table,
        examples: unknown.slice(0, 5).join(', '),
      });
    }
    const entities = Int32Array.from(ids, (id) => this.index.get(id)!);
    // An entity created after the anchor did not exist then: nothing to predict (batch
    // predictions leave it out the same way).
    const created = this.model.graph.nodeTime(this.meta.entity.table);
    if (created !== null) {
      const later = ids.filter((_, i) => created[entities[i]!]! > anchor);
      if (later.length > 0) {
        raise('CONTROL_ENTITIES_AFTER_ANCHOR', {
          count: later.length,
          table: this.meta.entity.table,
          anchorTime: new Date(Number(anchor / 1000n)).toISOString(),
          examples: later.slice(0, 5).join(', '),
        });
      }
    }
    const times = new BigInt64Array(ids.length).fill(anchor);
    const set = { entities, times };
    const task = this.meta.task;
    if (task === 'binary' || task === 'regression') {
      const scores = await this.model.predict(set);
      return ids.map((id, i) => ({ id, score: scores[i]! }));
    }
    const classes = this.meta.classes ?? [];
    if (task === 'multiclass') {
      const top = await this.model.predictTop(set, 1);
      return ids.map((id, i) => ({
        id,
        score: top.scores[i]!,
        label: classes[top.items[i]!] ?? String(top.items[i]),
      }));
    }
    const k = this.meta.k ?? 10;
    const top = await this.model.predictTop(set, k);
    const name = (item: number) =>
      task === 'ranking' ? this.itemKeys![item]! : (classes[item] ?? String(item));
    return ids.map((id, i) => {
      const ranked: { item: string; score: number }[] = [];
      for (let j = 0; j < k; j++) {
        const item = top.items[i * k + j]!;
        if (item >= 0) ranked.push({ item: name(item), score: top.scores[i * k + j]! });
      }
      return { id, score: ranked[0]?.score ?? 0, ranked };
    });
  }

  async close(): Promise<void> {
    this.model.dispose();
    this.loaded.graph.close();
    this.loaded.columns.close();
    // WebGPU finishes queued work before its device goes; the CPU backend returns at once.
    await this.backend.close();
  }
}

/**
 * Categorical codes are positions in the stage's vocabulary, which can differ between the stage
 * a model was trained on and today's (new values, another row order). The model's bucket tables
 * are re-indexed by value, so a value keeps its bucket and a new one falls into the shared one.
 */
function remapCategories(model: TrainedModel, meta: ModelFileMeta, stage: Stage): void {
  if (stage.manifest.hash === meta.stage.hash) return;
  const now = stageVocabularies(stage);
  for (const table of model.encoders.tables.values()) {
    for (const c of table.categorical) {
      const before = meta.stage.vocabularies[table.nodeType]?.[c.column];
      const after = now[table.nodeType]?.[c.column];
      if (before === undefined || after === undefined) continue;
      const oldCode = new Map(before.map((v, i) => [v, i]));
      const old = c.stats.bucketOf;
      c.stats.bucketOf = Int32Array.from(after, (value) => {
        const code = oldCode.get(value);
        return code === undefined || code >= old.length ? 0 : old[code]!;
      });
    }
  }
}

/** Runs batch inference; see the file comment. */
export async function runPrediction(
  input: PredictInput,
  ctx: PipelineContext,
): Promise<PredictOutput> {
  const { session, connector } = await ModelSession.open(input, ctx);
  try {
    checkCancelled(ctx);
    ctx.progress?.(0.3, 'selecting entities');
    const def = input.graph.definition;
    const timeRange = (await readTimeRange(connector, def)) ?? undefined;
    const plan = (predictionAnchor?: bigint) =>
      compilePlan(session.meta.query, def, {
        dialect: connector.dialect,
        timeRange,
        predictionAnchor,
        allowPartialWindow: true,
      });
    const anchor =
      input.anchorTime === undefined
        ? (plan().prediction.anchor ?? BigInt(Date.now()) * 1000n)
        : BigInt(Date.parse(input.anchorTime)) * 1000n;
    const anchorTime = new Date(Number(anchor / 1000n)).toISOString();
    const ids =
      input.ids === undefined
        ? await eligibleEntities(connector, plan(anchor))
        : session.withoutHeader(
            await readIds(
              ctx.artifacts.resolveSync(input.ids.hash),
              input.ids.format,
              input.ids.name ?? 'the uploaded ids',
            ),
          );
    const warnings = session.anchorWarnings(anchor);
    if (ids.length === 0) {
      const entity = { table: session.meta.entity.table, filter: plan(anchor).entity.filter };
      warnings.push(emptyPredictionWarning(anchor, entity, session.bounds));
    }
    for (const warning of warnings) ctx.log?.('warn', warning);
    ctx.progress?.(0.4, `predicting ${plural(ids.length, 'entity', 'entities')}`);
    const rows: PredictionRow[] = [];
    const batch = 4096;
    for (let start = 0; start < ids.length; start += batch) {
      checkCancelled(ctx);
      rows.push(...(await session.predict(ids.slice(start, start + batch), anchor)));
      const done = Math.min(ids.length, start + batch) / Math.max(1, ids.length);
      ctx.progress?.(0.4 + 0.5 * done, 'predicting');
    }
    ctx.progress?.(0.92, 'writing predictions');
    const keys = outputKeyTypes(def, session.meta, rows);
    const files: PredictionFile[] = [];
    for (const format of input.formats) {
      const ref = await ctx.artifacts.putFile((tmp) =>
        writePredictions(tmp, format, rows, session.meta, anchorTime, keys),
      );
      files.push({ format, ...ref });
    }
    // Rows of the files: one per entity, or one per entity and rank for top-k answers.
    const table = predictionTable(rows, session.meta, anchorTime, keys);
    const rowCount = table.columns[0]!.length;
    const out: PredictOutput = { anchorTime, rowCount, files, warnings };
    if (connector instanceof SnowflakeConnector) {
      const name = input.table ?? warehouseTableName(input.model.id);
      ctx.progress?.(0.96, `writing table ${name}`);
      const written = await connector.writeTable(name, writeColumns(table, anchorTime), {
        mode: 'replace',
      });
      out.table = { name, rows: written.rows };
    }
    return out;
  } finally {
    await session.close();
    await connector.close();
  }
}

/** Entities the query's entity filter admits at the anchor (the plan's prediction SQL). */
async function eligibleEntities(connector: Connector, plan: QueryPlan): Promise<string[]> {
  const result = await connector.queryAll(plan.prediction.sql.sql, plan.prediction.sql.params);
  const column = result.columns.find((c) => c.name.toLowerCase() === 'entity_id');
  if (column === undefined) throw new Error('the prediction SQL returned no entity_id column');
  const ids: string[] = [];
  for (let i = 0; i < result.rows; i++) {
    const key = keyAt(column, i);
    if (key !== null) ids.push(key);
  }
  return ids;
}

/** What an uploaded CSV file of entity ids should be. */
const IDS_EXPECTED = 'expected a CSV file of entity ids: one id a line, a header line optional';

/**
 * Entity ids from an uploaded file: a CSV with one column (header optional) or Arrow IPC. The
 * file must be text (CSV) and name each id once; `name` says where it came from, for messages.
 */
export async function readIds(
  path: string,
  format: 'csv' | 'arrow',
  name = path,
): Promise<string[]> {
  const invalid = (expected: string, received: string): never =>
    raise('CONTROL_INVALID_ARGUMENT', { name: 'ids', expected, received });
  const bytes = await readFile(path);
  if (bytes.length === 0) invalid('at least one entity key', `an empty file (0 bytes) in ${name}`);
  let ids: string[];
  /** Where the i-th id is, as a user finds it: its line of the CSV, or its Arrow row. */
  let place: (i: number) => number;
  if (format === 'arrow') {
    let table: ReturnType<typeof tableFromIPC>;
    try {
      table = tableFromIPC(bytes);
    } catch (err) {
      return invalid('an Arrow IPC stream or file', `unreadable bytes (${(err as Error).message})`);
    }
    const column = table.getChildAt(0);
    if (column === null || table.numCols !== 1) {
      return invalid('an Arrow stream with one column', `${table.numCols} columns`);
    }
    ids = Array.from({ length: column.length }, (_, i) => String(column.get(i)));
    place = (i) => i + 1;
  } else {
    checkUtf8Text(name, bytes, IDS_EXPECTED);
    const lines = bytes
      .toString('utf8')
      .split(/\r?\n/)
      .map((l) => l.trim());
    ids = [];
    const lineOf: number[] = [];
    for (const [n, line] of lines.entries()) {
      if (line === '') continue;
      const unquoted = line.replace(/^"(.*)"$/, '$1');
      if (unquoted === line && /[,;\t]/.test(line)) {
        invalid('a CSV file with one column of entity keys', `line ${n + 1}: ${line.slice(0, 60)}`);
      }
      ids.push(unquoted);
      lineOf.push(n + 1);
    }
    place = (i) => lineOf[i]!;
  }
  if (ids.length === 0) invalid('at least one entity key', `no id in ${name}`);
  checkDistinctIds(ids, place, format === 'arrow' ? 'rows' : 'lines', name);
  return ids;
}

/**
 * Raises CONTROL_DUPLICATE_IDS for the first id given twice, naming where it occurs (`place` of
 * an index, counted in `unit`s of `source`).
 */
export function checkDistinctIds(
  ids: readonly string[],
  place: (i: number) => number,
  unit: 'lines' | 'rows' | 'positions',
  source: string,
): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (!seen.has(id)) {
      seen.add(id);
      continue;
    }
    const at = ids.flatMap((other, j) => (other === id ? [place(j)] : []));
    const shown = at.slice(0, 3).join(', ') + (at.length > 3 ? ', ...' : '');
    raise('CONTROL_DUPLICATE_IDS', { id, count: at.length, source, where: `${unit} ${shown}` });
  }
}

/** The type of a key column in prediction files: an integer key keeps its type. */
export type KeyType = 'VARCHAR' | 'INTEGER' | 'BIGINT';

/** The key types of a prediction file: the entity's, and the ranked table's (ranking). */
export interface OutputKeys {
  entity?: KeyType;
  item?: KeyType;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The file type of `table.key` given its source column: INTEGER for small integer types, BIGINT
 * for the others while every value fits 64 bits (a HUGEINT or UBIGINT beyond it: VARCHAR), and
 * VARCHAR for everything else.
 */
export function keyType(
  graph: GraphDef,
  table: string,
  key: string,
  values: Iterable<string>,
): KeyType {
  const physical = graph.tables
    .find((t) => t.name === table)
    ?.columns.find((c) => c.name === key)?.physical;
  if (physical === 'int') return 'INTEGER';
  if (physical !== 'bigint') return 'VARCHAR';
  for (const v of values) {
    if (!/^-?[0-9]+$/.test(v)) return 'VARCHAR';
    const n = BigInt(v);
    if (n < INT64_MIN || n > INT64_MAX) return 'VARCHAR';
  }
  return 'BIGINT';
}

/** The key types of a model's prediction rows (see keyType). */
export function outputKeyTypes(
  graph: GraphDef,
  meta: ModelFileMeta,
  rows: PredictionRow[],
): OutputKeys {
  const keys: OutputKeys = {
    entity: keyType(
      graph,
      meta.entity.table,
      meta.entity.key,
      rows.map((r) => r.id),
    ),
  };
  if (meta.task === 'ranking' && meta.ranked !== undefined) {
    const items = rows.flatMap((r) => (r.ranked ?? []).map((x) => x.item));
    keys.item = keyType(graph, meta.ranked.table, meta.ranked.key, items);
  }
  return keys;
}

/** A prediction file's columns: names, DuckDB types and values (strings or numbers). */
interface OutputTable {
  names: string[];
  types: ('VARCHAR' | 'TIMESTAMP' | 'DOUBLE' | 'INTEGER' | 'BIGINT')[];
  columns: (string | number)[][];
}

/**
 * The rows of a prediction file. One row per entity (binary: probability; regression:
 * prediction; multiclass: class and probability), or one row per entity and rank for top-k
 * answers (ranking: the ranked table's key; multilabel: the label), always with the entity key
 * and the anchor time. Keys are VARCHAR unless `keys` says otherwise.
 */
export function predictionTable(
  rows: PredictionRow[],
  meta: ModelFileMeta,
  anchorTime: string,
  keys: OutputKeys = {},
): OutputTable {
  const key = meta.entity.key;
  const entityType = keys.entity ?? 'VARCHAR';
  const anchor = anchorTime.replace('T', ' ').replace('Z', '');
  if (meta.task === 'binary' || meta.task === 'regression') {
    return {
      names: [key, 'anchor_time', meta.task === 'binary' ? 'probability' : 'prediction'],
      types: [entityType, 'TIMESTAMP', 'DOUBLE'],
      columns: [rows.map((r) => r.id), rows.map(() => anchor), rows.map((r) => r.score)],
    };
  }
  if (meta.task === 'multiclass') {
    return {
      names: [key, 'anchor_time', 'class', 'probability'],
      types: [entityType, 'TIMESTAMP', 'VARCHAR', 'DOUBLE'],
      columns: [
        rows.map((r) => r.id),
        rows.map(() => anchor),
        rows.map((r) => r.label!),
        rows.map((r) => r.score),
      ],
    };
  }
  let item = meta.task === 'ranking' ? (meta.ranked?.key ?? 'item') : 'label';
  if (item === key || item === 'anchor_time' || item === 'rank' || item === 'score') {
    item = `${meta.ranked?.table ?? 'item'}_${item}`;
  }
  const out: (string | number)[][] = [[], [], [], [], []];
  for (const r of rows) {
    (r.ranked ?? []).forEach((x, j) => {
      out[0]!.push(r.id);
      out[1]!.push(anchor);
      out[2]!.push(j + 1);
      out[3]!.push(x.item);
      out[4]!.push(x.score);
    });
  }
  return {
    names: [key, 'anchor_time', 'rank', item, 'score'],
    types: [entityType, 'TIMESTAMP', 'INTEGER', keys.item ?? 'VARCHAR', 'DOUBLE'],
    columns: out,
  };
}

/** Writes prediction rows in one format. */
export async function writePredictions(
  path: string,
  format: PredictionFormat,
  rows: PredictionRow[],
  meta: ModelFileMeta,
  anchorTime: string,
  keys: OutputKeys = {},
): Promise<void> {
  const table = predictionTable(rows, meta, anchorTime, keys);
  const length = table.columns[0]!.length;
  const isoAnchor = (i: number, c: number) =>
    table.types[c] === 'TIMESTAMP' ? anchorTime : table.columns[c]![i]!;
  if (format === 'json') {
    const out = Array.from({ length }, (_, i) =>
      Object.fromEntries(table.names.map((n, c) => [n, isoAnchor(i, c)])),
    );
    await writeFile(path, JSON.stringify(out));
    return;
  }
  if (format === 'arrow') {
    const arrays = Object.fromEntries(
      table.names.map((n, c) => {
        const values = table.columns[c]!;
        if (table.types[c] === 'DOUBLE') return [n, Float64Array.from(values as number[])];
        if (table.types[c] === 'INTEGER') return [n, Int32Array.from(values, Number)];
        if (table.types[c] === 'BIGINT') return [n, BigInt64Array.from(values, (v) => BigInt(v))];
        if (table.types[c] === 'TIMESTAMP') return [n, values.map(() => anchorTime)];
        return [n, values as string[]];
      }),
    );
    await writeFile(path, tableToIPC(tableFromArrays(arrays), 'file'));
    return;
  }
  const lines = [table.names.map(csvField).join(',')];
  for (let i = 0; i < length; i++) {
    lines.push(table.columns.map((c) => csvField(String(c[i]))).join(','));
  }
  const csv = `${lines.join('\n')}\n`;
  if (format === 'csv') {
    await writeFile(path, csv);
    return;
  }
  // Parquet through DuckDB: the CSV beside it, read with explicit types, copied to Parquet.
  const tmpCsv = `${path}.csv`;
  await writeFile(tmpCsv, csv);
  const db = await openDuckDb(':memory:');
  try {
    const columns = table.names.map((n, c) => `${quoteLiteral(n)}: '${table.types[c]}'`);
    await db.queryAll(
      `COPY (SELECT * FROM read_csv(${quoteLiteral(tmpCsv)}, header = true, ` +
        `columns = {${columns.join(', ')}})) TO ${quoteLiteral(path)} (FORMAT parquet)`,
    );
  } finally {
    await db.close();
    await rm(tmpCsv, { force: true });
  }
}

/** A prediction table as warehouse columns (times as UTC microseconds). */
function writeColumns(table: OutputTable, anchorTime: string): WriteColumn[] {
  const anchor = BigInt(Date.parse(anchorTime)) * 1000n;
  return table.names.map((name, c): WriteColumn => {
    const values = table.columns[c]!;
    switch (table.types[c]) {
      case 'TIMESTAMP':
        return { name, type: 'timestamp', values: new BigInt64Array(values.length).fill(anchor) };
      case 'DOUBLE':
        return { name, type: 'float', values: Float64Array.from(values as number[]) };
      case 'INTEGER':
        return { name, type: 'int', values: Int32Array.from(values, Number) };
      case 'BIGINT':
        return { name, type: 'bigint', values: BigInt64Array.from(values, (v) => BigInt(v)) };
      default:
        return { name, type: 'string', values: values as string[] };
    }
  });
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
