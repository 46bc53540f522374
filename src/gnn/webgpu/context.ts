// SPDX-License-Identifier: Apache-2.0
// The state every WebGPU op shares: device, buffer pool, program cache, the storage type and the
// dispatch helper. Dispatches are encoded into one command encoder and submitted in batches;
// each dispatch owns a small uniform buffer until its batch is submitted. Closing waits for the
// queue and for downloads in flight before it destroys anything.
import type { Storage } from '../backend.js';
import { BufferPool } from './buffer-pool.js';
import { gpuConstants } from './device.js';
import { prequelError, raise } from '../../errors/index.js';
import { ProgramCache, type KernelDtype } from './programs.js';

const MAX_GROUPS_PER_DIM = 65535;
const BATCH_DISPATCHES = 64;
const UNIFORM_BYTES = 256;

/** Host-built transposed CSR, cached on the index storage it came from. */
export interface TransposedCsr {
  xRows: number;
  rowptrId: number;
  /** [xRows + 1] offsets into group. */
  tRowptr: GpuStorage;
  /** For each entry of the transposed CSR, the group it came from. */
  tGroup: GpuStorage;
  /** For each entry, the CSR position of its edge. */
  tEdge: GpuStorage;
}

/** WebGPU storage: a pooled buffer plus, for uploaded index tensors, a host copy for checks. */
export class GpuStorage implements Storage {
  readonly backend = 'webgpu' as const;
  released = false;
  transposed: TransposedCsr | null = null;
  private static nextId = 1;
  readonly id = GpuStorage.nextId++;

  constructor(
    readonly dtype: 'float32' | 'int32',
    readonly length: number,
    readonly buffer: GPUBuffer,
    /** Host copy of an uploaded int32 tensor (index checks run on it); null otherwise. */
    readonly host: Int32Array | null,
    /** False for backend-internal caches, which stats() does not count. */
    readonly counted = true,
  ) {}
}

export type Uniforms = Record<string, number>;

export class GpuContext {
  readonly pool: BufferPool;
  readonly programs: ProgramCache;
  liveStorages = 0;
  liveBytes = 0;
  closed = false;
  private encoder: GPUCommandEncoder | null = null;
  private pendingDispatches = 0;
  private readonly uniformFree: GPUBuffer[] = [];
  private readonly uniformBusy: GPUBuffer[] = [];
  private deviceError: string | null = null;
  private readonly dummies = new Map<'in' | 'out', GPUBuffer>();
  /** Downloads in flight; close() lets them finish before destroying their buffers. */
  private readonly reads = new Set<Promise<unknown>>();

  /**
   * `lineGroupCap` bounds the workgroups of a strided program: CPU adapters run fewer, longer
   * invocations faster (about 2-4x on lavapipe for elementwise work); GPUs want many.
   */
  constructor(
    readonly device: GPUDevice,
    private readonly lineGroupCap: number,
  ) {
    this.pool = new BufferPool(device);
    this.programs = new ProgramCache(device);
    device.onuncapturederror = (event) => {
      this.deviceError ??= event.error.message;
    };
    void device.lost.then((info) => {
      if (!this.closed) this.deviceError ??= `device lost: ${info.message}`;
    });
  }

  /** Largest byte size one binding may have on this device. */
  get maxBindingBytes(): number {
    return Math.min(
      this.device.limits.maxStorageBufferBindingSize,
      this.device.limits.maxBufferSize,
    );
  }

  /**
   * New storage of `length` elements; contents are undefined until written. `counted` false
   * keeps backend-internal caches out of the caller-visible live counts.
   */
  alloc(
    op: string,
    dtype: 'float32' | 'int32',
    length: number,
    host: Int32Array | null = null,
    counted = true,
  ): GpuStorage {
    this.checkOpen(op);
    const bytes = Math.max(4, length * 4);
    if (bytes > this.maxBindingBytes) {
      raise('WEBGPU_TOO_LARGE', { op, bytes, limit: this.maxBindingBytes });
    }
    const buffer = this.pool.acquire(bytes, op);
    if (counted) {
      this.liveStorages++;
      this.liveBytes += length * 4;
    }
    return new GpuStorage(dtype, length, buffer, host, counted);
  }

  /** Returns storage to the pool, with anything cached on it. */
  free(s: GpuStorage): void {
    if (s.released) return;
    s.released = true;
    if (s.counted) {
      this.liveStorages--;
      this.liveBytes -= s.length * 4;
    }
    this.pool.release(s.buffer);
    if (s.transposed !== null) {
      this.free(s.transposed.tRowptr);
      this.free(s.transposed.tGroup);
      this.free(s.transposed.tEdge);
      s.transposed = null;
    }
  }

  /** Checks that `s` is live storage of this backend. */
  own(op: string, s: Storage): GpuStorage {
    if (!(s instanceof GpuStorage)) {
      return raise('GNN_BACKEND_MISMATCH', { op, backends: `webgpu and ${s.backend}` });
    }
    if (s.released) raise('GNN_DISPOSED', { op, shape: `[${s.length}]` });
    return s;
  }

  /** A small buffer bound where a program's optional input or output is absent. */
  dummy(role: 'in' | 'out'): GPUBuffer {
    let buffer = this.dummies.get(role);
    if (buffer === undefined) {
      buffer = this.device.createBuffer({
        label: `prequel:absent-${role}`,
        size: 16,
        usage: gpuConstants.GPUBufferUsage.STORAGE,
      });
      this.dummies.set(role, buffer);
    }
    return buffer;
  }

  /**
   * Encodes one dispatch of `program`: `groups` workgroups in a line (spread over x and y when
   * beyond the per-dimension limit) or an explicit [x, y] grid.
   */
  run(
    program: string,
    uniforms: Uniforms,
    buffers: Record<string, GPUBuffer>,
    groups: number | [number, number],
    dtype: KernelDtype = 'float32',
  ): void {
    this.checkOpen(program);
    const compiled = this.programs.get(program, dtype);
    const { decl } = compiled;
    const line = typeof groups === 'number';
    const [gx, gy] = line
      ? spread(decl.strided ? Math.min(groups, this.lineGroupCap) : groups)
      : groups;
    if (gx === 0 || gy === 0) return;

    const entries: GPUBindGroupEntry[] = [];
    for (const b of decl.bindings) {
      if (b.kind === 'uniform') {
        entries.push({
          binding: b.index,
          resource: { buffer: this.uniformBuffer(program, decl.uniforms, uniforms) },
        });
        continue;
      }
      const buffer = buffers[b.name];
      if (buffer === undefined) {
        raise('WEBGPU_KERNEL', { program, detail: `binding ${b.name} was not given` });
      }
      entries.push({ binding: b.index, resource: { buffer } });
    }
    const bindGroup = this.device.createBindGroup({
      label: `prequel:${program}:bind`,
      layout: compiled.layout,
      entries,
    });

    this.encoder ??= this.device.createCommandEncoder({ label: 'prequel:batch' });
    const pass = this.encoder.beginComputePass({ label: `prequel:${program}` });
    pass.setPipeline(compiled.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
    if (++this.pendingDispatches >= BATCH_DISPATCHES) this.flush();
  }

  /** Encodes a fill with zero bytes. */
  clear(s: GpuStorage): void {
    this.encoder ??= this.device.createCommandEncoder({ label: 'prequel:batch' });
    this.encoder.clearBuffer(s.buffer);
  }

  /** Writes host data into a storage (submits pending work first, which must read old data). */
  write(s: GpuStorage, data: Float32Array | Int32Array): void {
    this.flush();
    if (data.length > 0)
      this.device.queue.writeBuffer(s.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  }

  /** Submits the encoded batch. */
  flush(): void {
    if (this.encoder === null) return;
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.pendingDispatches = 0;
    this.uniformFree.push(...this.uniformBusy);
    this.uniformBusy.length = 0;
  }

  /** Copies storage back to the host. */
  read(s: GpuStorage): Promise<ArrayBuffer> {
    const reading = this.readOnce(s);
    this.reads.add(reading);
    const forget = () => void this.reads.delete(reading);
    reading.then(forget, forget);
    return reading;
  }

  private async readOnce(s: GpuStorage): Promise<ArrayBuffer> {
    const bytes = s.length * 4;
    const staging = this.device.createBuffer({
      label: 'prequel:readback',
      size: Math.max(4, bytes),
      usage: gpuConstants.GPUBufferUsage.MAP_READ | gpuConstants.GPUBufferUsage.COPY_DST,
    });
    try {
      this.encoder ??= this.device.createCommandEncoder({ label: 'prequel:batch' });
      if (bytes > 0) this.encoder.copyBufferToBuffer(s.buffer, 0, staging, 0, bytes);
      this.flush();
      await staging.mapAsync(gpuConstants.GPUMapMode.READ);
      const copy = staging.getMappedRange(0, Math.max(4, bytes)).slice(0, bytes);
      staging.unmap();
      this.throwDeviceError('download');
      return copy;
    } finally {
      staging.destroy();
    }
  }

  /** Waits for submitted work and reports a device error raised by it. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.throwDeviceError('sync');
  }

  throwDeviceError(op: string): void {
    if (this.deviceError === null) return;
    const detail = this.deviceError;
    this.deviceError = null;
    throw prequelError('WEBGPU_DEVICE_ERROR', { op, detail });
  }

  checkOpen(op: string): void {
    if (this.closed) raise('WEBGPU_CLOSED', { op });
  }

  /**
   * Refuses new work at once; submits what is encoded, waits for the queue and for downloads in
   * flight, then frees every buffer and destroys the device. Never rejects: a device that was
   * lost has no work left to wait for.
   */
  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    await Promise.allSettled([...this.reads, this.device.queue.onSubmittedWorkDone()]);
    this.pool.destroyAll();
    for (const u of [...this.uniformFree, ...this.uniformBusy]) u.destroy();
    this.uniformFree.length = 0;
    this.uniformBusy.length = 0;
    for (const d of this.dummies.values()) d.destroy();
    this.dummies.clear();
    this.device.destroy();
  }

  private uniformBuffer(
    program: string,
    fields: { name: string; type: string }[],
    values: Uniforms,
  ) {
    const data = new ArrayBuffer(Math.max(16, Math.ceil((fields.length * 4) / 16) * 16));
    const view = new DataView(data);
    fields.forEach((f, i) => {
      const v = values[f.name];
      if (v === undefined)
        raise('WEBGPU_KERNEL', { program, detail: `uniform ${f.name} was not given` });
      if (f.type === 'f32') view.setFloat32(i * 4, v, true);
      else if (f.type === 'i32') view.setInt32(i * 4, v, true);
      else view.setUint32(i * 4, v, true);
    });
    const buffer =
      this.uniformFree.pop() ??
      this.device.createBuffer({
        label: 'prequel:uniforms',
        size: UNIFORM_BYTES,
        usage: gpuConstants.GPUBufferUsage.UNIFORM | gpuConstants.GPUBufferUsage.COPY_DST,
      });
    this.device.queue.writeBuffer(buffer, 0, data);
    this.uniformBusy.push(buffer);
    return buffer;
  }
}

/** Workgroups for one invocation per item, `size` invocations a workgroup. */
export function groupsFor(items: number, size = 256): number {
  return Math.ceil(items / size);
}

/** Splits a line of workgroups over x and y; kernels recover the line index in the prelude. */
export function spread(groups: number): [number, number] {
  if (groups <= MAX_GROUPS_PER_DIM) return [groups, groups === 0 ? 0 : 1];
  const y = Math.ceil(groups / MAX_GROUPS_PER_DIM);
  return [Math.ceil(groups / y), y];
}
