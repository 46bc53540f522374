// SPDX-License-Identifier: Apache-2.0
// The sampler pool's worker: opens the store directory once (memory-mapped, so every worker
// shares the same pages), samples the batches it is given and moves the arrays back without a
// copy. Errors come back as data (code and details) so the pool can rethrow the coded error.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { fromNative, PrequelError, type ErrorDetails } from '../errors/index.js';
import { native } from '../native/index.js';
import type { RawSampleRequest, RawSampleResult } from '../native/sampler-binding.js';
import { GraphStore } from '../store/graph-store.js';

export interface SampleTask {
  storeDir: string;
  request: RawSampleRequest;
}

/**
 * Opens the store, then waits until `parties` open tasks have arrived (a barrier in `arrived`),
 * so that `parties` of them run at once, one per worker: every worker is then started.
 */
export interface OpenTask {
  storeDir: string;
  open: { arrived: SharedArrayBuffer; parties: number; timeoutMs: number };
}

export type SampleTaskResult =
  | { ok: true; result: RawSampleResult }
  | { ok: false; code: string; details: ErrorDetails; message: string };

const stores = new Map<string, GraphStore>();

function storeAt(dir: string): GraphStore {
  let store = stores.get(dir);
  if (store === undefined) {
    store = GraphStore.openSync(dir);
    stores.set(dir, store);
  }
  return store;
}

/**
 * The result with every array copied into memory the JS engine owns, and those buffers. The
 * native arrays live in addon memory that a message can only copy, on both sides and with fresh
 * pages each time; one copy here makes the transfer a move, and the native memory is recycled as
 * soon as this thread drops it.
 */
function transferable(raw: RawSampleResult): { result: RawSampleResult; buffers: ArrayBuffer[] } {
  const buffers: ArrayBuffer[] = [];
  const own = <T extends Int32Array | BigInt64Array>(a: T): T => {
    const copy = a.slice() as T;
    if (copy.byteLength > 0) buffers.push(copy.buffer as ArrayBuffer);
    return copy;
  };
  const result: RawSampleResult = {
    nodes: raw.nodes.map((n) => ({
      type: n.type,
      ids: own(n.ids),
      batch: own(n.batch),
      time: n.time === null ? null : own(n.time),
      perHop: own(n.perHop),
    })),
    edges: raw.edges.map((e) => ({
      type: e.type,
      src: own(e.src),
      dst: own(e.dst),
      edgeIds: e.edgeIds === null ? null : own(e.edgeIds),
      perHop: own(e.perHop),
    })),
  };
  return { result, buffers };
}

function failure(err: unknown): SampleTaskResult {
  const e = fromNative(err);
  if (e instanceof PrequelError)
    return { ok: false, code: e.code, details: e.details, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { ok: false, code: 'SAMPLER_WORKER_FAILED', details: { detail: message }, message };
}

function openTask(task: OpenTask): SampleTaskResult | { ok: true } {
  try {
    storeAt(task.storeDir);
  } catch (err) {
    return failure(err);
  } finally {
    const arrived = new Int32Array(task.open.arrived);
    Atomics.add(arrived, 0, 1);
    Atomics.notify(arrived, 0);
    const deadline = Date.now() + task.open.timeoutMs;
    for (let n = Atomics.load(arrived, 0); n < task.open.parties; n = Atomics.load(arrived, 0)) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(arrived, 0, n, left);
    }
  }
  return { ok: true };
}

/** Samples one batch; the value is moved (transferred) to the pool's thread. */
export default function sampleTask(task: SampleTask | OpenTask): unknown {
  if ('open' in task) return openTask(task);
  try {
    const store = storeAt(task.storeDir);
    const { result, buffers } = transferable(
      native().samplerSampleSync(store.handle, task.request),
    );
    const value: SampleTaskResult = { ok: true, result };
    return move({
      get [transferableSymbol]() {
        return buffers;
      },
      get [valueSymbol]() {
        return value;
      },
    });
  } catch (err) {
    return failure(err);
  }
}
