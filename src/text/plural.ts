// SPDX-License-Identifier: Apache-2.0
// A count with its noun in agreement, for messages and command output: "1 anchor", "2 anchors".

/** Whether a count reads as one (a number, a 64-bit count or a decimal string). */
export function isOne(count: unknown): boolean {
  return count === 1 || count === 1n || count === '1';
}

/**
 * `count` and its noun: plural(1, 'row') is "1 row", plural(3, 'entity', 'entities')
 * "3 entities".
 */
export function plural(count: number | bigint | string, one: string, many = `${one}s`): string {
  return `${count} ${isOne(count) ? one : many}`;
}
