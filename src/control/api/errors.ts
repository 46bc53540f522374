// SPDX-License-Identifier: Apache-2.0
// Maps everything a route can throw onto a registry error and its HTTP status.
import type { FastifyError } from 'fastify';
import { PrequelError, prequelError } from '../../errors/index.js';
import { PqlDiagnostics } from '../pql/diagnostics.js';
import type { ErrorBodyType } from './schemas.js';
import { validationProblems, type SchemaError } from './validation.js';

export interface ErrorMappingOptions {
  bodyLimit: number;
  bodyLimitSetting: string;
}

/** What an error message may say about the request that failed. */
export interface RequestSummary {
  /** e.g. `POST /sources`. */
  route: string;
  /** The Content-Type header as sent, if any. */
  contentType: string | undefined;
  /** Content types the route parses. */
  accepted: string[];
}

/** What a media type error names as received: the header, or its absence. */
export function receivedContentType(header: string | undefined): string {
  return header === undefined || header.trim() === ''
    ? 'none (the request has no Content-Type header)'
    : header;
}

/** The registry error for an error thrown while handling a request. */
export function toPrequelError(
  err: unknown,
  options: ErrorMappingOptions,
  request?: RequestSummary,
): PrequelError {
  if (err instanceof PrequelError) return err;
  const e = err as Partial<FastifyError> & { validationContext?: string };
  if (Array.isArray(e.validation)) {
    const part = e.validationContext ?? 'body';
    const problems = validationProblems(e.validation as SchemaError[], part);
    return prequelError('CONTROL_BAD_REQUEST', { part, problem: problems.join('; '), problems });
  }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return prequelError('CONTROL_BODY_TOO_LARGE', {
      limit: options.bodyLimit,
      setting: options.bodyLimitSetting,
    });
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return prequelError('CONTROL_UNSUPPORTED_MEDIA_TYPE', {
      contentType: receivedContentType(request?.contentType),
      route: request?.route ?? 'this route',
      expected: (request?.accepted ?? ['application/json']).join(' or '),
    });
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return prequelError('CONTROL_BAD_REQUEST', { part: 'body', problem: e.message ?? String(err) });
  }
  return prequelError('CONTROL_INTERNAL', { detail: e.message ?? String(err) }, err);
}

/** The JSON body of an error response; bigint details become strings. An invalid query
 * brings every diagnostic (line, column, code, message), not only the first. */
export function errorBody(err: PrequelError): ErrorBodyType {
  const details = jsonSafe(err.details) as Record<string, unknown>;
  const body: ErrorBodyType = { code: err.code, message: err.message, details };
  if (err instanceof PqlDiagnostics) body.diagnostics = err.diagnostics;
  return body;
}

/** `value` as plain JSON data: bigints become decimal strings. */
export function jsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null',
  );
}
