// SPDX-License-Identifier: Apache-2.0
// "Did you mean" suggestions: the names within a few edits of one a user typed.

/** Levenshtein distance between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Up to `max` of `names` within a few edits of `name` (case ignored; at most a third of its
 * length, and at least 2) or starting with it (`offset` for `offsetSeconds`), closest first:
 * the likely intended names of a typo.
 */
export function nearestNames(name: string, names: readonly string[], max = 3): string[] {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  const prefix = (n: string) => wanted.length >= 3 && n.toLowerCase().startsWith(wanted);
  return names
    .map((n) => ({ n, d: editDistance(wanted, n.toLowerCase()) }))
    .filter((c) => c.d <= limit || prefix(c.n))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, max)
    .map((c) => c.n);
}

/**
 * ` (did you mean "a"?)` or ` (did you mean "a" or "b"?)` for `candidates`, to follow the name
 * in a message; '' when there are none.
 */
export function didYouMean(candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const shown = candidates.map((c) => JSON.stringify(c));
  const list =
    shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
  return ` (did you mean ${list}?)`;
}
