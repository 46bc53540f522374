// SPDX-License-Identifier: Apache-2.0
// A pool of sampler workers (piscina) that memory-map the same saved store and sample batches
// concurrently. `batches()` yields mini-batches in order while keeping a bounded number in
// flight (prefetch); an error in a worker rejects the iterator with the worker's coded error.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { ERRORS, prequelError, raise } from '../errors/index.js';
import type { RawSampleRequest } from '../native/sampler-binding.js';
import { toRawRequest, toSubgraph, type SampleOptions, type SampledSubgraph } from './options.js';
import type { OpenTask, SampleTask, SampleTaskResult } from './worker.js';

export interface SamplerPoolOptions {
  /** A saved store directory (GraphStore.save); every worker memory-maps it. */
  storeDir: string;
  /** Worker threads (default 2). */
  workers?: number;
}

export interface BatchOptions extends Omit<SampleOptions, 'randomSeed'> {
  /** Seeds per batch; the last batch may be smaller. */
  batchSize: number;
  /** Batches sampled ahead of the consumer (default: twice the workers). */
  prefetch?: number;
  /** Batch b samples with a random seed derived from (randomSeed, b). */
  randomSeed?: bigint | number;
}

export interface SampledBatch {
  /** Position of the batch in the plan. */
  index: number;
  seeds: Int32Array;
  seedTimes: BigInt64Array | null;
  subgraph: SampledSubgraph;
}

const here = fileURLToPath(import.meta.url);
// From source (vitest, tsx) the worker is TypeScript and needs a loader; compiled it is plain JS.
const workerFile = path.join(
  path.dirname(here),
  here.endsWith('.ts') ? 'worker-from-source.mjs' : 'worker.js',
);

const GOLDEN = 0x9e3779b97f4a7c15n;

/** The random seed (uint64) of batch `index`: a fixed function of (randomSeed, index). */
export function batchRandomSeed(randomSeed: bigint, index: number): bigint {
  return BigInt.asUintN(64, randomSeed + GOLDEN * BigInt(index + 1));
}

function positiveInt(value: unknown, argument: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1 << 20) {
    raise('SAMPLER_BAD_OPTION', { argument, expected: 'a positive integer', value });
  }
  return value;
}

export class SamplerPool {
  readonly storeDir: string;
  readonly workers: number;
  #piscina: Piscina | null;

  private constructor(storeDir: string, workers: number) {
    this.storeDir = storeDir;
    this.workers = workers;
    this.#piscina = new Piscina({
      filename: pathToFileURL(workerFile).href,
      minThreads: workers,
      maxThreads: workers,
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
    });
  }

  /** Starts `workers` worker threads; each opens the store at its first batch. */
  static open(options: SamplerPoolOptions): SamplerPool {
    if (typeof options?.storeDir !== 'string' || options.storeDir.length === 0) {
      raise('SAMPLER_BAD_OPTION', {
        argument: 'storeDir',
        expected: 'a saved store directory',
        value: options?.storeDir,
      });
    }
    const workers = positiveInt(options.workers, 'workers', 2);
    return new SamplerPool(path.resolve(options.storeDir), workers);
  }

  get closed(): boolean {
    return this.#piscina === null;
  }

  /**
   * Resolves once every worker has started and opened the store (rejects with the store's
   * error if it cannot): call it before timing, or to fail early on a bad store directory.
   */
  async ready(timeoutMs = 60_000): Promise<void> {
    const piscina = this.#piscina;
    if (piscina === null) raise('SAMPLER_POOL_CLOSED', { detail: 'open a new SamplerPool' });
    const open = { arrived: new SharedArrayBuffer(4), parties: this.workers, timeoutMs };
    const task: OpenTask = { storeDir: this.storeDir, open };
    const answers = await Promise.all(
      Array.from({ length: this.workers }, () => this.#call(piscina, task)),
    );
    for (const answer of answers) this.#check(answer);
  }

  /** Samples one batch in a worker. */
  async sample(options: SampleOptions): Promise<SampledSubgraph> {
    const request = toRawRequest(options, null);
    return toSubgraph(request, (await this.#run(request)).result);
  }

  /**
   * Splits the seeds into batches of `batchSize` and yields them in order, sampling up to
   * `prefetch` ahead. The output does not depend on the number of workers.
   */
  batches(options: BatchOptions): AsyncIterableIterator<SampledBatch> {
    const batchSize = positiveInt(options?.batchSize, 'batchSize', 0);
    const prefetch = positiveInt(options.prefetch, 'prefetch', 2 * this.workers);
    const all = toRawRequest(options, null);
    const count = Math.ceil(all.seeds.length / batchSize);
    const requestOf = (index: number): RawSampleRequest => {
      const begin = index * batchSize;
      const end = Math.min(all.seeds.length, begin + batchSize);
      return {
        ...all,
        seeds: all.seeds.slice(begin, end),
        seedTimes: all.seedTimes === null ? null : all.seedTimes.slice(begin, end),
        randomSeed: BigInt.asIntN(64, batchRandomSeed(all.randomSeed, index)),
      };
    };
    return this.#iterate(count, prefetch, requestOf);
  }

  /** Stops the workers: batches not yet started reject with SAMPLER_POOL_CLOSED. */
  async close(): Promise<void> {
    const piscina = this.#piscina;
    if (piscina === null) return;
    this.#piscina = null;
    await piscina.close({ force: true });
  }

  async *#iterate(
    count: number,
    prefetch: number,
    requestOf: (index: number) => RawSampleRequest,
  ): AsyncGenerator<SampledBatch> {
    const inFlight: Promise<SampledBatch>[] = [];
    let next = 0;
    const start = (index: number): Promise<SampledBatch> => {
      const request = requestOf(index);
      const batch = this.#run(request).then(({ result }) => ({
        index,
        seeds: request.seeds,
        seedTimes: request.seedTimes,
        subgraph: toSubgraph(request, result),
      }));
      batch.catch(() => undefined); // observed when its turn comes; avoid an unhandled rejection
      return batch;
    };
    while (next < count || inFlight.length > 0) {
      while (next < count && inFlight.length < prefetch) inFlight.push(start(next++));
      yield await inFlight.shift()!;
    }
  }

  async #run(request: RawSampleRequest): Promise<Extract<SampleTaskResult, { ok: true }>> {
    const piscina = this.#piscina;
    if (piscina === null) raise('SAMPLER_POOL_CLOSED', { detail: 'open a new SamplerPool' });
    const task: SampleTask = { storeDir: this.storeDir, request };
    const answer = (await this.#call(piscina, task)) as SampleTaskResult;
    this.#check(answer);
    return answer as Extract<SampleTaskResult, { ok: true }>;
  }

  async #call(piscina: Piscina, task: SampleTask | OpenTask): Promise<unknown> {
    try {
      return await piscina.run(task);
    } catch (err) {
      if (this.#piscina === null) {
        throw prequelError('SAMPLER_POOL_CLOSED', { detail: 'the batch was cancelled' }, err);
      }
      throw prequelError('SAMPLER_WORKER_FAILED', { detail: (err as Error).message }, err);
    }
  }

  // Rethrows a worker's error answer as the coded error it carried.
  #check(answer: unknown): void {
    if ((answer as { ok: boolean }).ok) return;
    const failed = answer as Extract<SampleTaskResult, { ok: false }>;
    const known = failed.code in ERRORS;
    const error = prequelError(known ? failed.code : 'SAMPLER_WORKER_FAILED', failed.details);
    // Keep the worker's rendered text (native errors carry it whole).
    if (known) Object.defineProperty(error, 'message', { value: failed.message });
    throw error;
  }
}
