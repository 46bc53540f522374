// SPDX-License-Identifier: Apache-2.0
// The `predict` job: batch inference; the main thread records the prediction set (see kinds.ts).
import type { JobContext } from '../../control/jobs/handler.js';
import type { PredictJobParams } from '../../control/jobs/params.js';
import { runPrediction, type PredictOutput } from '../predict.js';

export async function run(ctx: JobContext<PredictJobParams>): Promise<PredictOutput> {
  return runPrediction(ctx.params, ctx);
}
