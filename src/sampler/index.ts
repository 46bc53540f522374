// SPDX-License-Identifier: Apache-2.0
// The temporal neighbor sampler: in-thread sampling and the worker pool.
export { sample, sampleSync } from './sample.js';
export { SamplerPool, batchRandomSeed } from './pool.js';
export type { BatchOptions, SampledBatch, SamplerPoolOptions } from './pool.js';
export type {
  Fanouts,
  SampleOptions,
  SampledEdges,
  SampledNodes,
  SampledSubgraph,
  StoreShape,
} from './options.js';
