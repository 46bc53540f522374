// SPDX-License-Identifier: Apache-2.0
// `prequel sources [list|show]`: the data sources registered in the workspace (by `prequel
// train --data`, `POST /sources` or the library), where their data lives and the tables of
// their latest graph version; one source in full with its settings, secret references and
// graph versions.
import type { Command } from 'commander';
import type { TableDef } from '../../data/graph-def.js';
import { PrequelError } from '../../errors/index.js';
import type { Prequel } from '../../prequel.js';
import { plural } from '../../text/plural.js';
import type { GraphVersion } from '../metadata/graphs.js';
import type { SourceRecord } from '../metadata/sources.js';
import {
  examples,
  groupHelp,
  guardSubcommands,
  printJson,
  printTable,
  withCommonOptions,
  withWorkspace,
  type CommonOptions,
} from './common.js';

/** Where a source's data lives: the DuckDB path, or the Snowflake account, database and schema. */
export function sourceLocation(source: SourceRecord): string {
  const s = source.settings;
  if (source.kind === 'snowflake') {
    const account = String(s.account ?? '?');
    const database = String(s.database ?? '?');
    const schema = String(s.schema ?? '?');
    return `snowflake ${account}/${database}.${schema}`;
  }
  return typeof s.path === 'string' ? s.path : '-';
}

async function latestGraph(prequel: Prequel, source: SourceRecord): Promise<GraphVersion | null> {
  try {
    return await prequel.getGraph(source.id, 'latest');
  } catch (err) {
    if (err instanceof PrequelError && err.code === 'CONTROL_GRAPH_NOT_FOUND') return null;
    throw err;
  }
}

/** A source with its location and the tables of its latest graph (null: none inferred yet). */
async function withTables(prequel: Prequel, source: SourceRecord) {
  const graph = await latestGraph(prequel, source);
  return {
    ...source,
    location: sourceLocation(source),
    graphVersion: graph?.version ?? null,
    tables: graph?.definition.tables.map((t) => t.name) ?? null,
  };
}

function describeTable(table: TableDef): string {
  const rows = table.rowCount === undefined ? '' : ` (${plural(table.rowCount, 'row')})`;
  const links = table.foreignKeys.map((fk) => `${fk.column} -> ${fk.references}`).join(', ');
  const parts = [
    `key ${table.primaryKey ?? '-'}`,
    `time ${table.timeColumn ?? '- (static)'}`,
    ...(links === '' ? [] : [`links ${links}`]),
  ];
  return `    ${table.name}${rows}: ${parts.join('; ')}`;
}

export function registerSourcesCommand(program: Command): void {
  const sources = program
    .command('sources')
    .description('list and show the data sources registered in the workspace')
    .addHelpText(
      'after',
      groupHelp('sources', [
        'prequel sources',
        'prequel sources show shop',
        'prequel sources --json',
      ]),
    );

  const list = withCommonOptions(
    sources
      .command('list', { isDefault: true })
      .description('list data sources: name, kind, location and the tables of the latest graph'),
  );
  list
    .addHelpText('after', examples(['prequel sources list', 'prequel sources list --json']))
    .action(async (options: CommonOptions) => {
      const list = await withWorkspace(options, async (prequel) => {
        const records = await prequel.listSources();
        return Promise.all(records.map((s) => withTables(prequel, s)));
      });
      if (options.json === true) return printJson(list);
      if (list.length === 0) {
        process.stdout.write(
          '(none: `prequel train --data <dir>` or POST /sources registers one)\n',
        );
        return;
      }
      printTable(
        ['ID', 'NAME', 'KIND', 'LOCATION', 'GRAPH', 'TABLES'],
        list.map((s) => [
          s.id,
          s.name,
          s.kind,
          s.location,
          s.graphVersion === null ? '-' : `v${s.graphVersion}`,
          s.tables === null ? '- (not inspected yet)' : s.tables.join(', '),
        ]),
      );
    });

  withCommonOptions(
    sources
      .command('show')
      .description('show one data source: settings, secret references, graph versions, tables')
      .argument('<source>', 'source name or id'),
  )
    .addHelpText('after', examples(['prequel sources show shop', 'prequel sources show 1 --json']))
    .action(async (which: string, options: CommonOptions) => {
      await withWorkspace(options, async (prequel) => {
        const source = await prequel.getSource(which);
        const graph = await latestGraph(prequel, source);
        const versions = await prequel.listGraphVersions(source.id);
        if (options.json === true) {
          return printJson({
            ...source,
            location: sourceLocation(source),
            graphVersions: versions,
            graph: graph?.definition ?? null,
          });
        }
        const lines = [
          `source ${source.id} (${source.name}): ${source.kind}`,
          `  location  ${sourceLocation(source)}`,
          `  created   ${source.createdAt}`,
        ];
        for (const [name, value] of Object.entries(source.settings)) {
          lines.push(`  setting   ${name} = ${JSON.stringify(value)}`);
        }
        for (const [name, ref] of Object.entries(source.secrets)) {
          lines.push(`  secret    ${name} from ${'env' in ref ? `$${ref.env}` : ref.keyFile}`);
        }
        if (graph === null) {
          lines.push(
            `  graph     none yet (\`prequel train --source ${source.name}\` ` +
              `or POST /sources/${source.name}/inspect infers it)`,
          );
        } else {
          const count = plural(versions.length, 'version');
          const latest = `version ${graph.version}, the latest of ${count}`;
          lines.push(`  graph     ${latest}, created ${graph.createdAt}`);
          lines.push(`  tables    ${graph.definition.tables.length}`);
          for (const table of graph.definition.tables) lines.push(describeTable(table));
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
  guardSubcommands(sources, list);
}
