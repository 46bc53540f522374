// SPDX-License-Identifier: Apache-2.0
// The command tree as a new user meets it: an unknown subcommand of any group is named as such
// with the group's subcommands (not as too many arguments for the default one); group help
// says that the subcommands take --json; inspect's help has examples; `prequel serve` is quiet
// by default (warnings and errors only; --log-level info logs requests) and warns when it
// listens beyond loopback.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT_OK, EXIT_USER_ERROR, buildProgram } from '../../src/control/cli/main.js';
import { isLoopback } from '../../src/control/cli/serve.js';
import { startServer } from '../support/cli-process.js';
import { captureCli, tempDir } from './helpers.js';

const cli = captureCli();
const { run } = cli;

let dir: string;

beforeAll(() => {
  dir = tempDir('prequel-cli-commands-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** [arguments, the error line]. */
const UNKNOWN: [string[], string][] = [
  [
    ['models', 'delete', '1'],
    "error: unknown command 'delete' for 'prequel models'; available: list, show",
  ],
  [['models', '3'], "error: unknown command '3' for 'prequel models'; available: list, show"],
  [
    ['sources', 'rm', 'shop'],
    "error: unknown command 'rm' for 'prequel sources'; available: list, show",
  ],
  [
    ['jobs', 'delete', '4'],
    "error: unknown command 'delete' for 'prequel jobs'; available: list, show, cancel, rerun",
  ],
  [
    ['jobs', '--limit', '5', 'purge'],
    "error: unknown command 'purge' for 'prequel jobs'; available: list, show, cancel, rerun",
  ],
  [
    ['token', 'delete', 'me'],
    "error: unknown command 'delete' for 'prequel token'; available: create, list, revoke",
  ],
  [['trian', 'q'], "error: unknown command 'trian' for 'prequel'; available: init, inspect,"],
  [['models', 'list', 'extra'], "error: too many arguments for 'list': it takes none, got extra"],
];

describe('unknown subcommands', () => {
  it.each(UNKNOWN)('prequel %j', async (args, expected) => {
    expect(await run(...args, '-w', join(dir, 'ws'))).toBe(EXIT_USER_ERROR);
    expect(cli.stderr).toContain(expected);
    expect(cli.stderr).not.toContain('Expected 0 arguments');
  });

  it('still run the default subcommand with options only', async () => {
    expect(await run('init', join(dir, 'ws-default'))).toBe(EXIT_OK);
    for (const group of ['models', 'sources', 'jobs']) {
      expect(await run(group, '--json', '-w', join(dir, 'ws-default')), group).toBe(EXIT_OK);
      expect(JSON.parse(cli.stdout), group).toEqual([]);
    }
    expect(await run('jobs', '--limit', '5', '-w', join(dir, 'ws-default'))).toBe(EXIT_OK);
  });
});

describe('help', () => {
  it.each(['models', 'sources', 'jobs', 'token'])(
    'of the %s group names the --json of its subcommands',
    async (group) => {
      expect(await run(group, '--help')).toBe(EXIT_OK);
      expect(cli.stdout).toContain('Every subcommand takes --json (machine-readable output)');
      expect(cli.stdout).toContain(`\`prequel ${group} <command> --help\` lists its options`);
    },
  );

  it('of inspect has examples', async () => {
    expect(await run('inspect', '--help')).toBe(EXIT_OK);
    expect(cli.stdout).toMatch(/\nExamples:\n {2}\$ prequel inspect \.\/shop\n/);
  });
});

/** Collects what a stream writes from now on. */
function collect(stream: NodeJS.ReadableStream): string[] {
  const chunks: string[] = [];
  stream.on('data', (d: Buffer) => chunks.push(d.toString()));
  return chunks;
}

const lines = (chunks: string[]) =>
  chunks
    .join('')
    .split('\n')
    .filter((l) => l !== '');

describe('prequel serve', () => {
  it('logs warnings and errors only by default', () => {
    const serve = buildProgram().commands.find((c) => c.name() === 'serve')!;
    const level = serve.options.find((o) => o.long === '--log-level')!;
    expect(level.defaultValue).toBe('warn');
    expect(serve.options.map((o) => o.long)).toContain('--upload-limit');
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['example.com', false],
  ])('counts %s as loopback: %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
  });

  it(
    'prints no request lines by default, ' + 'warns off loopback, and logs requests at info',
    async () => {
      const workspace = join(dir, 'ws-serve');
      expect(await run('init', workspace)).toBe(EXIT_OK);
      vi.restoreAllMocks();
      const quiet = await startServer(['-w', workspace, '--host', '0.0.0.0']);
      const quietOut = collect(quiet.process.stdout!);
      try {
        expect((await fetch(`${quiet.url}/health`)).status).toBe(200);
        expect((await fetch(`${quiet.url}/models`)).status).toBe(401);
      } finally {
        await quiet.stop();
      }
      expect(quiet.stderr()).toContain(
        'warning: --host 0.0.0.0 is not a loopback address: the API is reachable from the network',
      );
      expect(quiet.stderr()).toContain('note: the workspace has no API token yet');
      // After its listening line, the default server wrote its stopped event only.
      expect(lines(quietOut)).toEqual([expect.stringContaining('"event":"stopped"')]);

      const chatty = await startServer(['-w', workspace, '--log-level', 'info']);
      const chattyOut = collect(chatty.process.stdout!);
      try {
        expect((await fetch(`${chatty.url}/health`)).status).toBe(200);
      } finally {
        await chatty.stop();
      }
      expect(chatty.stderr()).not.toContain('loopback');
      expect(lines(chattyOut).some((l) => l.includes('"url":"/health"'))).toBe(true);
    },
    60_000,
  );
});
