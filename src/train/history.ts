// SPDX-License-Identifier: Apache-2.0
// Interaction history for ranking: per entity, the items of the ranked table it reached through
// one link table (entity <- link row -> item, e.g. customer <- order_items -> product), each with
// the link row's time, sorted by time. A ranking example at anchor t reads only the events with
// time <= t (the sampler's rule), so repeat interactions inform the score without leaking.
import type { GraphStore } from '../store/graph-store.js';

const STATIC = -(2n ** 63n);

export interface InteractionHistory {
  /** Events of entity e: rows rowptr[e] .. rowptr[e + 1], sorted by time. */
  rowptr: Int32Array;
  /** Event times, microseconds (the smallest int64 for rows of static link tables). */
  time: BigInt64Array;
  /** Item node ids of the ranked table. */
  item: Int32Array;
}

/** Count and latest time of the entity's interactions with each item, no later than `until`. */
export interface PastItems {
  count: Map<number, number>;
  last: Map<number, bigint>;
}

/**
 * Builds the history of `seedType` entities with `targetType` items over every link table
 * with a foreign key to both. Empty (no events) when no such table exists.
 */
export function buildHistory(
  graph: GraphStore,
  seedType: string,
  targetType: string,
): InteractionHistory {
  const entities = graph.nodeType(seedType).count;
  const perEntity: { time: bigint; item: number }[][] = Array.from({ length: entities }, () => []);
  // Not yet: items reached over longer paths, or an item table with a key to the entity itself.
  for (const toSeed of graph.edgeTypes) {
    if (toSeed.dst !== seedType || toSeed.src === targetType) continue;
    const link = toSeed.src;
    const toLink = graph.edgeTypes.find((e) => e.dst === link && e.src === targetType);
    if (toLink === undefined) continue;
    const linkTime = graph.nodeTime(link);
    const a = graph.edgeArrays(toSeed.name);
    const b = graph.edgeArrays(toLink.name);
    for (let e = 0; e < entities; e++) {
      for (let j = Number(a.rowptr[e]!); j < Number(a.rowptr[e + 1]!); j++) {
        const row = a.col[j]!;
        const time = linkTime !== null ? linkTime[row]! : (a.edgeTime?.[j] ?? STATIC);
        for (let m = Number(b.rowptr[row]!); m < Number(b.rowptr[row + 1]!); m++) {
          perEntity[e]!.push({ time, item: b.col[m]! });
        }
      }
    }
  }
  const rowptr = new Int32Array(entities + 1);
  for (let e = 0; e < entities; e++) rowptr[e + 1] = rowptr[e]! + perEntity[e]!.length;
  const time = new BigInt64Array(rowptr[entities]!);
  const item = new Int32Array(rowptr[entities]!);
  perEntity.forEach((events, e) => {
    events.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : x.item - y.item));
    events.forEach((ev, k) => {
      time[rowptr[e]! + k] = ev.time;
      item[rowptr[e]! + k] = ev.item;
    });
  });
  return { rowptr, time, item };
}

/** The entity's items with time <= until: counts and latest times. */
export function pastItems(h: InteractionHistory, entity: number, until: bigint): PastItems {
  const count = new Map<number, number>();
  const last = new Map<number, bigint>();
  for (let j = h.rowptr[entity]!; j < h.rowptr[entity + 1]!; j++) {
    if (h.time[j]! > until) break;
    const it = h.item[j]!;
    count.set(it, (count.get(it) ?? 0) + 1);
    last.set(it, h.time[j]!);
  }
  return { count, last };
}
