// SPDX-License-Identifier: Apache-2.0
// Time arithmetic on microseconds since the epoch (UTC, bigint), matching the SQL engines:
// fixed units add exact microseconds, months move the calendar month and clamp the day to the
// month's length (2024-01-31 + 1 month = 2024-02-29), as DuckDB and Snowflake do.
import type { TimeUnit } from './ast.js';
import { plural } from '../../text/plural.js';

export interface Duration {
  n: number;
  unit: TimeUnit;
}

export const MICROS: Record<Exclude<TimeUnit, 'months'>, bigint> = {
  seconds: 1_000_000n,
  minutes: 60_000_000n,
  hours: 3_600_000_000n,
  days: 86_400_000_000n,
  weeks: 604_800_000_000n,
};
const DAY = MICROS.days;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function civil(micros: bigint): { y: number; m: number; d: number; rest: bigint } {
  const days = floorDiv(micros, DAY);
  const rest = micros - days * DAY;
  const date = new Date(Number(days) * 86_400_000);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate(), rest };
}

function daysFromCivil(y: number, m: number, d: number): bigint {
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return BigInt(Math.round(date.getTime() / 86_400_000));
}

/** `t` plus `n` calendar months, day clamped to the target month. */
export function addMonths(t: bigint, n: number): bigint {
  const { y, m, d, rest } = civil(t);
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  const last = new Date(Date.UTC(2000, nm, 0));
  last.setUTCFullYear(ny, nm, 0);
  const day = Math.min(d, last.getUTCDate());
  return daysFromCivil(ny, nm, day) * DAY + rest;
}

/** `t` plus `k` times `step`. */
export function addDuration(t: bigint, step: Duration, k = 1): bigint {
  if (step.unit === 'months') return addMonths(t, step.n * k);
  return t + BigInt(step.n) * BigInt(k) * MICROS[step.unit];
}

/** Approximate length in microseconds (months as 30.436875 days), for ordering only. */
export function approxMicros(d: Duration): number {
  const unit = d.unit === 'months' ? 30.436875 * 86_400e6 : Number(MICROS[d.unit]);
  return d.n * unit;
}

/** Formats a timestamp as `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC). */
export function formatTimestamp(t: bigint): string {
  const { y, m, d, rest } = civil(t);
  const secs = rest / 1_000_000n;
  const us = rest % 1_000_000n;
  const hh = secs / 3600n;
  const mm = (secs % 3600n) / 60n;
  const ss = secs % 60n;
  const p = (v: bigint | number, w = 2) => v.toString().padStart(w, '0');
  const frac = us === 0n ? '' : `.${p(us, 6)}`;
  const year = y < 0 ? `-${p(-y, 4)}` : p(y, 4);
  return `${year}-${p(m)}-${p(d)} ${p(hh)}:${p(mm)}:${p(ss)}${frac}`;
}

/** Formats a span of microseconds, e.g. `5 minutes`, `1 microsecond`, `2 days 3 hours`. */
export function formatGap(micros: bigint): string {
  if (micros < 0n) return `-${formatGap(-micros)}`;
  if (micros === 0n) return '0 microseconds';
  const parts: string[] = [];
  let rest = micros;
  const units: [bigint, string][] = [
    [DAY, 'day'],
    [MICROS.hours, 'hour'],
    [MICROS.minutes, 'minute'],
    [MICROS.seconds, 'second'],
    [1n, 'microsecond'],
  ];
  for (const [size, name] of units) {
    const k = rest / size;
    if (k > 0n) parts.push(`${k} ${name}${k === 1n ? '' : 's'}`);
    rest -= k * size;
  }
  return parts.join(' ');
}

export function formatDuration(d: Duration): string {
  return plural(d.n, d.unit.replace(/s$/, ''), d.unit);
}
