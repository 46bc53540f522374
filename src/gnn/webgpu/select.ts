// SPDX-License-Identifier: Apache-2.0
// Picks the compute backend: WebGPU when an adapter exists, otherwise the caller's fallback (the
// CPU backend), with one reason saying why. The library does not log; the host decides whether
// and how to tell the user.
import type { Backend } from '../backend.js';
import { PrequelError } from '../../errors/index.js';
import { WebGpuBackend } from './backend.js';
import type { DeviceOptions } from './device.js';

export interface BestBackendOptions extends DeviceOptions {
  /** Makes the backend used when WebGPU is unavailable, e.g. `() => createCpuBackend()`. */
  fallback?: () => Backend;
  /** Called once, with the reason, when the fallback is used (or would be, without one). */
  onFallback?: (reason: string) => void;
}

export type BestBackend =
  | { kind: 'webgpu'; backend: WebGpuBackend; reason: null }
  | { kind: 'fallback'; backend: Backend | null; reason: string };

/**
 * The WebGPU backend when an adapter and device can be had; otherwise `fallback()` (or null
 * without one) and the reason, also passed once to `onFallback`.
 */
export async function createBestBackend(options: BestBackendOptions = {}): Promise<BestBackend> {
  try {
    const backend = await WebGpuBackend.create(options);
    return { kind: 'webgpu', backend, reason: null };
  } catch (err) {
    const reason =
      err instanceof PrequelError && err.code === 'WEBGPU_NO_ADAPTER'
        ? err.message
        : `WebGPU could not start: ${err instanceof Error ? err.message : String(err)}`;
    options.onFallback?.(reason);
    return { kind: 'fallback', backend: options.fallback?.() ?? null, reason };
  }
}
