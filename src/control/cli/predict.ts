// SPDX-License-Identifier: Apache-2.0
// `prequel predict --model <id>`: batch inference with a trained model at an anchor time (default:
// the latest time in the data), for every entity or for the ids in a file. The job runs in this
// process with progress on stderr; Ctrl-C cancels it. Prints the row count and the files;
// --out copies the predictions where the user wants them.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import { PrequelError, prequelError, raise } from '../../errors/index.js';
import type { PredictionFormat } from '../metadata/models.js';
import { examples, openWorkspace, printJson, withCommonOptions, workspaceDir } from './common.js';
import type { CommonOptions } from './common.js';
import { followJob } from './follow.js';
import { checkDirectory, checkOutputFile } from './paths.js';
import { plural } from '../../text/plural.js';

const FORMATS: readonly PredictionFormat[] = ['csv', 'parquet', 'arrow', 'json'];
const FORMAT_OF_EXTENSION: Record<string, PredictionFormat> = {
  '.csv': 'csv',
  '.parquet': 'parquet',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.json': 'json',
};

interface PredictFlags extends CommonOptions {
  model: string;
  anchorTime?: string;
  format?: string;
  ids?: string;
  out?: string;
}

/** The formats asked for: --format, else the --out file's extension, else parquet. */
export function formatsFromFlags(flags: { format?: string; out?: string }): PredictionFormat[] {
  if (flags.format === undefined) {
    const implied = flags.out === undefined ? undefined : FORMAT_OF_EXTENSION[extname(flags.out)];
    return [implied ?? 'parquet'];
  }
  const formats = flags.format.split(',').map((f) => f.trim().toLowerCase());
  for (const f of formats) {
    if (!FORMATS.includes(f as PredictionFormat)) {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: '--format',
        expected: `formats separated by commas, each one of ${FORMATS.join(', ')}`,
        received: flags.format,
      });
    }
  }
  return [...new Set(formats)] as PredictionFormat[];
}

/**
 * Checks --out before any work: one format writes the file itself (its directory must exist) or
 * into an existing directory; several formats write into a directory, created when missing, so
 * a path that names a file of one format (`single.csv`) is refused rather than made a directory.
 */
export function checkOut(out: string, formats: readonly PredictionFormat[]): void {
  const isDir = existsSync(out) && statSync(out).isDirectory();
  if (formats.length > 1) {
    if (!isDir && FORMAT_OF_EXTENSION[extname(out).toLowerCase()] !== undefined) {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: '--out',
        expected:
          `a directory for the ${formats.length} formats ${formats.join(', ')} (one file ` +
          'each), or a single --format to write one file',
        received: out,
      });
    }
    checkDirectory(out, 'the directory of the predictions');
  } else if (isDir) {
    checkDirectory(out, 'the directory of the predictions');
  } else {
    checkOutputFile(out, 'the predictions file');
  }
}

/** Where --out puts each file: the path itself for one format, else files in that directory. */
async function copyOut(
  out: string,
  files: { format: PredictionFormat; path: string }[],
  setId: string,
): Promise<string[]> {
  const isDir = files.length > 1 || (existsSync(out) && statSync(out).isDirectory());
  if (files.length > 1) await mkdir(out, { recursive: true });
  const written: string[] = [];
  for (const file of files) {
    const target = isDir ? join(out, `predictions-${setId}.${file.format}`) : out;
    await copyFile(file.path, target);
    written.push(target);
  }
  return written;
}

/**
 * The warning for an explicit --anchor-time before the model's first training anchor (the data
 * start, give or take one step), naming the times the model's data covers, from its plan; null
 * when the anchor is not earlier. A warning, not an error: the prediction is well defined (it
 * sees no data, so entities get what an empty history gives, or none is eligible) and is
 * recorded, but an anchor before the data is most often a mistake.
 */
export function earlyAnchorWarning(anchorTime: string, plan: unknown): string | null {
  const p = (plan ?? {}) as {
    splits?: { train?: { first?: string | null } } | null;
    prediction?: { anchor?: string | null };
  };
  const first = p.splits?.train?.first ?? null;
  if (first === null || !(Date.parse(anchorTime) < Date.parse(first))) return null;
  const latest = p.prediction?.anchor ?? null;
  return (
    `warning: --anchor-time ${anchorTime} is before the model's data: its first training ` +
    `anchor is ${first}${latest === null ? '' : ` and its data ends at ${latest}`}; a ` +
    'prediction there sees no history. Give an --anchor-time within that range, or none for ' +
    'the latest time in the data'
  );
}

/** A library error naming the option `anchorTime`, renamed to the flag the user typed. */
function asFlagError(err: unknown): unknown {
  if (
    err instanceof PrequelError &&
    err.code === 'CONTROL_INVALID_ARGUMENT' &&
    err.details.name === 'anchorTime'
  ) {
    return prequelError('CONTROL_INVALID_ARGUMENT', { ...err.details, name: '--anchor-time' }, err);
  }
  return err;
}

export function registerPredictCommand(program: Command): void {
  withCommonOptions(
    program
      .command('predict')
      .description('predict with a trained model for every entity, or the ids in a file')
      .requiredOption('--model <id>', 'the model (see `prequel models`)')
      .option('--anchor-time <time>', 'predict as of this time (default: the latest in the data)')
      .option('--format <list>', `output formats, e.g. csv,parquet (${FORMATS.join(', ')})`)
      .option('--ids <file>', 'entity ids to predict for: a CSV with one column, or Arrow IPC')
      .option('--out <path>', 'copy the predictions here (a directory when several formats)'),
  )
    .addHelpText(
      'after',
      examples([
        'prequel predict --model 3',
        'prequel predict --model 3 --anchor-time 2025-01-01 --out churn.csv',
        'prequel predict --model 3 --ids customers.csv --format csv,parquet --out predictions/',
        'prequel predict --model 3 --json',
      ]),
    )
    .action(async (flags: PredictFlags) => {
      const formats = formatsFromFlags(flags);
      if (flags.out !== undefined) checkOut(flags.out, formats);
      if (flags.ids !== undefined && !existsSync(flags.ids)) {
        raise('DATA_FILE_NOT_FOUND', { path: flags.ids, expected: 'a file of entity ids' });
      }
      const prequel = await openWorkspace({ workspace: workspaceDir(flags), runJobs: true });
      try {
        const idsFormat = ['.arrow', '.arrows', '.ipc'].includes(extname(flags.ids ?? ''))
          ? 'arrow'
          : 'csv';
        const job = await prequel
          .predict({
            model: flags.model,
            anchorTime: flags.anchorTime,
            formats,
            ...(flags.ids === undefined
              ? {}
              : {
                  ids: { stream: createReadStream(flags.ids), format: idsFormat, name: flags.ids },
                }),
          })
          .catch((err: unknown) => {
            throw asFlagError(err);
          });
        const done = await followJob(prequel, job, { json: flags.json });
        const { predictionSetId } = done.result as { predictionSetId: string };
        const set = await prequel.getPredictionSet(predictionSetId);
        const files = await Promise.all(
          set.files.map((f) => prequel.predictionFile(set.id, f.format)),
        );
        const copied = flags.out === undefined ? [] : await copyOut(flags.out, files, set.id);
        if (flags.anchorTime !== undefined) {
          const model = await prequel.getModel(set.modelId);
          const warning = earlyAnchorWarning(set.anchorTime, model.plan);
          if (warning !== null) process.stderr.write(`${warning}\n`);
        }
        if (flags.json === true) {
          return printJson({
            predictionSetId: set.id,
            modelId: set.modelId,
            anchorTime: set.anchorTime,
            rowCount: set.rowCount,
            files: files.map((f) => ({ format: f.format, path: f.path, bytes: f.bytes })),
            copied,
          });
        }
        const lines = [
          `predicted ${plural(set.rowCount, 'row')} with model ${set.modelId} ` +
            `as of ${set.anchorTime}`,
          `  prediction set ${set.id}`,
          ...files.map((f) => `  ${f.format.padEnd(8)}${f.path}`),
          ...copied.map((p) => `  copied to ${p}`),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await prequel.close();
      }
    });
}
