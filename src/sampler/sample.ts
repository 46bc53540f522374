// SPDX-License-Identifier: Apache-2.0
// Samples one mini-batch from a graph store in this thread's native addon: `sample` runs off the
// event loop and returns a Promise, `sampleSync` blocks.
import { fromNative, raise } from '../errors/index.js';
import { native } from '../native/index.js';
import type { GraphStore } from '../store/graph-store.js';
import { toRawRequest, toSubgraph, type SampleOptions, type SampledSubgraph } from './options.js';

function handleOf(store: GraphStore): object {
  if (store.closed) raise('SAMPLER_STORE_CLOSED', { argument: 'store' });
  return store.handle;
}

// A store closed while the call was being made surfaces as SAMPLER_STORE_CLOSED too.
function translate(err: unknown): unknown {
  const e = fromNative(err);
  if ((e as { code?: unknown }).code === 'NATIVE_CLOSED_HANDLE') {
    try {
      raise('SAMPLER_STORE_CLOSED', { argument: 'store' }, e);
    } catch (closed) {
      return closed;
    }
  }
  return e;
}

/** Samples the neighborhoods of `options.seeds`; see SampleOptions for the semantics. */
export async function sample(store: GraphStore, options: SampleOptions): Promise<SampledSubgraph> {
  const request = toRawRequest(options, store);
  try {
    return toSubgraph(request, await native().samplerSample(handleOf(store), request));
  } catch (err) {
    throw translate(err);
  }
}

/** Blocking form of `sample`. */
export function sampleSync(store: GraphStore, options: SampleOptions): SampledSubgraph {
  const request = toRawRequest(options, store);
  try {
    return toSubgraph(request, native().samplerSampleSync(handleOf(store), request));
  } catch (err) {
    throw translate(err);
  }
}
