// SPDX-License-Identifier: Apache-2.0
// Maps everything a route can throw onto a registry error and its HTTP status.
import type { FastifyError } from 'fastify';
import { PrequelError, prequelError } from '../../errors/index.js';
import type { ErrorBodyType } from './schemas.js';

export interface ErrorMappingOptions {
  bodyLimit: number;
  bodyLimitSetting: string;
}

/** The registry error for an error thrown while handling a request. */
export function toPrequelError(err: unknown, options: ErrorMappingOptions): PrequelError {
  if (err instanceof PrequelError) return err;
  const e = err as Partial<FastifyError> & { validationContext?: string };
  if (Array.isArray(e.validation)) {
    const problems = e.validation.map((v) => `${v.instancePath || '/'} ${v.message ?? ''}`.trim());
    return prequelError('CONTROL_BAD_REQUEST', {
      part: e.validationContext ?? 'body',
      problem: problems.join('; '),
      problems,
    });
  }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return prequelError('CONTROL_BODY_TOO_LARGE', {
      limit: options.bodyLimit,
      setting: options.bodyLimitSetting,
    });
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return prequelError('CONTROL_UNSUPPORTED_MEDIA_TYPE', {
      contentType: e.message?.match(/'([^']*)'/)?.[1] ?? 'this',
      expected: 'application/json',
    });
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return prequelError('CONTROL_BAD_REQUEST', { part: 'body', problem: e.message ?? String(err) });
  }
  return prequelError('CONTROL_INTERNAL', { detail: e.message ?? String(err) }, err);
}

/** The JSON body of an error response; bigint details become strings. */
export function errorBody(err: PrequelError): ErrorBodyType {
  const details = JSON.parse(
    JSON.stringify(err.details, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
  ) as Record<string, unknown>;
  return { code: err.code, message: err.message, details };
}
