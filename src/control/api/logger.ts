// SPDX-License-Identifier: Apache-2.0
// The server's pino logger: structured request logs, with credentials redacted.
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
];

/**
 * A pino logger for `prequel serve`: JSON lines to `destination` (default stdout), or
 * human-readable lines when `pretty` is set (a terminal).
 */
export function createServerLogger(
  options: { level?: string; destination?: DestinationStream; pretty?: boolean } = {},
): Logger {
  const destination =
    options.pretty === true ? pretty({ colorize: true, destination: 1 }) : options.destination;
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
