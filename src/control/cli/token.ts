// SPDX-License-Identifier: Apache-2.0
// `prequel token create|list|revoke`: API tokens for the REST server (stored hashed).
import type { Command } from 'commander';
import {
  examples,
  groupHelp,
  guardSubcommands,
  printJson,
  printTable,
  withCommonOptions,
  withWorkspace,
} from './common.js';
import type { CommonOptions } from './common.js';

export function registerTokenCommand(program: Command): void {
  const token = program
    .command('token')
    .description('manage API tokens of the REST server')
    .addHelpText(
      'after',
      groupHelp('token', [
        'prequel token create ci-bot',
        'prequel token list --json',
        'prequel token revoke ci-bot',
      ]),
    );

  withCommonOptions(
    token
      .command('create')
      .description('create a token; it is printed once and only its hash is stored')
      .argument('<name>', 'a unique name for the token'),
  )
    .addHelpText(
      'after',
      examples(['prequel token create ci-bot', 'prequel token create ci-bot --json']),
    )
    .action(async (name: string, options: CommonOptions) => {
      const { token: secret, record } = await withWorkspace(options, (p) => p.createToken(name));
      if (options.json === true) printJson({ ...record, token: secret });
      else {
        process.stdout.write(`${secret}\n`);
        process.stderr.write(
          `created token ${record.name} (id ${record.id}); store it now, it is not shown again\n`,
        );
      }
    });

  withCommonOptions(token.command('list').description('list tokens (names and prefixes only)'))
    .addHelpText('after', examples(['prequel token list', 'prequel token list --json']))
    .action(async (options: CommonOptions) => {
      const tokens = await withWorkspace(options, (p) => p.listTokens());
      if (options.json === true) return printJson(tokens);
      printTable(
        ['ID', 'NAME', 'PREFIX', 'CREATED', 'LAST USED'],
        tokens.map((t) => [t.id, t.name, `${t.prefix}...`, t.createdAt, t.lastUsedAt ?? '-']),
      );
    });

  withCommonOptions(
    token
      .command('revoke')
      .description('revoke a token by name or id')
      .argument('<token>', 'token name or id'),
  )
    .addHelpText('after', examples(['prequel token revoke ci-bot']))
    .action(async (which: string, options: CommonOptions) => {
      const record = await withWorkspace(options, (p) => p.revokeToken(which));
      if (options.json === true) printJson(record);
      else process.stdout.write(`revoked token ${record.name} (id ${record.id})\n`);
    });
  guardSubcommands(token);
}
