// A brute-force reference of the graph store's CSR: neighbor lists by destination, sorted by
// (key time, source id, input position), where the key time is the edge time if given, else the
// source node time if given, else absent.
import type { GraphSpec } from '../../src/store/graph-def.js';

export interface ReferenceList {
  src: number[];
  edgeTime: bigint[] | null;
  edgeId: number[];
}

export function referenceLists(spec: GraphSpec, edgeTypeIndex: number): ReferenceList[] {
  const e = spec.edgeTypes[edgeTypeIndex]!;
  const srcType = spec.nodeTypes.find((n) => n.name === e.src)!;
  const dstType = spec.nodeTypes.find((n) => n.name === e.dst)!;
  const srcIds = e.srcIds as Int32Array;
  const dstIds = e.dstIds as Int32Array;
  const edgeTime = (e.time ?? null) as BigInt64Array | null;
  const nodeTime = (srcType.time ?? null) as BigInt64Array | null;
  const key = (i: number): bigint =>
    edgeTime !== null ? edgeTime[i]! : nodeTime !== null ? nodeTime[srcIds[i]!]! : 0n;
  const lists: number[][] = Array.from({ length: dstType.count }, () => []);
  for (let i = 0; i < srcIds.length; i++) lists[dstIds[i]!]!.push(i);
  return lists.map((ids) => {
    ids.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return ka < kb ? -1 : 1;
      if (srcIds[a] !== srcIds[b]) return srcIds[a]! - srcIds[b]!;
      return a - b;
    });
    return {
      src: ids.map((i) => srcIds[i]!),
      edgeTime: edgeTime === null ? null : ids.map((i) => edgeTime[i]!),
      edgeId: ids,
    };
  });
}
