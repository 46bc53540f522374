// SPDX-License-Identifier: Apache-2.0
// Writes a generated graph as plain little-endian arrays so other tools can load the very same
// graph. Format of a graph directory:
//
//   graph.json   {"format": "prequel-bench-graph", "version": 1, "workload": "W1", "scale": 1,
//                 "seed": 1,
//                 "nodeTypes": [{"name": "customer", "count": 1000000,
//                                "time": "customer.time.i64" | null,
//                                "features": "customer.features.f32" | null, "featureDim": 128}],
//                 "edgeTypes": [{"name": "customer__bought__product", "src": "customer",
//                                "relation": "bought", "dst": "product", "count": 20000000,
//                                "srcIds": "customer__bought__product.src.i32",
//                                "dstIds": "customer__bought__product.dst.i32",
//                                "time": "customer__bought__product.time.i64" | null}]}
//   *.i32        int32 little-endian, one value per node or edge, no header
//   *.i64        int64 little-endian (times in seconds since the Unix epoch)
//   *.f32        float32 little-endian, row-major [count, featureDim]
//
// Edge i of a type goes from node srcIds[i] of type `src` to node dstIds[i] of type `dst` at
// time[i]; node ids run 0..count-1 per type. Reverse edge types are listed as their own types.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FEATURE_DIM, features, type GeneratedGraph } from './workloads.js';

function bytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Writes `graph` into `dir` (created if needed); features only for `withFeatures` types. */
export function writeGraph(graph: GeneratedGraph, dir: string, withFeatures: string[] = []): void {
  mkdirSync(dir, { recursive: true });
  const put = (file: string, a: ArrayBufferView) => {
    writeFileSync(path.join(dir, file), bytes(a));
    return file;
  };
  const nodeTypes = graph.spec.nodeTypes.map((n) => ({
    name: n.name,
    count: n.count,
    time: n.time == null ? null : put(`${n.name}.time.i64`, n.time as BigInt64Array),
    features: withFeatures.includes(n.name)
      ? put(`${n.name}.features.f32`, features(graph, n.name))
      : null,
    featureDim: FEATURE_DIM,
  }));
  const edgeTypes = graph.spec.edgeTypes.map((e) => {
    const name = `${e.src}__${e.relation}__${e.dst}`;
    return {
      name,
      src: e.src,
      relation: e.relation,
      dst: e.dst,
      count: (e.srcIds as Int32Array).length,
      srcIds: put(`${name}.src.i32`, e.srcIds as Int32Array),
      dstIds: put(`${name}.dst.i32`, e.dstIds as Int32Array),
      time: e.time == null ? null : put(`${name}.time.i64`, e.time as BigInt64Array),
    };
  });
  const description = {
    format: 'prequel-bench-graph',
    version: 1,
    workload: graph.workload,
    scale: graph.scale,
    seed: graph.seed,
    nodeTypes,
    edgeTypes,
  };
  writeFileSync(path.join(dir, 'graph.json'), JSON.stringify(description, null, 1) + '\n');
}
