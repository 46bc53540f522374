// SPDX-License-Identifier: Apache-2.0
// Options shared by the commands that read a data source directly (inspect, explain): how the
// DuckDB file reader parses CSV files.
import { InvalidArgumentError, type Command } from 'commander';
import type { DuckDbOptions } from '../../data/duckdb.js';
import { duckDbSettings } from '../../pipeline/source.js';

/**
 * A parser for a string option that refuses another option as its value: commander hands the
 * next word to the option whatever it is, so `--null --out x.json` would read NULL as "--out".
 */
function notAnOption(flag: string, example: string): (value: string) => string {
  return (value) => {
    if (value.startsWith('--')) {
      throw new InvalidArgumentError(`${flag} needs a value, e.g. ${flag} ${example}`);
    }
    return value;
  };
}

/** Adds --delimiter, --no-header, --null and --encoding to a command. */
export function withFileOptions(command: Command): Command {
  const nullString = notAnOption('--null', "'\\N'");
  return command
    .option('--delimiter <char>', 'CSV field delimiter', notAnOption('--delimiter', "';'"))
    .option('--no-header', 'CSV files have no header line')
    .option(
      '--null <string>',
      'a string read as NULL in CSV files, e.g. \\N (repeatable)',
      (value: string, previous: string[]) => [...previous, nullString(value)],
      [] as string[],
    )
    .option(
      '--encoding <name>',
      'CSV encoding: utf-8, latin-1 or utf-16',
      notAnOption('--encoding', 'utf-8'),
    );
}

/**
 * The DuckDB reader options given by the flags of `withFileOptions`, checked up front as a
 * registered source's settings are (CONTROL_SOURCE_SETTING_INVALID): an empty or multi-character
 * --delimiter (`\\t`, typed as backslash-t, is a tab) or an unknown --encoding is refused before
 * any file is read. `source` names the data in the message.
 */
export function fileOptionsFrom(
  flags: Record<string, unknown>,
  source = 'given on the command line',
): DuckDbOptions {
  const settings: Record<string, string> = { path: source };
  if (typeof flags.delimiter === 'string') settings.delimiter = flags.delimiter;
  if (typeof flags.encoding === 'string') settings.encoding = flags.encoding;
  duckDbSettings({
    id: '0',
    name: source,
    kind: 'duckdb',
    settings,
    secrets: {},
    createdAt: '',
    updatedAt: '',
  });
  const files: DuckDbOptions = { header: flags.header !== false };
  if (typeof flags.delimiter === 'string') files.delimiter = flags.delimiter;
  if (Array.isArray(flags.null) && flags.null.length > 0) {
    files.nullStrings = flags.null as string[];
  }
  if (typeof flags.encoding === 'string') {
    files.encoding = flags.encoding as DuckDbOptions['encoding'];
  }
  return files;
}
