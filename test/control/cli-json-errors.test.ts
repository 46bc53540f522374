// SPDX-License-Identifier: Apache-2.0
// With --json, an error from parsing the command line (an unknown option, a bad option value,
// an unknown command) is one JSON object on stderr with a registry code, exit 1; without it,
// commander's text. A string option refuses another option as its value, and a misspelt
// setting value gets a did-you-mean.
import { describe, expect, it } from 'vitest';
import { EXIT_USER_ERROR } from '../../src/control/cli/main.js';
import { captureCli } from './helpers.js';

const cli = captureCli();

const Q = 'PREDICT COUNT(orders.*, 0, 30, days) > 0 FOR EACH users.user_id';

/** [case, arguments, code, the message must contain]. */
const JSON_CASES: [string, string[], string, string][] = [
  [
    'a bad option value',
    ['train', Q, '--graph', 'g.json', '--epochs', 'two'],
    'CONTROL_INVALID_ARGUMENT',
    '--epochs must be an integer of at least 1, got two',
  ],
  [
    'an unknown option, with did-you-mean on one line',
    ['train', Q, '--epoch', '2'],
    'CONTROL_UNKNOWN_OPTION',
    "unknown option '--epoch' (Did you mean --epochs?)",
  ],
  ['an unknown command', ['trian', Q], 'CONTROL_UNKNOWN_COMMAND', "unknown command 'trian'"],
  [
    'an option as the value of --null',
    ['inspect', 'data', '--null', '--out', 'x.json'],
    'CONTROL_INVALID_ARGUMENT',
    "--null needs a value, e.g. --null '\\N'",
  ],
  [
    'an option as the value of --delimiter',
    ['inspect', 'data', '--delimiter', '--out', 'x.json'],
    'CONTROL_INVALID_ARGUMENT',
    '--delimiter needs a value',
  ],
  [
    'a misspelt run mode',
    ['train', Q, '--mode', 'fsat', '--graph', 'g.json'],
    'CONTROL_INVALID_ARGUMENT',
    '--mode must be fast, normal, best, got "fsat" (did you mean "fast"?)',
  ],
];

describe('command-line errors with --json', () => {
  it.each(JSON_CASES)('%s', async (_case, args, code, expected) => {
    expect(await cli.run(...args, '--json')).toBe(EXIT_USER_ERROR);
    const lines = cli.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const body = JSON.parse(lines[0]!) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toContain(expected);
    expect(body.error.message).not.toMatch(/^error:/);
  });

  it('stays text without --json', async () => {
    expect(await cli.run('train', Q, '--epoch', '2')).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toMatch(/^error: unknown option '--epoch'/);
  });
});
