// SPDX-License-Identifier: Apache-2.0
// Shared pieces of the CLI commands: the workspace option, opening the workspace, and output
// as JSON (--json) or as aligned text.
import { existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { Prequel, type PrequelOptions } from '../../prequel.js';
import { checkDirectory, translatingPathErrors } from './paths.js';

export const DEFAULT_WORKSPACE = '.prequel';

export interface CommonOptions {
  workspace?: string;
  json?: boolean;
}

/** Adds --workspace and --json to a command. */
export function withCommonOptions(command: Command): Command {
  return command
    .option(
      '-w, --workspace <dir>',
      `workspace directory (default: $PREQUEL_WORKSPACE or ${DEFAULT_WORKSPACE})`,
    )
    .option('--json', 'print machine-readable JSON');
}

export function workspaceDir(options: CommonOptions): string {
  return options.workspace ?? process.env.PREQUEL_WORKSPACE ?? DEFAULT_WORKSPACE;
}

const WORKSPACE = 'a workspace directory';

/**
 * Opens (with `create`, creates) a workspace for a command. Its path is checked first, so a
 * path under a regular file or a directory that cannot be written is CONTROL_PATH_UNUSABLE
 * naming it, not an operating-system error (or a suggestion to create it there).
 */
export async function openWorkspace(options: PrequelOptions): Promise<Prequel> {
  const dir = options.workspace;
  checkDirectory(dir, WORKSPACE, options.create === true || existsSync(dir));
  return translatingPathErrors(dir, WORKSPACE, () => Prequel.open(options));
}

/** Creates a workspace (`prequel init`), its path checked as openWorkspace checks it. */
export async function initWorkspace(dir: string, name: string) {
  checkDirectory(dir, WORKSPACE);
  return translatingPathErrors(dir, WORKSPACE, () => Prequel.init(dir, { name }));
}

/** Opens the workspace for a short command (it does not pick up jobs), runs `fn`, closes it. */
export async function withWorkspace<T>(
  options: CommonOptions,
  fn: (prequel: Prequel) => Promise<T>,
): Promise<T> {
  const prequel = await openWorkspace({ workspace: workspaceDir(options), runJobs: false });
  try {
    return await fn(prequel);
  } finally {
    await prequel.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints rows as left-aligned columns under a header. */
export function printTable(header: string[], rows: string[][]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  process.stdout.write([line(header), ...rows.map(line)].join('\n') + '\n');
}

/** `prequel models` for the models group: the words a user types to reach `command`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Makes a command group name an unknown subcommand as such, with the ones it has: `prequel
 * models delete 1` says "unknown command 'delete' for 'prequel models'; available: list, show"
 * instead of commander's complaint that the default subcommand got too many arguments (an
 * unknown word is handed to the default as its argument). `defaultCommand` is the group's
 * default (`isDefault`), when it has one.
 */
export function guardSubcommands(group: Command, defaultCommand?: Command): Command {
  const unknown = (name: string) => {
    const path = commandPath(group);
    const available = group.commands.map((c) => c.name()).join(', ');
    group.error(
      `error: unknown command '${name}' for '${path}'; available: ${available} ` +
        `(see \`${path} --help\`)`,
      { code: 'commander.unknownCommand' },
    );
  };
  group.on('command:*', (operands: string[]) => unknown(operands[0]!));
  if (defaultCommand === undefined) return group;
  // The default takes no arguments: extra words reach it (to be named here) instead of failing
  // commander's count first.
  defaultCommand.allowExcessArguments(true).hook('preAction', (_group, action) => {
    const [first] = action.args;
    if (first === undefined) return;
    const name = defaultCommand.name();
    if (group.args[0] !== name && first !== name) return unknown(first);
    const extra = action.args.filter((a, i) => !(i === 0 && a === name));
    action.error(`error: too many arguments for '${name}': it takes none, got ${extra.join(' ')}`, {
      code: 'commander.excessArguments',
    });
  });
  return group;
}

/** Text for a command's --help: examples after the options. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/**
 * Help of a command group (`prequel models --help`): its examples, then the options its
 * subcommands share, which the group's own option list does not show.
 */
export function groupHelp(group: string, lines: string[]): string {
  return (
    examples(lines) +
    `\nEvery subcommand takes --json (machine-readable output) and -w, --workspace <dir>;\n` +
    `\`prequel ${group} <command> --help\` lists its options.\n`
  );
}

/** A commander option parser for non-negative integers. */
export function nonNegativeInt(name: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${name} must be a non-negative integer, got ${value}`);
    }
    return n;
  };
}
