// SPDX-License-Identifier: Apache-2.0
// Merges the domain tables into the one registry and offers `raise` / `fromNative`.
import { nativeErrors } from './native.js';
import { storeErrors } from './store.js';
import { samplerErrors } from './sampler.js';
import { dataErrors } from './data.js';
import { pqlErrors } from './pql.js';
import { gnnErrors } from './gnn.js';
import { controlErrors } from './control.js';
import { trainErrors } from './train.js';
import { snowflakeErrors } from './snowflake.js';
import { webgpuErrors } from './webgpu.js';
import { PrequelError, type ErrorDetails, type ErrorSpec, type ErrorTable } from './registry.js';

export { PrequelError, formatValue, type ErrorDetails, type ErrorSpec } from './registry.js';

const tables = [
  nativeErrors,
  storeErrors,
  samplerErrors,
  dataErrors,
  pqlErrors,
  gnnErrors,
  controlErrors,
  trainErrors,
  snowflakeErrors,
  webgpuErrors,
];

function merge(): Readonly<Record<string, ErrorSpec>> {
  const all: Record<string, ErrorSpec> = {};
  for (const table of tables) {
    for (const [code, spec] of Object.entries(table as ErrorTable)) {
      if (code in all) throw new Error(`error code ${code} is declared twice`);
      all[code] = spec;
    }
  }
  return Object.freeze(all);
}

export const ERRORS = merge();

export type ErrorCode =
  | keyof typeof nativeErrors
  | keyof typeof storeErrors
  | keyof typeof samplerErrors
  | keyof typeof dataErrors
  | keyof typeof pqlErrors
  | keyof typeof gnnErrors
  | keyof typeof controlErrors
  | keyof typeof trainErrors
  | keyof typeof snowflakeErrors
  | keyof typeof webgpuErrors;

/** Creates the registry error `code` with its named details. */
export function prequelError(code: string, details: ErrorDetails = {}, cause?: unknown) {
  const spec = ERRORS[code];
  if (spec === undefined) throw new Error(`unknown error code ${code}`);
  return new PrequelError(code, spec, details, cause);
}

/** Throws the registry error `code`. */
export function raise(code: string, details: ErrorDetails = {}, cause?: unknown): never {
  throw prequelError(code, details, cause);
}

/**
 * Converts an error thrown by the native addon (a plain Error with a `code` from the registry)
 * into a PrequelError; anything else is returned unchanged.
 */
export function fromNative(err: unknown): unknown {
  if (err instanceof PrequelError) return err;
  if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string') {
    const code = (err as unknown as { code: string }).code;
    const spec = ERRORS[code];
    if (spec !== undefined) {
      const e = new PrequelError(code, { ...spec, message: '{detail}' }, { detail: err.message });
      e.stack = err.stack;
      return e;
    }
  }
  return err;
}

/** Runs a native call and rethrows its errors as PrequelErrors. */
export function callNative<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw fromNative(err);
  }
}

/** Awaits a native Promise and rethrows its rejection as a PrequelError. */
export async function awaitNative<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    throw fromNative(err);
  }
}
