// SPDX-License-Identifier: Apache-2.0
// rel-f1 through the library facade in this process: the baseline the CLI and REST surfaces
// are compared with.
import { copyFile } from 'node:fs/promises';
import { readGraphFile } from '../../src/data/graph-file.js';
import type { ModelMetrics } from '../../src/pipeline/train.js';
import type { TrainSettings } from '../../src/pipeline/settings.js';
import { Prequel } from '../../src/prequel.js';
import { GRAPH_FILE, NULL_STRING, RAW, type F1Surface, type TrainedModel } from './surface.js';

const JOB_TIMEOUT_MS = 3_600_000;

export class LibrarySurface implements F1Surface {
  readonly name = 'library';
  private prequel: Prequel | null = null;

  constructor(private readonly workspace: string) {}

  private opened(): Prequel {
    if (this.prequel === null) throw new Error('the library surface is not open');
    return this.prequel;
  }

  async open(): Promise<void> {
    this.prequel = await Prequel.open({ workspace: this.workspace, create: true });
    await this.prequel.registerSource({
      name: 'f1',
      kind: 'duckdb',
      settings: { path: RAW, nullString: NULL_STRING },
    });
    const override = await readGraphFile(GRAPH_FILE);
    const inspected = await this.prequel.inspectSource('f1', { override });
    if (inspected.report.errors > 0) {
      const errors = inspected.report.issues.filter((i) => i.severity === 'error');
      throw new Error(`the F1 graph does not validate: ${JSON.stringify(errors)}`);
    }
  }

  async train(query: string, settings: TrainSettings): Promise<TrainedModel> {
    const prequel = this.opened();
    const job = await prequel.train({ source: 'f1', query, options: settings });
    const done = await prequel.waitForJob(job.id, { timeoutMs: JOB_TIMEOUT_MS });
    if (done.state !== 'succeeded') {
      throw new Error(`train job ${done.state}: ${JSON.stringify(done.error)}`);
    }
    const { modelId } = done.result as { modelId: string };
    const metrics = (await prequel.getModel(modelId)).metrics as unknown as ModelMetrics;
    return { id: modelId, metrics };
  }

  async predict(modelId: string, out: string): Promise<void> {
    const prequel = this.opened();
    const job = await prequel.predict({ model: modelId, formats: ['csv'] });
    const done = await prequel.waitForJob(job.id, { timeoutMs: JOB_TIMEOUT_MS });
    if (done.state !== 'succeeded') {
      throw new Error(`predict job ${done.state}: ${JSON.stringify(done.error)}`);
    }
    const { predictionSetId } = done.result as { predictionSetId: string };
    await copyFile((await prequel.predictionFile(predictionSetId, 'csv')).path, out);
  }

  async close(): Promise<void> {
    await this.prequel?.close();
    this.prequel = null;
  }
}
