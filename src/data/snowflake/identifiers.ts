// SPDX-License-Identifier: Apache-2.0
// Snowflake identifiers: every name prequel sends is quoted, so it is taken exactly as given
// (case included); names of tables and columns it creates are checked before anything is sent.
import { snowflakeError } from './errors.js';

/** Snowflake's longest identifier, in characters. */
export const MAX_IDENTIFIER = 255;

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Matches a UTF-16 surrogate without its pair, which is not text Snowflake can store. */
export const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Quotes an identifier for Snowflake: wrapped in double quotes, inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Checks a table or column name: non-empty, at most 255 characters, no control characters. */
export function checkName(what: 'table' | 'column', name: unknown): void {
  const fail = (reason: string) =>
    snowflakeError('SNOWFLAKE_WRITE_NAME_INVALID', { what, name: String(name), reason });
  if (typeof name !== 'string') throw fail(`the name is a ${typeof name}, not a string`);
  if (name.length === 0) throw fail('the name is empty');
  if (name.length > MAX_IDENTIFIER) throw fail(`the name has ${name.length} characters`);
  if (CONTROL.test(name)) throw fail('the name holds a control character');
  if (LONE_SURROGATE.test(name)) throw fail('the name is not well-formed Unicode');
}
