// SPDX-License-Identifier: Apache-2.0
// `prequel init [dir]`: creates a workspace (directory layout and metadata database).
import type { Command } from 'commander';
import { DEFAULT_WORKSPACE, examples, initWorkspace, printJson } from './common.js';

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('Create a workspace: metadata database and artifact directories')
    .argument('[dir]', 'workspace directory', process.env.PREQUEL_WORKSPACE ?? DEFAULT_WORKSPACE)
    .option('--name <name>', 'a name for the workspace', 'default')
    .option('--json', 'print machine-readable JSON')
    .addHelpText(
      'after',
      examples(['prequel init', 'prequel init ./f1-workspace --name f1 --json']),
    )
    .action(async (dir: string, options: { name: string; json?: boolean }) => {
      const info = await initWorkspace(dir, options.name);
      if (options.json === true) printJson(info);
      else process.stdout.write(`created workspace ${info.name} at ${info.root}\n`);
    });
}
