// SPDX-License-Identifier: Apache-2.0
// Row ids are SQLite 64-bit integers. They travel as bigint inside the metadata layer and as
// decimal strings everywhere else (library API, JSON), so an id above 2^53 is never rounded.

const MAX_INT64 = (1n << 63n) - 1n;

/** Formats a row id for the outside world. */
export function idString(value: bigint | number): string {
  return typeof value === 'bigint' ? value.toString() : String(Math.trunc(value));
}

/** Parses a decimal id; returns null for anything that is not an id in the int64 range. */
export function parseId(text: string | bigint | number): bigint | null {
  if (typeof text === 'bigint') return text > 0n && text <= MAX_INT64 ? text : null;
  if (typeof text === 'number') return Number.isSafeInteger(text) && text > 0 ? BigInt(text) : null;
  if (!/^[0-9]{1,19}$/.test(text)) return null;
  const id = BigInt(text);
  return id > 0n && id <= MAX_INT64 ? id : null;
}

/** The current time as stored in the database (ISO 8601, UTC). */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Parses a JSON column, keeping null as null. */
export function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}
