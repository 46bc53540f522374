// SPDX-License-Identifier: Apache-2.0
// Acquires a WebGPU adapter and device through Dawn (the `webgpu` package). Nothing happens at
// import. The Dawn instance (the GPU object `create()` returns) is shared: one per set of Dawn
// options, created when the first backend asks for it and kept for the rest of the process.
// Backends request their own device from it and destroy that device when they close.
//
// Why the instance is never dropped: dawn.node polls an instance with a setImmediate callback
// that holds a raw pointer to it, reachable from every adapter, device, queue and buffer made
// from it. Once the GPU object is garbage-collected, a tick still queued (any requestDevice,
// mapAsync or onSubmittedWorkDone queues one) runs InstanceBase::ProcessEvents on freed memory:
// the process aborts, segfaults or sleeps forever on a dead mutex. An idle instance costs a few
// sleeping lavapipe threads and no CPU.
import { create, globals } from 'webgpu';
import { prequelError } from '../../errors/index.js';

interface DawnConstants {
  GPUBufferUsage: {
    STORAGE: number;
    UNIFORM: number;
    COPY_SRC: number;
    COPY_DST: number;
    MAP_READ: number;
  };
  GPUMapMode: { READ: number };
  GPUShaderStage: { COMPUTE: number };
}

/** The WebGPU constants Dawn exports (not installed on globalThis: the library stays quiet). */
export const gpuConstants = globals as unknown as DawnConstants;

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters (lavapipe, SwiftShader): figures measured there are CPU figures. */
  software: boolean;
}

export interface DeviceOptions {
  powerPreference?: 'high-performance' | 'low-power';
  /** Extra Dawn options for create(), e.g. 'backend=vulkan' or 'adapter=NAME'. */
  dawnOptions?: string[];
}

export interface AcquiredDevice {
  device: GPUDevice;
  adapter: AdapterDescription;
  /** Gives the device back to its shared instance; call once, after device.destroy(). */
  release(): void;
}

interface SharedInstance {
  gpu: GPU;
  /** Devices requested from it and not yet released. */
  devices: number;
}

/** Dawn instances by their options (joined): process-wide, never dropped (see above). */
const instances = new Map<string, SharedInstance>();

/** Dawn instances and open devices in this process (for tests and diagnostics). */
export function dawnUsage(): { instances: number; devices: number } {
  let devices = 0;
  for (const shared of instances.values()) devices += shared.devices;
  return { instances: instances.size, devices };
}

function sharedInstance(dawnOptions: string[]): SharedInstance {
  const key = dawnOptions.join('\n');
  let shared = instances.get(key);
  if (shared === undefined) {
    try {
      shared = { gpu: create(dawnOptions), devices: 0 };
    } catch (err) {
      throw prequelError(
        'WEBGPU_NO_ADAPTER',
        { reason: `Dawn failed to start: ${message(err)}` },
        err,
      );
    }
    instances.set(key, shared);
  }
  return shared;
}

/** Requests an adapter and a device with the adapter's largest buffer limits. */
export async function acquireDevice(options: DeviceOptions = {}): Promise<AcquiredDevice> {
  const shared = sharedInstance(options.dawnOptions ?? []);

  // A Dawn adapter gives out one device, so each backend asks for its own.
  const adapter = await shared.gpu
    .requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' })
    .catch((err: unknown) => {
      throw prequelError('WEBGPU_NO_ADAPTER', { reason: message(err) }, err);
    });
  if (adapter === null) {
    throw prequelError('WEBGPU_NO_ADAPTER', {
      reason:
        'requestAdapter() found no Vulkan, Metal or D3D12 adapter (on Linux without a GPU, install mesa-vulkan-drivers for lavapipe)',
    });
  }

  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    label: 'prequel:device',
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  shared.devices++;
  const info = adapter.info;
  const description: AdapterDescription = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: /llvmpipe|lavapipe|swiftshader|software/i.test(
      `${info.architecture} ${info.device} ${info.description}`,
    ),
  };
  let released = false;
  return {
    device,
    adapter: description,
    release: () => {
      if (released) return;
      released = true;
      shared.devices--;
    },
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
