// SPDX-License-Identifier: Apache-2.0
// The one error registry. Every error prequel raises is declared once, in a domain file beside
// this one, with a stable code, an HTTP status for the REST API and a message template whose
// {placeholders} name the argument, the expectation and the received value. A count's noun
// agrees with it as `{count} {count|anchor|anchors}`.
import { isOne } from '../text/plural.js';

export interface ErrorSpec {
  /** HTTP status the REST API answers with. */
  readonly status: number;
  /**
   * Message template; `{name}` is replaced by the detail of the same name, `{name|one|many}` by
   * `one` when that detail is 1 and by `many` otherwise.
   */
  readonly message: string;
}

export type ErrorTable = Readonly<Record<string, ErrorSpec>>;

/** Declares a domain's errors; the codes are checked for uniqueness when merged. */
export function defineErrors<T extends ErrorTable>(table: T): T {
  return table;
}

export type ErrorDetails = Record<string, unknown>;

function render(template: string, details: ErrorDetails): string {
  return template
    .replace(/\{(\w+)\|([^{}|]*)\|([^{}|]*)\}/g, (whole, key: string, one: string, many: string) =>
      key in details ? (isOne(details[key]) ? one : many) : whole,
    )
    .replace(/\{(\w+)\}/g, (whole, key: string) =>
      key in details ? formatValue(details[key]) : whole,
    );
}

/** Formats a received value for a message: strings quoted, long arrays cut. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) {
    const head = value.slice(0, 8).map(formatValue).join(', ');
    return value.length > 8 ? `[${head}, ... ${value.length} items]` : `[${head}]`;
  }
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** An error from the registry: `code` is stable, `details` holds the named values. */
export class PrequelError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: string, spec: ErrorSpec, details: ErrorDetails, cause?: unknown) {
    super(render(spec.message, details), cause === undefined ? undefined : { cause });
    this.name = 'PrequelError';
    this.code = code;
    this.status = spec.status;
    this.details = details;
  }
}
