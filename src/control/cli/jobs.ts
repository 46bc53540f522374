// SPDX-License-Identifier: Apache-2.0
// `prequel jobs [list|show|cancel|rerun]`: inspect and steer jobs, including those a running
// server owns (cancel requests and reruns go through the shared metadata database).
import type { Command } from 'commander';
import { prequelError } from '../../errors/index.js';
import type { JobRecord, JobState } from '../metadata/jobs.js';
import { JOB_STATES } from '../metadata/jobs.js';
import { TERMINAL_STATES } from '../jobs/events.js';
import { createProgressRenderer } from './progress.js';
import {
  examples,
  groupHelp,
  guardSubcommands,
  nonNegativeInt,
  printJson,
  printTable,
  withCommonOptions,
  withWorkspace,
} from './common.js';
import type { CommonOptions } from './common.js';

interface ListOptions extends CommonOptions {
  state?: JobState;
  kind?: string;
  limit: number;
}

interface ShowOptions extends CommonOptions {
  logs?: boolean;
  follow?: boolean;
}

function describeJob(job: JobRecord): string {
  const progressNote = job.progressMessage ? ` ${job.progressMessage}` : '';
  const lines = [
    `job ${job.id} (${job.kind}): ${job.state}`,
    `  progress  ${Math.round(job.progress * 100)}%${progressNote}`,
    `  created   ${job.createdAt}`,
    `  started   ${job.startedAt ?? '-'}`,
    `  finished  ${job.finishedAt ?? '-'}`,
  ];
  if (job.rerunOf !== null) lines.push(`  rerun of  ${job.rerunOf}`);
  if (job.error !== null) lines.push(`  error     [${job.error.code}] ${job.error.message}`);
  if (job.result !== null) lines.push(`  result    ${JSON.stringify(job.result)}`);
  return lines.join('\n') + '\n';
}

export function registerJobsCommand(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('list, show, cancel and rerun jobs')
    .addHelpText(
      'after',
      groupHelp('jobs', [
        'prequel jobs',
        'prequel jobs show 12 --follow',
        'prequel jobs cancel 12',
        'prequel jobs rerun 12',
        'prequel jobs --json',
      ]),
    );

  const list = withCommonOptions(
    jobs.command('list', { isDefault: true }).description('list jobs, newest first'),
  );
  list
    .option('--state <state>', `only jobs in this state (${JOB_STATES.join(', ')})`)
    .option('--kind <kind>', 'only jobs of this kind')
    .option('--limit <n>', 'at most this many', nonNegativeInt('--limit'), 20)
    .addHelpText(
      'after',
      examples(['prequel jobs list --state running', 'prequel jobs list --json --limit 5']),
    )
    .action(async (options: ListOptions) => {
      if (options.state !== undefined && !JOB_STATES.includes(options.state)) {
        throw prequelError('CONTROL_INVALID_ARGUMENT', {
          name: '--state',
          expected: `one of ${JOB_STATES.join(', ')}`,
          received: options.state,
        });
      }
      const list = await withWorkspace(options, (p) =>
        p.listJobs({ state: options.state, kind: options.kind, limit: Math.max(1, options.limit) }),
      );
      if (options.json === true) return printJson(list);
      printTable(
        ['ID', 'KIND', 'STATE', 'PROGRESS', 'CREATED', 'ERROR'],
        list.map((j) => [
          j.id,
          j.kind,
          j.state,
          `${Math.round(j.progress * 100)}%`,
          j.createdAt,
          j.error?.code ?? '',
        ]),
      );
    });

  withCommonOptions(jobs.command('show').description('show one job').argument('<id>', 'job id'))
    .option('--logs', 'also print its log lines')
    .option('--follow', 'follow its progress until it ends (exit status 1 or 2 if it fails)')
    .addHelpText(
      'after',
      examples(['prequel jobs show 12 --logs', 'prequel jobs show 12 --follow']),
    )
    .action(async (id: string, options: ShowOptions) => {
      await withWorkspace(options, async (prequel) => {
        if (options.follow === true) {
          const renderer = createProgressRenderer({ json: options.json, stream: process.stdout });
          await new Promise<void>((resolve) => {
            const stop = prequel.watchJob(
              id,
              (event) => {
                renderer.event(event);
                if (event.type === 'state' && TERMINAL_STATES.has(event.state)) {
                  stop();
                  resolve();
                }
              },
              { pollMs: 200 },
            );
          });
          renderer.stop();
          const job = await prequel.getJob(id);
          if (job.state === 'failed' && job.error !== null) {
            throw prequelError(job.error.code, job.error.details);
          }
          return;
        }
        const job = await prequel.getJob(id);
        const logs = options.logs === true ? await prequel.jobLogs(id) : undefined;
        if (options.json === true) return printJson(logs === undefined ? job : { ...job, logs });
        process.stdout.write(describeJob(job));
        for (const line of logs ?? []) {
          process.stdout.write(`  ${line.at} [${line.level}] ${line.message}\n`);
        }
      });
    });

  withCommonOptions(
    jobs.command('cancel').description('cancel a queued or running job').argument('<id>', 'job id'),
  )
    .addHelpText('after', examples(['prequel jobs cancel 12']))
    .action(async (id: string, options: CommonOptions) => {
      const job = await withWorkspace(options, (p) => p.cancelJob(id));
      if (options.json === true) return printJson(job);
      const note =
        job.state === 'running' ? ' (stop requested; its server stops it within seconds)' : '';
      process.stdout.write(`job ${job.id}: ${job.state}${note}\n`);
    });

  withCommonOptions(
    jobs
      .command('rerun')
      .description('queue a failed or cancelled job again')
      .argument('<id>', 'job id'),
  )
    .addHelpText('after', examples(['prequel jobs rerun 12']))
    .action(async (id: string, options: CommonOptions) => {
      const job = await withWorkspace(options, (p) => p.rerunJob(id));
      if (options.json === true) return printJson(job);
      process.stdout.write(`queued job ${job.id} (rerun of ${id}); a running server picks it up\n`);
    });
  guardSubcommands(jobs, list);
}
