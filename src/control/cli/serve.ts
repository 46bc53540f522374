// SPDX-License-Identifier: Apache-2.0
// `prequel serve`: the REST API over a workspace, on 127.0.0.1 unless told otherwise. Runs
// jobs in worker threads; stops cleanly on SIGINT / SIGTERM: it stops taking requests, cancels
// the jobs it runs (as `prequel jobs cancel` does) and waits for them to end, closes the
// workspace, then exits with 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM) when
// it cancelled a job, or 0 when none ran. A second signal quits at once.
import { constants } from 'node:os';
import { Option, type Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { prequelError, raise } from '../../errors/index.js';
import { ownedByThisProcess } from '../jobs/orchestrator.js';
import type { Prequel } from '../../prequel.js';
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

/** How long a stopping server waits for its cancelled jobs beyond their grace time. */
const JOB_STOP_WAIT_MS = 15_000;
/** How long a stopping server waits for open requests before closing their connections. */
const REQUEST_DRAIN_MS = 2_000;
/** How long after the workspace closed the process may take to exit by itself. */
const EXIT_WAIT_MS = 5_000;

type StopSignal = 'SIGINT' | 'SIGTERM';

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Stops a serving process: no new requests, the jobs this process runs cancelled and awaited
 * (each ends as `cancelled`; one that has not stopped after the wait is recorded as interrupted
 * when the workspace closes), open requests given a moment to finish, the workspace closed.
 * Returns the ids of the jobs it cancelled.
 */
async function shutDown(app: FastifyInstance, prequel: Prequel, logger: Logger): Promise<string[]> {
  const closing = app.close();
  const running = (await prequel.listJobs({ state: 'running', limit: 1000 })).filter((job) =>
    ownedByThisProcess(job.owner),
  );
  const cancelled: string[] = [];
  for (const job of running) {
    try {
      await prequel.cancelJob(job.id);
      cancelled.push(job.id);
    } catch {
      // It ended meanwhile.
    }
  }
  await Promise.all(
    cancelled.map(async (id) => {
      try {
        const ended = await prequel.waitForJob(id, { timeoutMs: JOB_STOP_WAIT_MS });
        logger.info({ jobId: id, state: ended.state }, 'job stopped for shutdown');
      } catch (err) {
        logger.warn({ jobId: id, err }, 'job did not stop in time');
      }
    }),
  );
  // Event streams end with their job; anything still open after a moment is cut.
  const drained = await Promise.race([closing.then(() => true), delay(REQUEST_DRAIN_MS)]);
  if (!drained) app.server.closeAllConnections();
  await closing;
  await prequel.close();
  return cancelled;
}

const MAX_PORT = 65_535;

const NO_SUCH_ADDRESS =
  'no network interface of this machine has that address; give a --host it has (default 127.0.0.1)';
const NO_SUCH_NAME = 'the host name does not resolve; give an address such as 127.0.0.1';
const PRIVILEGED_PORT =
  'permission denied (ports below 1024 need privileges); give a --port of 1024 or more';

/** The coded error for an operating system's refusal to listen on the port or address. */
function listenError(err: unknown, options: ServeOptions): unknown {
  const where = { host: options.host, port: options.port };
  switch ((err as { code?: unknown } | null)?.code) {
    case 'EADDRINUSE':
      return prequelError('CONTROL_PORT_IN_USE', where, err);
    case 'EADDRNOTAVAIL':
      return prequelError('CONTROL_LISTEN_FAILED', { ...where, reason: NO_SUCH_ADDRESS }, err);
    case 'ENOTFOUND':
      return prequelError('CONTROL_LISTEN_FAILED', { ...where, reason: NO_SUCH_NAME }, err);
    case 'EACCES':
      return prequelError('CONTROL_LISTEN_FAILED', { ...where, reason: PRIVILEGED_PORT }, err);
    default:
      return err;
  }
}

/** Whether `host` is a loopback address or name: only this machine reaches it. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * What a server's user should know before clients connect: an address other than loopback
 * makes the API reachable from the network (tokens guard it, the traffic is plain HTTP), and a
 * workspace without a token refuses every request but /health and /docs.
 */
export async function exposureWarnings(prequel: Prequel, host: string): Promise<string[]> {
  const warnings: string[] = [];
  if (!isLoopback(host)) {
    warnings.push(
      `warning: --host ${host} is not a loopback address: the API is reachable from the ` +
        'network. Every request needs a bearer token, sent in plain HTTP: put a TLS proxy in ' +
        'front of it, or serve on 127.0.0.1 (the default)',
    );
  }
  if ((await prequel.listTokens()).length === 0) {
    warnings.push(
      'note: the workspace has no API token yet, so every request but /health and /docs is ' +
        'refused; create one with `prequel token create <name>`',
    );
  }
  return warnings;
}

export function registerServeCommand(program: Command): void {
  withCommonOptions(
    program
      .command('serve')
      .description('serve the REST API (OpenAPI docs at /docs) over a workspace')
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
      .option(
        '--upload-limit <bytes>',
        'largest streamed upload of entity ids (POST /models/:id/predictions/upload)',
        nonNegativeInt('--upload-limit'),
        1024 * 1024 * 1024,
      )
      .option('--max-jobs <n>', 'jobs run at once', nonNegativeInt('--max-jobs'), 2)
      .addOption(
        new Option(
          '--log-level <level>',
          'log level: warn (default) logs warnings and errors; info also logs every request ' +
            'and job state',
        )
          .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('warn'),
      ),
  )
    .addHelpText(
      'after',
      examples([
        'prequel serve',
        'prequel serve --port 8080 --workspace ./f1-workspace',
        'prequel serve --log-level info   # also log every request',
        'prequel token create me && curl -H "Authorization: Bearer $TOKEN" localhost:7878/jobs',
      ]),
    )
    .action(async (options: ServeOptions) => {
      if (options.port > MAX_PORT) raise('CONTROL_PORT_INVALID', { port: options.port });
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
        throw listenError(err, options);
      }
      for (const warning of await exposureWarnings(prequel, options.host)) {
        process.stderr.write(`${warning}\n`);
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
      const signal = await new Promise<StopSignal>((resolve) => {
        const stop = (received: StopSignal) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          // A second signal while stopping quits at once; jobs still running are recorded as
          // interrupted (rerunnable) by the next process that opens the workspace.
          const quit = (again: StopSignal) => process.exit(128 + constants.signals[again]);
          process.once('SIGINT', quit);
          process.once('SIGTERM', quit);
          resolve(received);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      logger.info({ signal }, 'stopping');
      const cancelled = await shutDown(app, prequel, logger);
      const code = cancelled.length > 0 ? 128 + constants.signals[signal] : 0;
      if (options.json === true) {
        process.stdout.write(
          JSON.stringify({ event: 'stopped', signal, cancelledJobs: cancelled }) + '\n',
        );
      } else {
        const jobs = cancelled.length === 0 ? '' : `; cancelled job ${cancelled.join(', ')}`;
        process.stdout.write(`prequel stopped by ${signal}${jobs}\n`);
      }
      // The exit code is set as the process exits (the CLI's own result is 0); should anything
      // still hold the event loop, the process exits anyway.
      process.once('exit', () => {
        process.exitCode = code;
      });
      setTimeout(() => process.exit(code), EXIT_WAIT_MS).unref();
    });
}
