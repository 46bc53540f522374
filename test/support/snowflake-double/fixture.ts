// SPDX-License-Identifier: Apache-2.0
// Test helpers around the Snowflake double: start one with a known account and user, and
// open a SnowflakeConnector against it with the password in a private environment object.
import {
  SnowflakeConnector,
  type SnowflakeOptions,
} from '../../../src/data/snowflake/connector.js';
import { SnowflakeDouble, type SnowflakeDoubleOptions } from './server.js';

export const ACCOUNT = 'prequel_test';
export const USER = 'ANALYST';
export const PASSWORD = 's3cr3t-Pa55word-never-logged';
export const DATABASE = 'PREQUEL';
export const SCHEMA = 'PUBLIC';

/** Starts a double knowing USER/PASSWORD on ACCOUNT, with DATABASE.SCHEMA created. */
export function startDouble(
  options: Partial<SnowflakeDoubleOptions> = {},
): Promise<SnowflakeDouble> {
  return SnowflakeDouble.start({
    account: ACCOUNT,
    users: [{ name: USER, password: PASSWORD }],
    database: DATABASE,
    schema: SCHEMA,
    ...options,
  });
}

/** Connector options pointing at `double`, reading the password from a private env. */
export function optionsFor(
  double: SnowflakeDouble,
  overrides: Partial<SnowflakeOptions> = {},
): SnowflakeOptions {
  return {
    account: ACCOUNT,
    user: USER,
    database: DATABASE,
    schema: SCHEMA,
    warehouse: 'TEST_WH',
    accessUrl: double.url,
    env: { SNOWFLAKE_PASSWORD: PASSWORD },
    loginRetries: 0,
    ...overrides,
  };
}

/** Runs `body` with a connector on `double`, closing it afterwards. */
export async function withConnector<T>(
  double: SnowflakeDouble,
  body: (connector: SnowflakeConnector) => Promise<T>,
  overrides: Partial<SnowflakeOptions> = {},
): Promise<T> {
  const connector = await SnowflakeConnector.connect(optionsFor(double, overrides));
  try {
    return await body(connector);
  } finally {
    await connector.close();
  }
}
