// SPDX-License-Identifier: Apache-2.0
// Acquires a WebGPU adapter and device through Dawn (the `webgpu` package). Nothing happens at
// import: an instance is created only when a backend is requested, and dropped when it closes,
// so a process holding no backend holds no GPU threads.
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
  /** Drops the Dawn instance; call after device.destroy(). */
  dropInstance(): void;
}

/** Requests an adapter and a device with the adapter's largest buffer limits. */
export async function acquireDevice(options: DeviceOptions = {}): Promise<AcquiredDevice> {
  let gpu: GPU | null;
  try {
    gpu = create(options.dawnOptions ?? []);
  } catch (err) {
    throw prequelError(
      'WEBGPU_NO_ADAPTER',
      { reason: `Dawn failed to start: ${message(err)}` },
      err,
    );
  }

  const adapter = await gpu
    .requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' })
    .catch((err: unknown) => {
      throw prequelError('WEBGPU_NO_ADAPTER', { reason: message(err) }, err);
    });
  if (adapter === null) {
    gpu = null;
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
  return {
    device,
    adapter: description,
    dropInstance: () => {
      gpu = null;
    },
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
