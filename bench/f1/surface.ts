// SPDX-License-Identifier: Apache-2.0
// The rel-f1 benchmark's view of a product surface (library facade, `prequel` CLI, REST API of
// `prequel serve`): open the raw Ergast CSVs with the example graph file, train a query with
// given settings, write a model's predictions to a CSV file. bench/train-f1.ts drives all three
// the same way, so their metrics and wall times line up in one table.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelMetrics } from '../../src/pipeline/train.js';
import type { TrainSettings } from '../../src/pipeline/settings.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The Ergast dump; `\N` stands for NULL. */
export const RAW = resolve(ROOT, '../shared/data/f1/raw');
export const NULL_STRING = '\\N';
export const GRAPH_FILE = resolve(ROOT, 'examples/f1/graph.json');

export const SURFACES = ['library', 'cli', 'rest'] as const;
export type SurfaceName = (typeof SURFACES)[number];

export interface TrainedModel {
  id: string;
  metrics: ModelMetrics;
}

export interface F1Surface {
  readonly name: SurfaceName;
  /** Registers the raw data and inspects it with the example graph file; throws on errors. */
  open(): Promise<void>;
  /** Trains `query` with `settings` and resolves once the model is stored. */
  train(query: string, settings: TrainSettings): Promise<TrainedModel>;
  /** Predicts every entity at the default anchor time into the CSV file `out`. */
  predict(modelId: string, out: string): Promise<void>;
  /** Stops whatever the surface started; the workspace is the caller's to remove. */
  close(): Promise<void>;
}

/** Data rows of a CSV file with a header line. */
export async function csvRowCount(path: string): Promise<number> {
  const text = (await readFile(path, 'utf8')).trimEnd();
  return text === '' ? 0 : text.split('\n').length - 1;
}
