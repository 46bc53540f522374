// SPDX-License-Identifier: Apache-2.0
// `prequel demo`: the whole product on its own data in one command. Generates an online shop
// (customers, products, orders, order items, reviews over two years), registers it in a
// workspace, trains a churn query and a recommendation query, prints their test metrics next to
// the baselines, writes predictions and HTML reports, and says where everything is.
import { InvalidArgumentError, type Command } from 'commander';
import { DEMO_QUERIES, runDemo, type DemoResult } from '../../demo/run.js';
import { checkTrainSettings, RUN_MODES, type RunMode } from '../../pipeline/settings.js';
import { formatEvaluation } from '../../pipeline/format.js';
import { examples, printJson } from './common.js';
import { checkDirectory } from './paths.js';
import { createProgressRenderer } from './progress.js';
import { flagOf } from './setting-flags.js';
import { plural } from '../../text/plural.js';

interface DemoFlags {
  dir: string;
  customers: number;
  mode: RunMode;
  seed?: number;
  only?: string[];
  epochs?: number;
  json?: boolean;
}

function positiveInteger(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} must be a positive integer, got ${value}`);
    }
    return n;
  };
}

/** Adds `demo` to the command tree. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'generate a demo shop database, train a churn and a recommendation model on it, ' +
        'and write their predictions and reports',
    )
    .option(
      '--dir <dir>',
      'output directory (data, workspace, reports, predictions); a directory an earlier demo ' +
        'wrote starts clean, another non-empty one is refused',
      'prequel-demo',
    )
    .option(
      '--customers <n>',
      'customers to generate (at least 100: fewer leave splits without examples)',
      (value: string) => {
        const n = positiveInteger('--customers')(value);
        if (n < 100) throw new InvalidArgumentError(`--customers must be at least 100, got ${n}`);
        return n;
      },
      3000,
    )
    .option(
      '--mode <mode>',
      `run mode: ${RUN_MODES.join(', ')}`,
      (value: string) => {
        if (!RUN_MODES.includes(value as RunMode)) {
          throw new InvalidArgumentError(`--mode must be one of ${RUN_MODES.join(', ')}`);
        }
        return value as RunMode;
      },
      'normal',
    )
    .option('--seed <n>', 'seed of the generated data', positiveInteger('--seed'))
    .option(
      '--only <names>',
      `run only these queries (${DEMO_QUERIES.map((q) => q.name).join(', ')})`,
      (value: string) => value.split(',').map((s) => s.trim()),
    )
    .option('--epochs <n>', 'training epochs (overrides the mode)', positiveInteger('--epochs'))
    .option('--json', 'print machine-readable JSON')
    .addHelpText(
      'after',
      examples([
        'prequel demo',
        'prequel demo --dir /tmp/shop --customers 1000 --mode fast',
        'prequel demo --only churn --json',
      ]),
    )
    .action(async (flags: DemoFlags) => {
      checkDirectory(flags.dir, 'the demo directory');
      // Checked as the trainer will check it, naming the flag.
      if (flags.epochs !== undefined) checkTrainSettings({ epochs: flags.epochs }, flagOf);
      const renderer = createProgressRenderer({ json: flags.json, logs: false });
      const step = (line: string) => {
        if (flags.json !== true) process.stderr.write(`${line}\n`);
      };
      try {
        const result = await runDemo({
          dir: flags.dir,
          customers: flags.customers,
          seed: flags.seed,
          mode: flags.mode,
          queries: flags.only,
          options: flags.epochs === undefined ? undefined : { epochs: flags.epochs },
          onJobEvent: (e) => renderer.event(e),
          onStep: step,
        });
        renderer.stop();
        if (flags.json === true) printJson(demoJson(result));
        else process.stdout.write(formatDemo(result));
      } finally {
        renderer.stop();
      }
    });
}

function demoJson(result: DemoResult): unknown {
  return {
    dir: result.dir,
    data: result.data,
    workspace: result.workspace,
    seconds: result.seconds,
    results: result.results.map((r) => ({
      name: r.name,
      query: r.query,
      modelId: r.model.id,
      metric: r.metrics.metric,
      test: r.metrics.test,
      seconds: r.seconds,
      report: r.report,
      predictions: r.predictions,
    })),
  };
}

/** The demo's summary for a terminal: per query, metrics next to baselines and the files. */
export function formatDemo(result: DemoResult): string {
  const lines: string[] = [''];
  for (const r of result.results) {
    const m = r.metrics;
    lines.push(`${r.name}: ${r.title}`);
    lines.push(`  ${r.query}`);
    lines.push(
      `  model ${r.model.id} (${m.task}), training ${m.trainingSeconds.toFixed(0)} s of ` +
        `${r.seconds.toFixed(0)} s in all; ` +
        `test split: ${plural(m.splits.test, 'example')}`,
    );
    for (const l of formatEvaluation(m.test, m.metric)) lines.push(`    ${l}`);
    lines.push(`  report:      ${r.report}`);
    const files = Object.values(r.predictions.files).join(', ');
    const rows = plural(r.predictions.rows, 'row');
    lines.push(`  predictions: ${rows} at ${r.predictions.anchorTime}: ${files}`);
    lines.push('');
  }
  lines.push(`data:      ${result.data.dir}`);
  lines.push(
    `workspace: ${result.workspace} (try: prequel models --workspace ${result.workspace})`,
  );
  lines.push(`done in ${result.seconds.toFixed(0)} s`);
  return `${lines.join('\n')}\n`;
}
