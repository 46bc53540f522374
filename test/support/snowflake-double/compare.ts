// SPDX-License-Identifier: Apache-2.0
// Compares two typed results cell by cell (for DuckDB-vs-Snowflake parity tests). Kinds must
// match, with one allowance: Snowflake has a single integer type, NUMBER(p,0), so a DuckDB
// INTEGER column ('int') and its Snowflake image ('bigint') compare by value. Floats compare
// exactly (NaN equals NaN); NULL equals only NULL; lists compare element by element.
import { cellValue } from '../../../src/data/column-builder.js';
import type { ResultChunk, ResultColumn } from '../../../src/data/connector.js';

/** Describes each way `actual` differs from `expected`; empty when they are identical. */
export function resultDifferences(expected: ResultChunk, actual: ResultChunk): string[] {
  const out: string[] = [];
  if (expected.rows !== actual.rows)
    out.push(`rows: expected ${expected.rows}, got ${actual.rows}`);
  const names = (r: ResultChunk) => r.columns.map((c) => c.name).join(', ');
  if (names(expected) !== names(actual)) {
    out.push(`columns: expected [${names(expected)}], got [${names(actual)}]`);
    return out;
  }
  expected.columns.forEach((e, c) => {
    const a = actual.columns[c];
    if (!sameKind(e, a)) {
      out.push(`${e.name}: kind ${describeKind(e)} vs ${describeKind(a)}`);
      return;
    }
    for (let row = 0; row < Math.min(expected.rows, actual.rows); row++) {
      const x = normalise(cellValue(e, row));
      const y = normalise(cellValue(a, row));
      if (!sameValue(x, y)) out.push(`${e.name}[${row}]: expected ${show(x)}, got ${show(y)}`);
    }
  });
  return out;
}

function describeKind(column: ResultColumn): string {
  return column.kind === 'list' ? `list<${column.child.kind}>` : column.kind;
}

function integerish(kind: string): boolean {
  return kind === 'int' || kind === 'bigint';
}

function sameKind(a: ResultColumn, b: ResultColumn): boolean {
  if (a.kind === 'list' && b.kind === 'list') return sameKind(a.child, b.child);
  return a.kind === b.kind || (integerish(a.kind) && integerish(b.kind));
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  return Object.is(a, b) || (a === 0n && b === 0n);
}

function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  return JSON.stringify(value) ?? String(value);
}
