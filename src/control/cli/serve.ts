// SPDX-License-Identifier: Apache-2.0
// `prequel serve`: the REST API over a workspace, on 127.0.0.1 unless told otherwise. Runs
// jobs in worker threads; stops cleanly on SIGINT / SIGTERM.
import { Option, type Command } from 'commander';
import {
  examples,
  nonNegativeInt,
  openWorkspace,
  withCommonOptions,
  workspaceDir,
} from './common.js';
import type { CommonOptions } from './common.js';

interface ServeOptions extends CommonOptions {
  port: number;
  host: string;
  bodyLimit: number;
  uploadLimit: number;
  rateLimit: number;
  maxJobs: number;
  logLevel: string;
}

export const DEFAULT_PORT = 7878;

export function registerServeCommand(program: Command): void {
  withCommonOptions(
    program
      .command('serve')
      .description('Serve the REST API (OpenAPI docs at /docs) over a workspace')
      .option(
        '-p, --port <n>',
        'TCP port (0 picks a free one)',
        nonNegativeInt('--port'),
        DEFAULT_PORT,
      )
      .option(
        '--host <address>',
        'address to bind; anything but loopback exposes the API',
        '127.0.0.1',
      )
      .option(
        '--body-limit <bytes>',
        'largest request body',
        nonNegativeInt('--body-limit'),
        1024 * 1024,
      )
      .option(
        '--rate-limit <n>',
        'requests per client per minute',
        nonNegativeInt('--rate-limit'),
        600,
      )
      .option('--max-jobs <n>', 'jobs run at once', nonNegativeInt('--max-jobs'), 2)
      .addOption(
        new Option('--log-level <level>', 'log level')
          .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info'),
      ),
  )
    .addHelpText(
      'after',
      examples([
        'prequel serve',
        'prequel serve --port 8080 --workspace ./f1-workspace',
        'prequel token create me && curl -H "Authorization: Bearer $TOKEN" localhost:7878/jobs',
      ]),
    )
    .action(async (options: ServeOptions) => {
      // Loaded here so that other commands do not pay for Fastify's start-up.
      const { buildApi } = await import('../api/app.js');
      const { createServerLogger } = await import('../api/logger.js');
      const logger = createServerLogger({
        level: options.logLevel,
        pretty: process.stdout.isTTY === true && options.json !== true,
      });
      const prequel = await openWorkspace({
        workspace: workspaceDir(options),
        logger,
        maxConcurrentJobs: Math.max(1, options.maxJobs),
      });
      const app = await buildApi(prequel, {
        logger,
        bodyLimit: options.bodyLimit,
        bodyLimitSetting: 'prequel serve --body-limit <bytes>',
        uploadLimit: options.uploadLimit,
        uploadLimitSetting: 'prequel serve --upload-limit <bytes>',
        rateLimit: { max: options.rateLimit, timeWindowMs: 60_000 },
      });
      try {
        await app.listen({ port: options.port, host: options.host });
      } catch (err) {
        await prequel.close();
        throw err;
      }
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      const url = `http://${host}:${port}`;
      if (options.json === true) {
        process.stdout.write(
          JSON.stringify({ event: 'listening', url, workspace: prequel.layout.root }) + '\n',
        );
      } else {
        process.stdout.write(
          `prequel serving ${prequel.layout.root} at ${url} (docs: ${url}/docs)\n`,
        );
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await app.close();
      await prequel.close();
    });
}
