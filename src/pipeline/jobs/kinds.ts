// SPDX-License-Identifier: Apache-2.0
// The built-in job kinds: where each handler module lives and what the main thread records when
// one succeeds (inside the transaction that marks the job succeeded).
import type { JobKindDef } from '../../control/jobs/registry.js';
import type { ModelMetrics, TrainOutput } from '../train.js';
import type { PredictOutput } from '../predict.js';
import type { PredictJobParams, TrainJobParams } from '../../control/jobs/params.js';

// From TypeScript sources (tests, tsx) the handlers are .ts files; from the package, .js.
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const moduleOf = (name: string) => new URL(`./${name}${ext}`, import.meta.url);

/** The metrics a model record keeps: the run's metrics plus its report artifact. */
export type StoredModelMetrics = ModelMetrics & { report: { hash: string; path: string } };

export const PIPELINE_JOB_KINDS: readonly JobKindDef[] = [
  { kind: 'materialise', module: moduleOf('materialise') },
  {
    kind: 'train',
    module: moduleOf('train'),
    complete: ({ job, result, metadata }) => {
      const out = result as TrainOutput;
      const params = job.params as TrainJobParams;
      const entity = (out.plan.entity as { table: string }).table;
      const model = metadata.models.create({
        name: `${params.source.name}.${entity}.${out.metrics.task}.q${params.queryId}`,
        sourceId: BigInt(params.source.id),
        queryId: BigInt(params.queryId),
        graphId: BigInt(params.graph.id),
        jobId: BigInt(job.id),
        plan: out.plan,
        metrics: { ...out.metrics, report: { hash: out.report.hash, path: out.report.path } },
        checkpoint: { path: out.checkpoint.path, hash: out.checkpoint.hash },
      });
      return {
        modelId: model.id,
        metrics: { task: out.metrics.task, test: out.metrics.test.model },
        report: out.report.path,
      };
    },
  },
  { kind: 'evaluate', module: moduleOf('evaluate') },
  {
    kind: 'predict',
    module: moduleOf('predict'),
    complete: ({ job, result, metadata }) => {
      const out = result as PredictOutput;
      const params = job.params as PredictJobParams;
      const set = metadata.predictionSets.create({
        modelId: BigInt(params.model.id),
        jobId: BigInt(job.id),
        anchorTime: out.anchorTime,
        rowCount: out.rowCount,
        files: out.files,
      });
      return {
        predictionSetId: set.id,
        rowCount: out.rowCount,
        files: out.files,
        ...(out.table === undefined ? {} : { table: out.table }),
        warnings: out.warnings,
      };
    },
  },
];
