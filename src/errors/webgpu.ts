// SPDX-License-Identifier: Apache-2.0
// Errors of the WebGPU compute backend (adapter, device, kernels). To be merged into index.ts.
import { defineErrors } from './registry.js';

export const webgpuErrors = defineErrors({
  WEBGPU_NO_ADAPTER: {
    status: 503,
    message: 'no WebGPU adapter is available ({reason}); use the cpu backend instead',
  },
  WEBGPU_DEVICE_ERROR: { status: 500, message: 'WebGPU device error in {op}: {detail}' },
  WEBGPU_CLOSED: { status: 400, message: '{op}: the WebGPU backend was already closed' },
  WEBGPU_KERNEL: { status: 500, message: 'WGSL program {program}: {detail}' },
  WEBGPU_TOO_LARGE: {
    status: 413,
    message: '{op}: {bytes} bytes exceed the adapter limit of {limit} bytes per buffer',
  },
  WEBGPU_INDEX_NOT_ON_HOST: {
    status: 400,
    message: '{op}: {arg} was computed on the GPU; index tensors must be uploaded from the host',
  },
});
