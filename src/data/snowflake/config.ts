// SPDX-License-Identifier: Apache-2.0
// Options of the Snowflake connector and the credentials they name. Credentials live only in
// environment variables (a password, or the path of a private key file for key-pair auth): the
// options hold the variables' names, the connector reads them at connect and keeps nothing.
import { snowflakeError, type Endpoint } from './errors.js';

export interface SnowflakeOptions {
  account: string;
  user: string;
  database: string;
  schema: string;
  warehouse?: string;
  role?: string;
  /** Endpoint override (private link, proxy, a test double); default from the account. */
  accessUrl?: string;
  /** Variable holding the password; default SNOWFLAKE_PASSWORD. */
  passwordEnv?: string;
  /** Variable holding the private key file path (key-pair auth, preferred when set). */
  privateKeyPathEnv?: string;
  /** Variable holding the private key's passphrase, if it is encrypted. */
  privateKeyPassphraseEnv?: string;
  /** Where to read the variables; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Login attempts after the first on network errors; default 2. */
  loginRetries?: number;
  /** Timeout of one HTTP request in milliseconds; default 90000. */
  requestTimeoutMs?: number;
  /** Rows per result chunk handed to the caller; default 65536. */
  chunkRows?: number;
}

export const DEFAULT_ENV = {
  password: 'SNOWFLAKE_PASSWORD',
  privateKeyPath: 'SNOWFLAKE_PRIVATE_KEY_PATH',
  privateKeyPassphrase: 'SNOWFLAKE_PRIVATE_KEY_PASSPHRASE',
};

/** Validated options with defaults applied; no credential in here. */
export interface ResolvedOptions {
  account: string;
  user: string;
  database: string;
  schema: string;
  warehouse?: string;
  role?: string;
  accessUrl?: string;
  loginRetries: number;
  requestTimeoutMs: number;
  chunkRows: number;
  endpoint: Endpoint;
}

/** Checks the options and applies defaults. */
export function resolveOptions(options: SnowflakeOptions): ResolvedOptions {
  for (const key of ['account', 'user', 'database', 'schema'] as const) {
    requireText(key, options[key]);
  }
  for (const key of ['warehouse', 'role', 'accessUrl'] as const) {
    if (options[key] !== undefined) requireText(key, options[key]);
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(options.account)) {
    invalid('account', 'an account identifier (letters, digits, _ . -)', options.account);
  }
  if (options.accessUrl !== undefined && !/^https?:\/\/[^/]+$/.test(options.accessUrl)) {
    invalid('accessUrl', 'http(s)://host[:port] with no path', options.accessUrl);
  }
  const loginRetries = options.loginRetries ?? 2;
  const requestTimeoutMs = options.requestTimeoutMs ?? 90_000;
  const chunkRows = options.chunkRows ?? 65_536;
  if (!Number.isInteger(loginRetries) || loginRetries < 0) {
    invalid('loginRetries', 'an integer >= 0', loginRetries);
  }
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 1) {
    invalid('requestTimeoutMs', 'an integer >= 1', requestTimeoutMs);
  }
  if (!Number.isInteger(chunkRows) || chunkRows < 1)
    invalid('chunkRows', 'an integer >= 1', chunkRows);

  const host = options.accessUrl ?? `https://${options.account}.snowflakecomputing.com`;
  const method = envOf(options)[keyPathVariable(options)] ? 'key-pair' : 'password';
  return {
    account: options.account,
    user: options.user,
    database: options.database,
    schema: options.schema,
    warehouse: options.warehouse,
    role: options.role,
    accessUrl: options.accessUrl,
    loginRetries,
    requestTimeoutMs,
    chunkRows,
    endpoint: { account: options.account, host, user: options.user, method },
  };
}

/** The driver's credential options, read from the environment just before connecting. */
export function readCredentials(options: SnowflakeOptions): Record<string, string> {
  const env = envOf(options);
  const keyPath = env[keyPathVariable(options)];
  if (keyPath !== undefined && keyPath !== '') {
    const passphrase =
      env[options.privateKeyPassphraseEnv ?? DEFAULT_ENV.privateKeyPassphrase] ?? undefined;
    return {
      authenticator: 'SNOWFLAKE_JWT',
      privateKeyPath: keyPath,
      ...(passphrase === undefined ? {} : { privateKeyPass: passphrase }),
    };
  }
  const password = env[options.passwordEnv ?? DEFAULT_ENV.password];
  if (password !== undefined && password !== '') return { password };
  throw snowflakeError('SNOWFLAKE_CREDENTIALS_MISSING', {
    user: options.user,
    account: options.account,
    variables: `${keyPathVariable(options)} or ${options.passwordEnv ?? DEFAULT_ENV.password}`,
  });
}

function envOf(options: SnowflakeOptions): Readonly<Record<string, string | undefined>> {
  return options.env ?? process.env;
}

function keyPathVariable(options: SnowflakeOptions): string {
  return options.privateKeyPathEnv ?? DEFAULT_ENV.privateKeyPath;
}

function requireText(option: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '')
    invalid(option, 'a non-empty string', value);
}

function invalid(option: string, expected: string, received: unknown): never {
  throw snowflakeError('SNOWFLAKE_CONFIG_INVALID', { option, expected, received });
}
