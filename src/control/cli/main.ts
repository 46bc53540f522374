// SPDX-License-Identifier: Apache-2.0
// Entry point of the `prequel` command line. Exit codes: 0 success, 1 user error, 2 internal,
// 130 (128 + SIGINT) when Ctrl-C cancelled the command's job.
import { Command, CommanderError } from 'commander';
import { PrequelError } from '../../errors/index.js';
import { PqlDiagnostics } from '../pql/diagnostics.js';
import { guardSubcommands } from './common.js';
import { registerDemoCommand } from './demo.js';
import { registerExplain } from './explain.js';
import { registerInitCommand } from './init.js';
import { registerInspect } from './inspect.js';
import { registerJobsCommand } from './jobs.js';
import { registerModelsCommand } from './models.js';
import { registerPredictCommand } from './predict.js';
import { registerServeCommand } from './serve.js';
import { registerSourcesCommand } from './sources.js';
import { registerTokenCommand } from './token.js';
import { registerTrainCommand } from './train.js';

export const EXIT_OK = 0;
export const EXIT_USER_ERROR = 1;
export const EXIT_INTERNAL = 2;
/** 128 + SIGINT, as shells report a command stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

/** Builds the command tree; each command module adds itself here. */
export function buildProgram(): Command {
  const program = new Command('prequel')
    .description('Predictive queries over relational data')
    .version('0.1.0')
    .exitOverride();
  registerInitCommand(program);
  registerInspect(program);
  registerExplain(program);
  registerTrainCommand(program);
  registerPredictCommand(program);
  registerModelsCommand(program);
  registerSourcesCommand(program);
  registerTokenCommand(program);
  registerServeCommand(program);
  registerJobsCommand(program);
  registerDemoCommand(program);
  return guardSubcommands(program);
}

// Operating-system errors a user can fix (a port in use, a path that is not a directory, a
// missing or forbidden file): reported as user errors with the OS's message, not a stack.
const USER_SYSTEM_ERRORS = new Set([
  'EADDRINUSE',
  'EADDRNOTAVAIL',
  'EACCES',
  'EPERM',
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EEXIST',
  'ENOSPC',
  'EROFS',
  'ERR_SOCKET_BAD_PORT',
]);

function systemError(err: unknown): { code: string; message: string } | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !USER_SYSTEM_ERRORS.has(code)) return null;
  return { code, message: (err as Error).message };
}

/** The registry code of a commander parse error (an unknown option, a bad option value). */
function usageCode(commanderCode: string): string {
  if (commanderCode === 'commander.unknownOption') return 'CONTROL_UNKNOWN_OPTION';
  if (commanderCode === 'commander.unknownCommand') return 'CONTROL_UNKNOWN_COMMAND';
  return 'CONTROL_INVALID_ARGUMENT';
}

/** Keeps commander from printing its own errors under `command`; main() reports them. */
function silenceParseErrors(command: Command): void {
  command.configureOutput({ outputError: () => {} });
  for (const sub of command.commands) silenceParseErrors(sub);
}

let quietOnClosedStdout = false;

/**
 * A reader that stops early (`prequel jobs rerun --help | head`) closes stdout: the next write
 * fails with EPIPE. The output is no longer wanted, so the process ends quietly (exit 0) instead
 * of dying with an unhandled error's stack. Other stdout errors stay errors.
 */
function exitQuietlyOnClosedStdout(): void {
  if (quietOnClosedStdout) return;
  quietOnClosedStdout = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_OK);
    throw err;
  });
}

/** Runs the CLI on `argv` and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnClosedStdout();
  const program = buildProgram();
  // With --json, an error is one JSON object on stderr ({"error": {code, message, ...}}).
  const json = argv.includes('--json');
  if (json) silenceParseErrors(program);
  const fail = (code: string, message: string, extra: Record<string, unknown> = {}) => {
    if (json) {
      const body = { error: { code, message, ...extra } };
      const text = JSON.stringify(body, (_k, v: unknown) =>
        typeof v === 'bigint' ? v.toString() : v,
      );
      process.stderr.write(`${text}\n`);
    } else {
      process.stderr.write(`error [${code}]: ${message}\n`);
    }
  };
  try {
    await program.parseAsync(argv);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return EXIT_OK;
      if (json) {
        fail(usageCode(err.code), err.message.replace(/^error: /, '').replace(/\n/g, ' '));
      }
      return EXIT_USER_ERROR;
    }
    if (err instanceof PqlDiagnostics) {
      if (json) {
        fail(err.code, err.message, { diagnostics: err.diagnostics });
      } else {
        process.stderr.write(`error [${err.code}]: the query has errors\n`);
        for (const d of err.diagnostics) {
          process.stderr.write(`  ${d.severity} [${d.code}] ${d.message}\n`);
        }
      }
      return EXIT_USER_ERROR;
    }
    if (err instanceof PrequelError) {
      fail(err.code, err.message);
      if (err.code === 'CONTROL_JOB_CANCELLED' && err.details.signal === 'SIGINT') {
        return EXIT_INTERRUPTED;
      }
      return err.status < 500 ? EXIT_USER_ERROR : EXIT_INTERNAL;
    }
    const system = systemError(err);
    if (system !== null) {
      fail(system.code, system.message);
      return EXIT_USER_ERROR;
    }
    process.stderr.write(`internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT_INTERNAL;
  }
}
