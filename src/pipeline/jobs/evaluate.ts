// SPDX-License-Identifier: Apache-2.0
// The `evaluate` job: evaluates a stored model on its query's test split with today's data.
import type { JobContext } from '../../control/jobs/handler.js';
import type { EvaluateJobParams } from '../../control/jobs/params.js';
import { runEvaluation, type EvaluationOutput } from '../evaluate.js';

export async function run(ctx: JobContext<EvaluateJobParams>): Promise<EvaluationOutput> {
  return runEvaluation(ctx.params, ctx);
}
