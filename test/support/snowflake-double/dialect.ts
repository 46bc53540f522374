// SPDX-License-Identifier: Apache-2.0
// Part of the Snowflake test double (see server.ts): lets DuckDB run the Snowflake SQL that
// prequel's own SQL writers emit (src/data/sql.ts, src/control/pql/sql-dialect.ts). Simple
// functions become DuckDB macros; constructs DuckDB cannot parse are rewritten in the text,
// outside string literals and quoted identifiers. This is a shim for those writers, not a
// Snowflake SQL implementation: anything else must already be valid DuckDB SQL.

/** DuckDB macros standing in for Snowflake functions, created once per double. */
export const SNOWFLAKE_MACROS = [
  // TO_TIMESTAMP_NTZ(text or timestamp), and (number, scale) as 10^-scale seconds.
  `CREATE MACRO TO_TIMESTAMP_NTZ(x) AS CAST(x AS TIMESTAMP),
     (x, s) AS make_timestamp(CAST(CASE WHEN s <= 6
       THEN CAST(x AS HUGEINT) * CAST(10 ** (6 - s) AS HUGEINT)
       ELSE CAST(x AS HUGEINT) // CAST(10 ** (s - 6) AS HUGEINT) END AS BIGINT))`,
  'CREATE MACRO TRY_TO_TIMESTAMP_NTZ(x) AS TRY_CAST(x AS TIMESTAMP)',
  'CREATE MACRO TIMESTAMP_NTZ_FROM_PARTS(d, t) AS CAST(d AS DATE) + CAST(t AS TIME)',
  'CREATE MACRO TO_DATE(x) AS CAST(x AS DATE)',
  'CREATE MACRO TO_TIME(x) AS CAST(x AS TIME)',
  'CREATE MACRO TRY_TO_TIME(x) AS TRY_CAST(x AS TIME)',
  'CREATE MACRO TO_VARCHAR(x) AS CAST(x AS VARCHAR)',
  `CREATE MACRO DATEADD(part, n, t) AS t + CASE lower(part)
     WHEN 'microsecond' THEN to_microseconds(CAST(n AS BIGINT))
     WHEN 'millisecond' THEN to_milliseconds(CAST(n AS BIGINT))
     WHEN 'second' THEN to_seconds(CAST(n AS BIGINT))
     WHEN 'minute' THEN to_minutes(CAST(n AS BIGINT))
     WHEN 'hour' THEN to_hours(CAST(n AS BIGINT))
     WHEN 'day' THEN to_days(CAST(n AS INTEGER))
     WHEN 'week' THEN to_weeks(CAST(n AS INTEGER))
     WHEN 'month' THEN to_months(CAST(n AS INTEGER))
     WHEN 'year' THEN to_years(CAST(n AS INTEGER)) END`,
  'CREATE MACRO ARRAY_GENERATE_RANGE(a, b) AS range(a, b)',
  'CREATE MACRO SF_GET(a, i) AS a[i + 1]',
  'CREATE MACRO SF_ARRAY_CONTAINS(v, a) AS list_contains(a, v)',
  'CREATE MACRO STARTSWITH(a, b) AS starts_with(a, b)',
  'CREATE MACRO ENDSWITH(a, b) AS suffix(a, b)',
];

/** Rewrites Snowflake SQL from prequel's writers into DuckDB SQL (see the file comment). */
export function toDuckDbSql(sql: string): string {
  const { masked, quoted } = maskQuoted(sql);
  let text = masked;

  // Numbered binds :1 become $1 (a `::` cast is left alone).
  text = text.replace(/(?<!:):(\d+)/g, (_, n: string) => `$${n}`);
  // Types and casts DuckDB spells differently.
  text = text.replace(/\bTIMESTAMP_NTZ\b/gi, 'TIMESTAMP').replace(/::VARIANT\b/gi, '');
  // NUMBER(38,0), Snowflake's INTEGER, as HUGEINT (also reported as 38 digits): DuckDB casts
  // text to a DECIMAL that wide about a thousand times slower than to an integer.
  text = text.replace(/\bNUMBER\s*\(\s*38\s*,\s*0\s*\)/gi, 'HUGEINT');
  text = text.replace(/\bNUMBER(?=\s*\()/gi, 'DECIMAL');
  // Date parts written as bare keywords.
  text = text.replace(
    /\bDATEADD\(\s*([A-Za-z_]+)\s*,/gi,
    (_, part: string) => `DATEADD('${part}',`,
  );
  text = text.replace(/\bDATE_PART\(\s*epoch_microsecond\s*,/gi, 'epoch_us(');
  // Functions whose Snowflake name or argument order differ.
  text = text.replace(/\bGET\(/gi, 'SF_GET(').replace(/\bARRAY_CONTAINS\(/gi, 'SF_ARRAY_CONTAINS(');
  text = rewriteArrayAgg(text);
  text = rewriteFlatten(text);

  return unmask(text, quoted);
}

/**
 * Rewrites `INSERT ... VALUES (<expressions of ? or :N>)` run with array binds into one DuckDB
 * INSERT ... SELECT over the bound columns, each bound as a JSON array of texts ($1 ... $n),
 * so the whole array bind is one statement, all rows or none, as in Snowflake. Returns null
 * for any other statement (Snowflake binds arrays for INSERT only).
 */
export function arrayInsertSql(sql: string, count: number): string | null {
  const { masked, quoted } = maskQuoted(sql);
  const values = /^\s*INSERT\s+INTO\s[^]*?\bVALUES\s*\(/i.exec(masked);
  if (values === null) return null;
  const open = values[0].length - 1;
  const close = matchingParen(masked, open);
  if (!/^\s*;?\s*$/.test(masked.slice(close + 1))) return null;

  let next = 0;
  const row = masked
    .slice(open + 1, close)
    .replace(/\?|(?<!:):(\d+)/g, (_, n?: string) => `"__bind${n ?? ++next}"`);
  const unnest = Array.from(
    { length: count },
    (_, i) => `unnest(from_json($${i + 1}, '["VARCHAR"]')) AS "__bind${i + 1}"`,
  );
  const head = masked.slice(0, open).replace(/\bVALUES\s*$/i, '');
  const text = `${head}SELECT ${row} FROM (SELECT ${unnest.join(', ')})`;
  return toDuckDbSql(unmask(text, quoted));
}

/** Parses `ALTER TABLE a SWAP WITH b` (one-part names); null for any other statement. */
export function parseSwap(sql: string): { table: string; other: string } | null {
  const name = '("(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)';
  const pattern = new RegExp(
    `^\\s*ALTER\\s+TABLE\\s+${name}\\s+SWAP\\s+WITH\\s+${name}\\s*;?\\s*$`,
    'i',
  );
  const match = pattern.exec(sql);
  return match === null ? null : { table: match[1], other: match[2] };
}

// ARRAY_AGG(v) [WITHIN GROUP (ORDER BY k)] drops NULLs in Snowflake; DuckDB's list keeps them.
function rewriteArrayAgg(text: string): string {
  let out = '';
  let at = 0;
  const pattern = /\bARRAY_AGG\(/gi;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = matchingParen(text, open);
    const inner = text.slice(open + 1, close);
    const value = inner.replace(/^\s*DISTINCT\s+/i, '');
    let end = close + 1;
    let order = '';
    const within = /^\s*WITHIN\s+GROUP\s*\(/i.exec(text.slice(end));
    if (within !== null) {
      const groupOpen = end + within[0].length - 1;
      const groupClose = matchingParen(text, groupOpen);
      order = ' ' + text.slice(groupOpen + 1, groupClose).trim();
      end = groupClose + 1;
    }
    out += text.slice(at, m.index) + `list(${inner}${order}) FILTER (WHERE ${value} IS NOT NULL)`;
    at = end;
    pattern.lastIndex = end;
  }
  return out + text.slice(at);
}

// TABLE(FLATTEN(x)) f yields one row per element with the element as f.value.
function rewriteFlatten(text: string): string {
  const pattern = /\bTABLE\(\s*FLATTEN\(/gi;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const flattenOpen = m.index + m[0].length - 1;
    const flattenClose = matchingParen(text, flattenOpen);
    const tableClose = matchingParen(text, text.indexOf('(', m.index));
    const list = text.slice(flattenOpen + 1, flattenClose);
    text = `${text.slice(0, m.index)}(SELECT unnest(${list}) AS value)${text.slice(tableClose + 1)}`;
    pattern.lastIndex = m.index;
  }
  return text;
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  throw new Error(`unbalanced parenthesis at ${open} in: ${text}`);
}

// Quoted text is swapped for \u0000n\u0000 markers so rewrites never touch it.
function maskQuoted(sql: string): { masked: string; quoted: string[] } {
  const quoted: string[] = [];
  const masked = sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, (q) => {
    quoted.push(q);
    return `\u0000${quoted.length - 1}\u0000`;
  });
  return { masked, quoted };
}

function unmask(text: string, quoted: string[]): string {
  return text.replace(/\u0000(\d+)\u0000/g, (_, i: string) => quoted[Number(i)]);
}
