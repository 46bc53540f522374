// SPDX-License-Identifier: Apache-2.0
// Errors of the sampler domain. Native errors carry their full text in {detail}; errors raised
// in TypeScript fill {argument}, {expected} and {value}.
import { defineErrors } from './registry.js';

const badArgument = '{argument}: expected {expected}, got {value}';

export const samplerErrors = defineErrors({
  SAMPLER_UNKNOWN_NODE_TYPE: { status: 400, message: badArgument },
  SAMPLER_UNKNOWN_EDGE_TYPE: { status: 400, message: badArgument },
  SAMPLER_BAD_SEEDS: { status: 400, message: badArgument },
  SAMPLER_BAD_SEED_TIMES: { status: 400, message: badArgument },
  SAMPLER_BAD_FANOUTS: { status: 400, message: badArgument },
  SAMPLER_BAD_OPTION: { status: 400, message: badArgument },
  SAMPLER_TOO_LARGE: { status: 413, message: badArgument },
  SAMPLER_CORRUPT_STORE: { status: 500, message: 'the graph store is corrupt: {detail}' },
  SAMPLER_STORE_CLOSED: {
    status: 400,
    message: '{argument}: expected an open graph store, got a closed one',
  },
  SAMPLER_POOL_CLOSED: { status: 400, message: 'the sampler pool is closed; {detail}' },
  SAMPLER_WORKER_FAILED: { status: 500, message: 'a sampler worker failed: {detail}' },
});
