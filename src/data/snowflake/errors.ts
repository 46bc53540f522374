// SPDX-License-Identifier: Apache-2.0
// Coded errors of the Snowflake connector, and the translation of snowflake-sdk's errors into
// them. The driver's own messages can quote request details, so a translated error keeps only
// the driver's error code, its SQLSTATE and a short reason, never the request.
import { PrequelError, type ErrorDetails } from '../../errors/registry.js';
import { snowflakeErrors } from '../../errors/snowflake.js';

export type SnowflakeErrorCode = keyof typeof snowflakeErrors;

/** Creates the registry error `code` of the Snowflake domain. */
export function snowflakeError(
  code: SnowflakeErrorCode,
  details: ErrorDetails,
  cause?: unknown,
): PrequelError {
  return new PrequelError(code, snowflakeErrors[code], details, cause);
}

/** Where a connection points, for messages: never a credential. */
export interface Endpoint {
  account: string;
  host: string;
  user: string;
  method: 'password' | 'key-pair';
}

interface DriverError {
  name?: string;
  code?: string | number;
  sqlState?: string;
  message?: string;
  cause?: { code?: string; message?: string };
}

const NETWORK_ERRORS = new Set(['NetworkError', 'RequestFailedError', 'LargeResultSetError']);

/** Translates an error of the driver's connect into a coded login or network error. */
export function connectError(err: unknown, endpoint: Endpoint): PrequelError {
  const e = (err ?? {}) as DriverError;
  if (NETWORK_ERRORS.has(e.name ?? '')) return networkError(e, endpoint);
  return snowflakeError(
    'SNOWFLAKE_LOGIN_FAILED',
    { ...where(endpoint), reason: reasonOf(e), driverCode: e.code ?? null },
    err,
  );
}

/** Translates an error of a statement into a coded query or network error. */
export function statementError(err: unknown, endpoint: Endpoint): PrequelError {
  const e = (err ?? {}) as DriverError;
  if (NETWORK_ERRORS.has(e.name ?? '')) return networkError(e, endpoint);
  return snowflakeError(
    'SNOWFLAKE_QUERY_FAILED',
    {
      account: endpoint.account,
      reason: reasonOf(e),
      sqlState: e.sqlState ?? 'unknown',
      driverCode: e.code ?? null,
    },
    err,
  );
}

function networkError(e: DriverError, endpoint: Endpoint): PrequelError {
  const reason = e.cause?.code ?? e.cause?.message ?? e.message ?? 'no answer';
  return snowflakeError('SNOWFLAKE_NETWORK_ERROR', { ...where(endpoint), reason }, e);
}

function where(endpoint: Endpoint): ErrorDetails {
  return {
    account: endpoint.account,
    host: endpoint.host,
    user: endpoint.user,
    method: endpoint.method,
  };
}

function reasonOf(e: DriverError): string {
  const message = (e.message ?? 'unknown error').split('\n').slice(0, 3).join(' ');
  return e.code === undefined ? message : `${message} (code ${e.code})`;
}
