// SPDX-License-Identifier: Apache-2.0
// rel-f1 through the `prequel` command line, one process per command as a user types them:
//
//   prequel inspect <raw> --null '\N' --graph examples/f1/graph.json --out f1.graph.json
//   prequel train "<query>" --graph f1.graph.json --mode normal --seed 1 \
//     --validation-start 2005-01-01 --test-start 2010-01-01 --eval-anchors 40 --json
//   prequel models show <id> --json            (the full metrics: splits, curve, best epoch)
//   prequel predict --model <id> --out predictions.csv
import { join } from 'node:path';
import type { ModelMetrics } from '../../src/pipeline/train.js';
import type { TrainSettings } from '../../src/pipeline/settings.js';
import { SETTING_FLAGS } from '../../src/control/cli/setting-flags.js';
import { runPrequel } from './child.js';
import { GRAPH_FILE, NULL_STRING, RAW, type F1Surface, type TrainedModel } from './surface.js';

/** The `prequel train` flags that give `settings`; throws for a setting the CLI cannot take. */
export function trainFlags(settings: TrainSettings): string[] {
  const flags: string[] = [];
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined || value === false) continue;
    const flag = SETTING_FLAGS[name as keyof TrainSettings];
    if (flag === null || flag === undefined) {
      throw new Error(`prequel train has no flag for the setting ${name}; use --via library|rest`);
    }
    if (value === true) flags.push(flag);
    else flags.push(flag, Array.isArray(value) ? value.join(',') : String(value));
  }
  return flags;
}

export class CliSurface implements F1Surface {
  readonly name = 'cli';
  private readonly workspace: string;
  private readonly graphFile: string;

  /** Works in `dir`: the workspace and the inspected graph file go there. */
  constructor(private readonly dir: string) {
    this.workspace = join(dir, 'ws');
    this.graphFile = join(dir, 'f1.graph.json');
  }

  private run(args: string[]): Promise<string> {
    return runPrequel([...args, '--json'], this.dir);
  }

  async open(): Promise<void> {
    // Exits non-zero (and runPrequel throws) when the graph has validation errors.
    const flags = ['--null', NULL_STRING, '--graph', GRAPH_FILE, '--out', this.graphFile];
    await this.run(['inspect', RAW, ...flags]);
  }

  async train(query: string, settings: TrainSettings): Promise<TrainedModel> {
    const args = ['train', query, '--graph', this.graphFile, ...trainFlags(settings)];
    const trained = JSON.parse(await this.run([...args, '-w', this.workspace])) as {
      modelId: string;
    };
    const shown = await this.run(['models', 'show', trained.modelId, '-w', this.workspace]);
    const { metrics } = JSON.parse(shown) as { metrics: ModelMetrics };
    return { id: trained.modelId, metrics };
  }

  async predict(modelId: string, out: string): Promise<void> {
    const flags = ['--model', modelId, '--out', out, '--format', 'csv'];
    await this.run(['predict', ...flags, '-w', this.workspace]);
  }

  async close(): Promise<void> {}
}
