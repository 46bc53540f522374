// SPDX-License-Identifier: Apache-2.0
// The `train` job: runs the training pipeline; the main thread records the model (see kinds.ts).
import type { JobContext } from '../../control/jobs/handler.js';
import type { TrainJobParams } from '../../control/jobs/params.js';
import { checkTrainSettings } from '../settings.js';
import { runTraining, type TrainOutput } from '../train.js';

export async function run(ctx: JobContext<TrainJobParams>): Promise<TrainOutput> {
  const { source, graph, query, options } = ctx.params;
  return runTraining({ source, graph, query, settings: checkTrainSettings(options) }, ctx);
}
