// SPDX-License-Identifier: Apache-2.0
// `prequel predict --model <id>`: batch inference with a trained model at an anchor time (default:
// the latest time in the data), for every entity or for the ids in a file. The job runs in this
// process with progress on stderr; Ctrl-C cancels it. Prints the row count and the files;
// --out copies the predictions where the user wants them.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
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

const FORMAT_NAMES: Record<PredictionFormat, string> = {
  csv: 'CSV',
  parquet: 'Parquet',
  arrow: 'Arrow IPC',
  json: 'JSON',
};

/** A path that names a directory: one that exists as one, or one ending in a separator. */
function namesDirectory(out: string): boolean {
  return /[/\\]$/.test(out) || (existsSync(out) && statSync(out).isDirectory());
}

/** The format a file name's extension names, or undefined (case ignored). */
function formatOfPath(path: string): PredictionFormat | undefined {
  return FORMAT_OF_EXTENSION[extname(path).toLowerCase()];
}

/**
 * The formats asked for: --format, else the --out file's extension, else parquet. A single
 * --format and an --out file name whose extension names another format disagree, and an --out
 * file whose extension names no format needs --format: both are refused rather than writing one
 * format under another's name.
 */
export function formatsFromFlags(flags: { format?: string; out?: string }): PredictionFormat[] {
  const file = flags.out === undefined || namesDirectory(flags.out) ? undefined : flags.out;
  const implied = file === undefined ? undefined : formatOfPath(file);
  if (flags.format === undefined) {
    if (file !== undefined && implied === undefined) {
      raise('CONTROL_INVALID_ARGUMENT', {
        name: '--out',
        expected:
          `a file name ending in ${Object.keys(FORMAT_OF_EXTENSION).join(', ')}, or --format ` +
          `(${FORMATS.join(', ')}) to say what to write into it`,
        received: file,
      });
    }
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
  const unique = [...new Set(formats)] as PredictionFormat[];
  if (unique.length === 1 && implied !== undefined && implied !== unique[0]) {
    const [format] = unique as [PredictionFormat];
    raise('CONTROL_INVALID_ARGUMENT', {
      name: '--format and --out',
      expected:
        `the same format: --format ${format} writes ${FORMAT_NAMES[format]}, but ${file} names ` +
        `${/^[AEIOU]/.test(FORMAT_NAMES[implied]) ? 'an' : 'a'} ${FORMAT_NAMES[implied]} file; ` +
        `give --out a name ending in .${format}, or ` +
        `--format ${implied}`,
      received: `--format ${flags.format} with --out ${file}`,
    });
  }
  return unique;
}

/**
 * Checks --out before any work: one format writes the file itself (its directory must exist) or
 * into a directory (one that exists, or a path ending in /, created when missing); several
 * formats write into a directory, created when missing, so a path that names a file of one
 * format (`single.csv`) is refused rather than made a directory.
 */
export function checkOut(out: string, formats: readonly PredictionFormat[]): void {
  const isDir = namesDirectory(out);
  if (formats.length > 1) {
    if (!isDir && formatOfPath(out) !== undefined) {
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

/**
 * Where --out puts each file: the path itself for one format, else files in that directory.
 * A copy the operating system refuses (a path checkOut could not foresee, such as one under
 * /proc) is CONTROL_PATH_UNUSABLE naming the path and where the predictions are kept: the
 * prediction set is recorded in the workspace whatever happens here.
 */
async function copyOut(
  out: string,
  files: { format: PredictionFormat; path: string }[],
  set: { id: string; modelId: string },
): Promise<string[]> {
  const isDir = files.length > 1 || namesDirectory(out);
  const written: string[] = [];
  let target = out;
  try {
    if (isDir) await mkdir(out, { recursive: true });
    for (const file of files) {
      target = isDir ? join(out, `predictions-${set.id}.${file.format}`) : out;
      await copyFile(file.path, target);
      written.push(target);
    }
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const kept = files.map((f) => `${f.format} ${f.path}`).join(', ');
    raise(
      'CONTROL_PATH_UNUSABLE',
      {
        path: resolve(target),
        what: 'the predictions file',
        reason:
          `the copy failed (${typeof code === 'string' ? code : (err as Error).message}); the ` +
          `predictions are saved in the workspace as prediction set ${set.id} of model ` +
          `${set.modelId} (${kept}; \`prequel models show ${set.modelId}\` lists it)`,
        predictionSetId: set.id,
      },
      err,
    );
  }
  return written;
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
      .option(
        '--out <path>',
        'copy the predictions here: a file whose extension (.csv, .parquet, .arrow, .json) ' +
          'agrees with --format, or a directory (one file per format)',
      ),
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
        // About the anchor (before the model's data, after the data's end) or an empty result.
        const { warnings = [] } = done.result as { warnings?: string[] };
        if (flags.json !== true) {
          for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
        }
        const copied = flags.out === undefined ? [] : await copyOut(flags.out, files, set);
        if (flags.json === true) {
          return printJson({
            predictionSetId: set.id,
            modelId: set.modelId,
            anchorTime: set.anchorTime,
            rowCount: set.rowCount,
            files: files.map((f) => ({ format: f.format, path: f.path, bytes: f.bytes })),
            copied,
            warnings,
          });
        }
        const lines = [
          `predicted ${plural(set.rowCount, 'row')} with model ${set.modelId} ` +
            `as of ${set.anchorTime}`,
          `  prediction set ${set.id}`,
          ...files.map((f) => `  ${f.format.padEnd(8)}${f.path}`),
          ...copied.map((p, i) => `  copied to ${p} (${FORMAT_NAMES[files[i]!.format]})`),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await prequel.close();
      }
    });
}
