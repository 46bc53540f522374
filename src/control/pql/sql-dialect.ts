// SPDX-License-Identifier: Apache-2.0
// The two SQL dialects the label compiler targets. Everything dialect-specific is here: quoting,
// parameter markers, time arithmetic, anchor generation, ordered and list aggregates. Values are
// always bound as parameters (`$n` for DuckDB, `:n` for Snowflake), never spliced into the text.
import type { SqlDialect, SqlValue } from '../../data/connector.js';
import type { TimeUnit } from './ast.js';

export type ParamType = 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN' | 'TIMESTAMP';

export class SqlWriter {
  readonly params: SqlValue[] = [];

  constructor(readonly dialect: SqlDialect) {}

  /** Binds `value` and returns its marker, typed for the engine. */
  param(value: SqlValue, type: ParamType): string {
    this.params.push(value);
    const k = this.params.length;
    if (this.dialect === 'snowflake') {
      return type === 'TIMESTAMP' ? `TO_TIMESTAMP_NTZ(:${k}, 6)` : `:${k}`;
    }
    if (type === 'TIMESTAMP') return `make_timestamp(CAST($${k} AS BIGINT))`;
    return `CAST($${k} AS ${type})`;
  }

  ident(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  /** `t` plus `amount` (an SQL integer expression) of a fixed-size unit given in micros or months. */
  addTime(t: string, amount: string, unit: TimeUnit): string {
    const months = unit === 'months';
    if (this.dialect === 'snowflake') {
      return `DATEADD('${months ? 'month' : 'microsecond'}', ${amount}, ${t})`;
    }
    return months
      ? `(${t} + to_months(CAST(${amount} AS INTEGER)))`
      : `(${t} + to_microseconds(CAST(${amount} AS BIGINT)))`;
  }

  /** A table expression of integers 0..count-1 named `alias(column)`. */
  range(count: string, alias: string, column: string): string {
    if (this.dialect === 'snowflake') {
      return `(SELECT f.value::INTEGER AS ${column} FROM TABLE(FLATTEN(ARRAY_GENERATE_RANGE(0, ${count}))) f) AS ${alias}`;
    }
    return `range(${count}) AS ${alias}(${column})`;
  }

  nullTimestamp(): string {
    return this.dialect === 'snowflake' ? 'CAST(NULL AS TIMESTAMP_NTZ)' : 'CAST(NULL AS TIMESTAMP)';
  }

  double(expr: string): string {
    return `CAST(${expr} AS DOUBLE)`;
  }

  /** Value of the earliest (`first`) or latest row by `order`, ties broken by the value. */
  firstBy(value: string, order: string[], first: boolean): string {
    const dir = first ? 'ASC' : 'DESC';
    const keys = [...order, value].map((k) => `${k} ${dir}`).join(', ');
    if (this.dialect === 'snowflake') {
      return `GET(ARRAY_AGG(${value}) WITHIN GROUP (ORDER BY ${keys}), 0)`;
    }
    return `first(${value} ORDER BY ${keys})`;
  }

  listDistinct(value: string): string {
    return this.dialect === 'snowflake'
      ? `ARRAY_SORT(ARRAY_AGG(DISTINCT ${value}))`
      : `list_sort(list(DISTINCT ${value}))`;
  }

  /** Membership of `element` in a list value (or a `|`-separated string when `split`). */
  listContains(list: string, element: string, split: boolean): string {
    if (this.dialect === 'snowflake') {
      const arr = split ? `SPLIT(${list}, '|')` : list;
      return `ARRAY_CONTAINS(${element}::VARIANT, ${arr})`;
    }
    const arr = split ? `string_split(${list}, '|')` : list;
    return `list_contains(${arr}, ${element})`;
  }

  textOp(op: 'CONTAINS' | 'STARTS WITH' | 'ENDS WITH', value: string, pattern: string): string {
    const duck = { CONTAINS: 'contains', 'STARTS WITH': 'starts_with', 'ENDS WITH': 'suffix' };
    const snow = { CONTAINS: 'CONTAINS', 'STARTS WITH': 'STARTSWITH', 'ENDS WITH': 'ENDSWITH' };
    const fn = this.dialect === 'snowflake' ? snow[op] : duck[op];
    return `${fn}(${value}, ${pattern})`;
  }

  /** Stable pseudo-random bucket 0..99 of a key, for random static splits. */
  bucket(key: string): string {
    return this.dialect === 'snowflake' ? `MOD(ABS(HASH(${key})), 100)` : `(hash(${key}) % 100)`;
  }

  /** Microseconds since the epoch of a DATE or TIMESTAMP expression. */
  epochMicros(expr: string): string {
    return this.dialect === 'snowflake'
      ? `DATE_PART(epoch_microsecond, CAST(${expr} AS TIMESTAMP_NTZ))`
      : `epoch_us(CAST(${expr} AS TIMESTAMP))`;
  }
}
