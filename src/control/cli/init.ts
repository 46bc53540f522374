// SPDX-License-Identifier: Apache-2.0
// `prequel init [dir]`: creates a workspace (directory layout and metadata database). Idempotent:
// a workspace already there (say one `prequel train` created) is reported and left as it is;
// only a --name other than its own is refused, since a workspace keeps its name.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { raise } from '../../errors/index.js';
import { workspaceLayout } from '../../workspace/layout.js';
import { DEFAULT_WORKSPACE, examples, initWorkspace, openWorkspace, printJson } from './common.js';

interface InitOptions {
  name: string;
  json?: boolean;
}

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('create a workspace: metadata database and artifact directories')
    .argument('[dir]', 'workspace directory', process.env.PREQUEL_WORKSPACE ?? DEFAULT_WORKSPACE)
    .option('--name <name>', 'a name for the workspace', 'default')
    .option('--json', 'print machine-readable JSON')
    .addHelpText(
      'after',
      examples(['prequel init', 'prequel init ./f1-workspace --name f1 --json']),
    )
    .action(async (dir: string, options: InitOptions, command: Command) => {
      if (!existsSync(workspaceLayout(dir).marker)) {
        const info = await initWorkspace(dir, options.name);
        if (options.json === true) printJson({ ...info, created: true });
        else process.stdout.write(`created workspace ${info.name} at ${info.root}\n`);
        return;
      }
      const prequel = await openWorkspace({ workspace: dir, runJobs: false });
      let info;
      try {
        info = prequel.workspaceInfo();
      } finally {
        await prequel.close();
      }
      if (command.getOptionValueSource('name') === 'cli' && options.name !== info.name) {
        raise('CONTROL_INVALID_ARGUMENT', {
          name: '--name',
          expected:
            `${info.name}, the name of the workspace already at ${info.root} ` +
            '(a workspace keeps its name)',
          received: options.name,
        });
      }
      if (options.json === true) printJson({ ...info, created: false });
      else {
        process.stdout.write(
          `workspace ${info.name} already exists at ${info.root} (created ${info.createdAt}); ` +
            'nothing to do\n',
        );
      }
    });
}
