// SPDX-License-Identifier: Apache-2.0
// Evaluation of a stored model on its query's validation and test splits with the source's
// current data, next to the baselines: the same numbers as at training when the data did not
// change, and a check of how the model holds up when it did.
import type { GraphVersion } from '../control/metadata/graphs.js';
import type { ModelRecord } from '../control/metadata/models.js';
import type { SourceRecord } from '../control/metadata/sources.js';
import { compilePlan, readTimeRange } from '../control/pql/index.js';
import { evaluate, horizonMicros } from '../train/evaluate.js';
import { ModelSession } from './predict.js';
import { splitOf } from './settings.js';
import {
  evaluationJson,
  labelSets,
  topK,
  type EvaluationJson,
  type PipelineContext,
} from './train.js';

export interface EvaluationOutput {
  modelId: string;
  stage: string;
  splits: { train: number; validation: number; test: number };
  validation: EvaluationJson;
  test: EvaluationJson;
}

export async function runEvaluation(
  input: { model: ModelRecord; source: SourceRecord; graph: GraphVersion },
  ctx: PipelineContext,
): Promise<EvaluationOutput> {
  const { session, connector, stage } = await ModelSession.open(input, ctx);
  try {
    const { meta } = session;
    const def = input.graph.definition;
    const plan = compilePlan(meta.query, def, {
      dialect: connector.dialect,
      timeRange: (await readTimeRange(connector, def)) ?? undefined,
      split: splitOf(meta.settings),
    });
    ctx.progress?.(0.4, 'computing labels');
    const sets = await labelSets(connector, stage, plan, meta.task, meta.classes);
    // Evaluation follows the training protocol: rows after its data cutoff stay invisible.
    const s = plan.splits!;
    session.setVisibleUntil(s.kind === 'explicit' ? s.cutoff : undefined);
    ctx.progress?.(0.6, 'evaluating');
    const windowMicros = horizonMicros(plan.target.horizon) ?? undefined;
    const model = session.model;
    const k = topK(plan);
    const validation = await evaluate(model, sets.validation, [sets.train], { windowMicros, k });
    const test = await evaluate(model, sets.test, [sets.train, sets.validation], {
      windowMicros,
      k,
    });
    ctx.progress?.(1, 'done');
    return {
      modelId: input.model.id,
      stage: stage.manifest.hash,
      splits: {
        train: sets.train.labels.length,
        validation: sets.validation.labels.length,
        test: sets.test.labels.length,
      },
      validation: evaluationJson(validation),
      test: evaluationJson(test),
    };
  } finally {
    await session.close();
    await connector.close();
  }
}
