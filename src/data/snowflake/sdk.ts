// SPDX-License-Identifier: Apache-2.0
// The one place snowflake-sdk is loaded, lazily: the driver pulls in cloud SDKs and takes
// seconds to import, which only Snowflake users should pay. Its logger defaults to INFO on the
// console and a snowflake.log file; a library must not log, so it is switched off and handed a
// logger that drops everything before any connection exists. Callbacks become Promises here.
import type { Binds, Connection, ConnectionOptions, RowStatement } from 'snowflake-sdk';

export type { Connection, RowStatement } from 'snowflake-sdk';

type Driver = typeof import('snowflake-sdk');

let loading: Promise<Driver> | null = null;

function driver(): Promise<Driver> {
  loading ??= import('snowflake-sdk').then((module) => {
    const sdk = ((module as { default?: Driver }).default ?? module) as Driver;
    const drop = (): void => {};
    sdk.configure({
      logLevel: 'OFF',
      customLogger: { error: drop, warn: drop, info: drop, debug: drop, trace: drop },
    });
    return sdk;
  });
  return loading;
}

/** Creates a driver connection (no network yet). */
export async function createConnection(options: ConnectionOptions): Promise<Connection> {
  return (await driver()).createConnection(options);
}

/** Logs in; rejects with the driver's error. */
export function connect(connection: Connection): Promise<void> {
  return new Promise((resolve, reject) => {
    connection.connect((err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Sends one statement and resolves once the warehouse has answered with the result's
 * metadata; rows are then pulled with `streamRows()`, chunk by chunk, as the caller reads.
 * NUMBER comes back as exact text, VARIANT and BINARY as text.
 */
export function executeStreaming(
  connection: Connection,
  sqlText: string,
  binds: Binds | undefined,
): Promise<RowStatement> {
  return new Promise((resolve, reject) => {
    connection.execute({
      sqlText,
      binds,
      streamResult: true,
      rowMode: 'array',
      fetchAsString: ['Number', 'JSON', 'Buffer'],
      complete: (err, statement) => (err ? reject(err) : resolve(statement as RowStatement)),
    });
  });
}

/** Logs out and releases the driver's sockets. */
export function destroy(connection: Connection): Promise<void> {
  return new Promise((resolve, reject) => {
    connection.destroy((err) => (err ? reject(err) : resolve()));
  });
}
