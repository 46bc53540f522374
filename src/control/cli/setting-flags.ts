// SPDX-License-Identifier: Apache-2.0
// The one table of training setting -> CLI flag. Settings given on the command line are checked
// with these names, so a mistake names the flag the user typed (`--test-start`), never the
// library option behind it (`options.testStart`).
import type { TrainSettings } from '../../pipeline/settings.js';

/** The flag of each setting; null where the CLI has none (REST and library only). */
export const SETTING_FLAGS: Readonly<Record<keyof Required<TrainSettings>, string | null>> = {
  mode: '--mode',
  epochs: '--epochs',
  channels: '--channels',
  fanouts: '--fanouts',
  batchSize: '--batch-size',
  lr: '--lr',
  aggregation: null,
  strategy: null,
  dropout: null,
  patience: null,
  seed: '--seed',
  backend: '--backend',
  threads: '--threads',
  validationStart: '--validation-start',
  testStart: '--test-start',
  evalAnchors: '--eval-anchors',
  cutoff: '--cutoff',
  allowPartialWindow: '--allow-partial-window',
};

/** The flag naming `setting` in CLI messages; a setting without a flag keeps its option name. */
export function flagOf(setting: string): string {
  return SETTING_FLAGS[setting as keyof TrainSettings] ?? `options.${setting}`;
}
