// SPDX-License-Identifier: Apache-2.0
// Raw binding of the sampler domain: the exact entry points native/bindings/sampler_binding.cc
// exports. test/native/binding-mirror.test.ts checks this declaration against the addon's exports.

/** A request as the native sampler reads it; src/sampler/ validates and fills defaults. */
export interface RawSampleRequest {
  seedType: string;
  seeds: Int32Array;
  /** One anchor time per seed, or null for non-temporal sampling. */
  seedTimes: BigInt64Array | null;
  /** Per hop for every edge type, or per edge type name (left-out types are skipped). */
  fanouts: Int32Array | Record<string, Int32Array>;
  strategy: 'uniform' | 'last';
  dedup: 'tree' | 'batch';
  randomSeed: bigint;
  /** Random streams by the seed's position in the request, or by (seed id, seed time). */
  streams: 'position' | 'seed';
  threads: number;
  edgeIds: boolean;
}

export interface RawSampledNodes {
  type: string;
  ids: Int32Array;
  batch: Int32Array;
  time: BigInt64Array | null;
  perHop: Int32Array;
}

export interface RawSampledEdges {
  type: string;
  src: Int32Array;
  dst: Int32Array;
  edgeIds: Int32Array | null;
  perHop: Int32Array;
}

/** Per node type and per edge type, in the store's type order. */
export interface RawSampleResult {
  nodes: RawSampledNodes[];
  edges: RawSampledEdges[];
}

export interface SamplerBinding {
  samplerSample(store: object, request: RawSampleRequest): Promise<RawSampleResult>;
  samplerSampleSync(store: object, request: RawSampleRequest): RawSampleResult;
}

/** Names of the entry points declared above, for the mirror check. */
export const samplerBindingNames: readonly string[] = ['samplerSample', 'samplerSampleSync'];
