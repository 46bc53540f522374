// SPDX-License-Identifier: Apache-2.0
// `prequel models [list|show]`: the models trained in the workspace, with their test metric,
// and one model in full (query, metrics next to baselines, files, prediction sets).
import type { Command } from 'commander';
import {
  examples,
  groupHelp,
  guardSubcommands,
  nonNegativeInt,
  printJson,
  printTable,
  withCommonOptions,
  withWorkspace,
  type CommonOptions,
} from './common.js';
import { describeModel, headlineMetric } from './model-output.js';
import { plural } from '../../text/plural.js';

interface ListOptions extends CommonOptions {
  limit: number;
}

export function registerModelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description('list and show trained models')
    .addHelpText(
      'after',
      groupHelp('models', ['prequel models', 'prequel models show 3', 'prequel models --json']),
    );

  const list = withCommonOptions(
    models.command('list', { isDefault: true }).description('list models, newest first'),
  );
  list
    .option('--limit <n>', 'at most this many', nonNegativeInt('--limit'), 20)
    .addHelpText('after', examples(['prequel models list', 'prequel models list --json']))
    .action(async (options: ListOptions) => {
      const list = await withWorkspace(options, (p) =>
        p.listModels({ limit: Math.max(1, options.limit) }),
      );
      if (options.json === true) return printJson(list);
      printTable(
        ['ID', 'NAME', 'TEST', 'CREATED'],
        list.map((m) => [m.id, m.name, headlineMetric(m), m.createdAt]),
      );
    });

  withCommonOptions(
    models.command('show').description('show one model').argument('<id>', 'model id'),
  )
    .addHelpText('after', examples(['prequel models show 3', 'prequel models show 3 --json']))
    .action(async (id: string, options: CommonOptions) => {
      await withWorkspace(options, async (prequel) => {
        const model = await prequel.getModel(id);
        const files = await prequel.modelFiles(id);
        const sets = await prequel.listPredictionSets({ model: id, limit: 10 });
        if (options.json === true) return printJson({ ...model, files, predictionSets: sets });
        process.stdout.write(describeModel(model, files));
        if (sets.length > 0) {
          process.stdout.write('\nprediction sets:\n');
          for (const s of sets) {
            const formats = s.files.map((f) => f.format).join(', ');
            process.stdout.write(
              `  ${s.id}  ${plural(s.rowCount, 'row')} as of ${s.anchorTime}  (${formats})\n`,
            );
          }
        }
      });
    });
  guardSubcommands(models, list);
}
