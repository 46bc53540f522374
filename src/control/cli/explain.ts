// SPDX-License-Identifier: Apache-2.0
// `prequel explain "<query>" --data <source> | --graph <file> | --source <name>`: compiles a
// predictive query against data read directly or a source registered in the workspace, and
// prints the plan: task type, entity set, anchors and split sizes, the generated label SQL, and
// the sampling and model defaults.
import type { Command } from 'commander';
import { raise } from '../../errors/index.js';
import { checkTrainSettings, type TrainSettings } from '../../pipeline/settings.js';
import { explainOnSource, type SplitCounts } from '../explain.js';
import { explainPlan, parseTimestampText, planToJson, type SplitOptions } from '../pql/index.js';
import { shapeOf, splitSizeWarnings } from '../../pipeline/label-checks.js';
import { DEFAULT_WORKSPACE, examples, withWorkspace, type CommonOptions } from './common.js';
import { flagOf } from './setting-flags.js';
import { fileOptionsFrom, withFileOptions } from './source-options.js';

function timestampFlag(name: string, value: unknown): bigint | undefined {
  if (value === undefined) return undefined;
  const t = parseTimestampText(String(value));
  if (t === null) {
    raise('CONTROL_INVALID_ARGUMENT', {
      name,
      expected: 'a date or timestamp such as 2010-01-01 or 2010-01-01 12:00:00',
      received: value,
    });
  }
  return t;
}

function positiveInteger(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    raise('CONTROL_INVALID_ARGUMENT', { name, expected: 'a positive integer', received: value });
  }
  return n;
}

/** The split the flags ask for: explicit start times, or the default fractions. */
export function splitFromFlags(flags: Record<string, unknown>): SplitOptions {
  const validationStart = timestampFlag(flagOf('validationStart'), flags.validationStart);
  const testStart = timestampFlag(flagOf('testStart'), flags.testStart);
  if ((validationStart === undefined) !== (testStart === undefined)) {
    raise('CONTROL_INVALID_ARGUMENT', {
      name: `${flagOf('validationStart')} and ${flagOf('testStart')}`,
      expected: 'both given, or neither',
      received: `${flagOf(validationStart === undefined ? 'testStart' : 'validationStart')} only`,
    });
  }
  if (validationStart === undefined || testStart === undefined) {
    const needsExplicit = ['evalAnchors', 'cutoff', 'allowPartialWindow'].filter(
      (k) => flags[k] !== undefined,
    );
    if (needsExplicit.length > 0) {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: needsExplicit.map(flagOf).join(' and '),
        expected:
          `used together with ${flagOf('validationStart')} and ${flagOf('testStart')} ` +
          '(an explicit split)',
        received: 'no explicit split',
      });
    }
    return { kind: 'fractions' };
  }
  const split: SplitOptions = { kind: 'explicit', validationStart, testStart };
  const evalAnchors = positiveInteger(flagOf('evalAnchors'), flags.evalAnchors);
  const cutoff = timestampFlag(flagOf('cutoff'), flags.cutoff);
  if (evalAnchors !== undefined) split.evalAnchors = evalAnchors;
  if (cutoff !== undefined) split.cutoff = cutoff;
  if (flags.allowPartialWindow === true) split.allowPartialWindow = true;
  return split;
}

/** File options given on the command line only, to override those a graph file records. */
function explicitFileOptions(flags: Record<string, unknown>) {
  const given = fileOptionsFrom(flags, typeof flags.graph === 'string' ? flags.graph : undefined);
  if (flags.header !== false) delete given.header;
  return given;
}

/** Adds the split flags shared by explain and train. */
export function withSplitOptions(command: Command): Command {
  return command
    .option('--validation-start <time>', 'first validation anchor (explicit split)')
    .option('--test-start <time>', 'first test anchor (explicit split)')
    .option('--eval-anchors <n>', 'anchors per evaluation split (explicit split; default 1)')
    .option(
      '--cutoff <time>',
      'rows later than this are invisible to training (default: test start)',
    )
    .option(
      '--allow-partial-window',
      'explicit split: keep a last validation or test window that closes after the data ends ' +
        '(with a warning) instead of failing with PQL_DATA_ENDS_BEFORE_WINDOW',
    );
}

/** What `explain` and `train` say when no data is given: the three ways, with an example. */
export function noDataError(command: 'explain' | 'train'): never {
  return raise('CONTROL_INVALID_ARGUMENT', {
    name: `the data ${command === 'train' ? 'prequel train learns from' : 'prequel explain reads'}`,
    expected:
      'given as --data <dir or file> (CSV, Parquet or JSON files, or a .duckdb file), --graph ' +
      '<file> (written by `prequel inspect`, it records its data) or --source <name> (registered ' +
      `in the workspace), e.g. prequel ${command} "PREDICT COUNT(orders.*, 0, 30, days) > 0 ` +
      'FOR EACH users.user_id" --data ./shop',
    received: 'none of them',
  });
}

/** The split flags as training settings, for a workspace source's explain. */
function splitSettings(flags: Record<string, unknown>): TrainSettings {
  const split = splitFromFlags(flags);
  if (split.kind !== 'explicit') return {};
  const given = {
    validationStart: flags.validationStart,
    testStart: flags.testStart,
    evalAnchors: split.evalAnchors,
    cutoff: flags.cutoff,
    allowPartialWindow: split.allowPartialWindow,
  };
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return checkTrainSettings(defined, flagOf);
}

/** Explains on a source registered in the workspace (its latest graph version). */
async function explainOnWorkspace(query: string, flags: Record<string, unknown>) {
  if (flags.data !== undefined || flags.graph !== undefined) {
    raise('CONTROL_INVALID_ARGUMENT', {
      name: '--source with --data or --graph',
      expected:
        'one of them: --source uses the graph stored in the workspace, --data and --graph ' +
        'read the files directly',
      received: 'both',
    });
  }
  const options = splitSettings(flags);
  return withWorkspace(flags as CommonOptions, (prequel) =>
    prequel.explain({
      source: flags.source as string,
      query,
      options,
      countExamples: flags.count !== false,
    }),
  );
}

function examplesLine(e: SplitCounts): string {
  return `\nexamples    train ${e.train}, validation ${e.validation}, test ${e.test}`;
}

/** The counted examples' line, and a line per warning about them. */
function examplesText(e: SplitCounts, warnings: string[]): string {
  return examplesLine(e) + warnings.map((w) => `\n${'warning'.padEnd(12)}${w}`).join('');
}

/** Adds `explain` to the command tree; output goes to `write` (stdout by default). */
export function registerExplain(
  program: Command,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Command {
  const command = program
    .command('explain')
    .description('compile a predictive query against a data source and print the plan')
    .argument(
      '<query>',
      'the predictive query, e.g. "PREDICT COUNT(orders.*, 0, 30, days) > 0 FOR EACH customers.id"',
    )
    .option(
      '--data <source>',
      'a directory of .csv/.parquet/.json files, one such file, or a .duckdb file ' +
        "(wins over a --graph file's data, with a note when they differ)",
    )
    .option(
      '--graph <file>',
      'graph file merged over the inferred graph; alone, the data it records (`prequel inspect`)',
    )
    .option('--source <name>', 'a data source registered in the workspace (its latest graph)')
    .option(
      '-w, --workspace <dir>',
      `workspace of --source (default: $PREQUEL_WORKSPACE or ${DEFAULT_WORKSPACE})`,
    )
    .option('--no-count', 'do not run the label SQL to count the examples of each split')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples([
        'prequel explain "PREDICT COUNT(orders.*, 0, 30, days) = 0 ' +
          'FOR EACH customers.customer_id" --data ./shop',
        'prequel explain "PREDICT MIN(qualifying.position, 0, 30, days) <= 3 ' +
          'FOR EACH drivers.driverId" --graph f1.json ' +
          '--validation-start 2005-01-01 --test-start 2010-01-01',
        'prequel explain "..." --source shop --json',
      ]),
    );
  withSplitOptions(command);
  return withFileOptions(command).action(async (query: string, flags: Record<string, unknown>) => {
    if (flags.source !== undefined) {
      const { plan, text, examples, exampleWarnings } = await explainOnWorkspace(query, flags);
      if (flags.json === true) {
        const json = { ...plan, examples, exampleWarnings, notes: [] };
        write(`${JSON.stringify(json, null, 2)}\n`);
      } else {
        const counted = examples === null ? '' : examplesText(examples, exampleWarnings);
        write(`${text}${counted}\n`);
      }
      return;
    }
    if (flags.data === undefined && flags.graph === undefined) noDataError('explain');
    const result = await explainOnSource(query, {
      data: flags.data as string | undefined,
      graphFile: flags.graph as string | undefined,
      files:
        flags.data === undefined
          ? explicitFileOptions(flags)
          : fileOptionsFrom(flags, flags.data as string),
      plan: { split: splitFromFlags(flags) },
      countExamples: flags.count !== false,
    });
    const { examples, notes } = result;
    const exampleWarnings =
      examples === null ? [] : splitSizeWarnings(examples, shapeOf(result.plan));
    if (flags.json === true) {
      const json = { ...planToJson(result.plan), examples, exampleWarnings, notes };
      write(`${JSON.stringify(json, null, 2)}\n`);
      return;
    }
    for (const note of notes) process.stderr.write(`${note}\n`);
    let text = explainPlan(result.plan);
    if (examples !== null) text += examplesText(examples, exampleWarnings);
    write(`${text}\n`);
  });
}
