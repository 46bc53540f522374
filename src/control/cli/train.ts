// SPDX-License-Identifier: Apache-2.0
// `prequel train "<query>"`: trains a model for a predictive query in the workspace. The data is
// a registered source (--source) or a directory, file or graph file registered on first use
// (--data, --graph). The job runs in this process with progress on stderr; Ctrl-C cancels it.
// Prints the test metrics next to the baselines, the model id, the report and the model file.
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync } from 'node:fs';
import {
  checkTrainSettings,
  RUN_MODES,
  splitOf,
  type TrainSettings,
} from '../../pipeline/settings.js';
import { compilePlan, readTimeRange } from '../pql/index.js';
import { workspaceLayout } from '../../workspace/layout.js';
import {
  examples,
  openWorkspace,
  printJson,
  withCommonOptions,
  workspaceDir,
  type CommonOptions,
} from './common.js';
import { resolveDataSource } from './data-source.js';
import { splitFromFlags, withSplitOptions } from './explain.js';
import { followJob } from './follow.js';
import { describeModel } from './model-output.js';
import { flagOf } from './setting-flags.js';
import { withFileOptions } from './source-options.js';

interface TrainFlags extends CommonOptions {
  source?: string;
  data?: string;
  graph?: string;
  sourceName?: string;
  mode?: string;
  epochs?: number;
  channels?: number;
  fanouts?: number[];
  batchSize?: number;
  lr?: number;
  seed?: number;
  backend?: string;
  threads?: number;
  validationStart?: string;
  testStart?: string;
  evalAnchors?: string;
  cutoff?: string;
  allowPartialWindow?: boolean;
  [flag: string]: unknown;
}

function integer(name: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${name} must be an integer of at least ${min}, got ${value}`);
    }
    return n;
  };
}

function positiveNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} must be a positive number, got ${value}`);
    }
    return n;
  };
}

/** `32,16` -> [32, 16]; -1 samples every neighbour of a hop. */
function fanoutList(value: string): number[] {
  const hops = value.split(',').map((v) => v.trim());
  if (hops.some((h) => !/^(-1|[0-9]+)$/.test(h) || h === '0')) {
    throw new InvalidArgumentError(
      '--fanouts must be neighbours per hop separated by commas (e.g. 32,16; -1 for all), ' +
        `got ${value}`,
    );
  }
  return hops.map(Number);
}

/**
 * The training settings the flags give, checked here with the flags' names (the facade checks
 * them once more, as library options).
 */
export function settingsFromFlags(flags: TrainFlags): TrainSettings {
  const split = splitFromFlags(flags);
  const settings: Record<string, unknown> = {
    mode: flags.mode,
    epochs: flags.epochs,
    channels: flags.channels,
    fanouts: flags.fanouts,
    batchSize: flags.batchSize,
    lr: flags.lr,
    seed: flags.seed,
    backend: flags.backend,
    threads: flags.threads,
  };
  if (split.kind === 'explicit') {
    settings.validationStart = flags.validationStart;
    settings.testStart = flags.testStart;
    settings.evalAnchors = split.evalAnchors;
    settings.cutoff = flags.cutoff;
    settings.allowPartialWindow = split.allowPartialWindow;
  }
  const given = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
  return checkTrainSettings(given, flagOf);
}

export function registerTrainCommand(program: Command): void {
  const command = program
    .command('train')
    .description('train a model for a predictive query (progress on stderr; Ctrl-C cancels)')
    .argument(
      '<query>',
      'the predictive query, e.g. "PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH ' +
        'customers.customer_id"',
    )
    .option('--source <name>', 'a data source registered in the workspace')
    .option(
      '--data <path>',
      'a directory of .csv/.parquet/.json files, one such file, or a .duckdb file (registered on ' +
        "first use; wins over a --graph file's data, with a note when they differ)",
    )
    .option(
      '--graph <file>',
      'graph file merged over the inferred graph; alone, the data it records (`prequel inspect`)',
    )
    .option(
      '--source-name <name>',
      'the name to register --data (or the data of --graph) under, reused with --source ' +
        '(default: the directory or file name)',
    )
    .option('--mode <mode>', `run mode: ${RUN_MODES.join(', ')} (default normal)`)
    .option('--epochs <n>', 'training epochs', integer('--epochs', 1))
    .option('--channels <n>', 'hidden channels', integer('--channels', 1))
    .option('--fanouts <list>', 'neighbours sampled per hop, e.g. 32,16', fanoutList)
    .option('--batch-size <n>', 'examples per batch', integer('--batch-size', 1))
    .option('--lr <rate>', 'learning rate', positiveNumber('--lr'))
    .option('--seed <n>', 'random seed', integer('--seed', 0))
    .option('--backend <name>', 'compute backend: cpu or webgpu (default cpu)')
    .option('--threads <n>', 'CPU threads (default 2)', integer('--threads', 1));
  withSplitOptions(command);
  withFileOptions(command);
  withCommonOptions(command)
    .addHelpText(
      'after',
      examples([
        'prequel train "PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id" ' +
          '--data ./shop --mode fast',
        'prequel train "PREDICT SUM(orders.total, 0, 30, days) FOR EACH customers.customer_id" ' +
          '--source shop --epochs 5 --fanouts 16,8',
        'prequel train "PREDICT COUNT(results.* WHERE results.position = 1, 0, 30, days) > 0 FOR ' +
          'EACH drivers.driverId" --graph graph.json --validation-start 2005-01-01 --test-start ' +
          '2010-01-01',
        'prequel train "..." --source shop --json > model.json',
      ]),
    )
    .action(async (query: string, flags: TrainFlags) => {
      const settings = settingsFromFlags(flags);
      const workspace = workspaceDir(flags);
      const fresh = !existsSync(workspaceLayout(workspace).marker);
      const prequel = await openWorkspace({ workspace, create: true, runJobs: true });
      try {
        if (fresh && flags.json !== true) process.stderr.write(`created workspace ${workspace}\n`);
        // The query compiles against the data (split and windows included) before a source is
        // registered or a job queued: a typo leaves nothing behind.
        const split = splitOf(settings);
        const { source, graphVersion, notes } = await resolveDataSource(
          prequel,
          flags,
          async (connector, graph) => {
            const timeRange = (await readTimeRange(connector, graph)) ?? undefined;
            compilePlan(query, graph, { dialect: connector.dialect, timeRange, split });
          },
        );
        if (flags.json !== true) for (const note of notes) process.stderr.write(`${note}\n`);
        const job = await prequel.train({
          source: source.id,
          query,
          graphVersion,
          options: settings,
        });
        const done = await followJob(prequel, job, { json: flags.json });
        const modelId = (done.result as { modelId: string }).modelId;
        const model = await prequel.getModel(modelId);
        const files = await prequel.modelFiles(modelId);
        if (flags.json === true) {
          const { test, validation, task, seconds, trainingSeconds, warnings } =
            model.metrics as Record<string, unknown>;
          return printJson({
            jobId: done.id,
            modelId,
            notes,
            name: model.name,
            task,
            seconds,
            trainingSeconds,
            warnings,
            test,
            validation,
            report: files.report,
            modelFile: files.model,
          });
        }
        process.stdout.write(describeModel(model, files));
      } finally {
        await prequel.close();
      }
    });
}
