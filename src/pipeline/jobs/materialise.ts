// SPDX-License-Identifier: Apache-2.0
// The `materialise` job: builds (or reuses) the stage of a source's graph definition and checks
// that it loads into the graph and column stores.
import type { JobContext } from '../../control/jobs/handler.js';
import type { MaterialiseJobParams } from '../../control/jobs/params.js';
import { prepareData, type PipelineContext } from '../train.js';
import { openSource } from '../source.js';

export interface MaterialiseResult {
  stage: string;
  reused: boolean;
  tables: Record<string, number>;
  edges: Record<string, number>;
}

export async function run(ctx: JobContext<MaterialiseJobParams>): Promise<MaterialiseResult> {
  const connector = await openSource(ctx.params.source);
  try {
    const { stage, loaded } = await prepareData(
      connector,
      ctx.params.graph,
      ctx as PipelineContext,
      2,
    );
    loaded.graph.close();
    loaded.columns.close();
    ctx.progress(1, 'done');
    return {
      stage: stage.manifest.hash,
      reused: stage.reused,
      tables: Object.fromEntries(stage.manifest.tables.map((t) => [t.name, t.rows])),
      edges: Object.fromEntries(stage.manifest.edges.map((e) => [e.name, e.edges])),
    };
  } finally {
    await connector.close();
  }
}
