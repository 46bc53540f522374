// SPDX-License-Identifier: Apache-2.0
// A pool of storage buffers in size classes (four per octave, so at most 25% is wasted). Freed
// buffers wait in their class for reuse; reuse is safe without fences because the queue runs
// submissions in order. Live and idle counts feed the leak checks.
import { gpuConstants } from './device.js';

const MIN_BYTES = 256;

export interface PoolStats {
  /** Buffers handed out and not yet returned. */
  liveBuffers: number;
  /** Buffers waiting in the pool. */
  idleBuffers: number;
  /** Bytes of GPU memory the pool holds (live and idle). */
  allocatedBytes: number;
}

/** The byte size of the class that holds `bytes`. */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_BYTES) return MIN_BYTES;
  const octave = 2 ** Math.floor(Math.log2(bytes));
  const step = octave / 4;
  return Math.ceil(bytes / step) * step;
}

export class BufferPool {
  private readonly idle = new Map<number, GPUBuffer[]>();
  private readonly live = new Set<GPUBuffer>();
  private idleBytes = 0;
  private allocatedBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    /** Idle bytes kept for reuse; beyond this, freed buffers are destroyed. */
    private readonly maxIdleBytes = 512 * 1024 * 1024,
  ) {}

  acquire(bytes: number, label: string): GPUBuffer {
    const size = sizeClass(bytes);
    const free = this.idle.get(size);
    const reused = free?.pop();
    if (reused !== undefined) {
      this.idleBytes -= size;
      this.live.add(reused);
      return reused;
    }
    const { STORAGE, COPY_SRC, COPY_DST } = gpuConstants.GPUBufferUsage;
    const buffer = this.device.createBuffer({
      label: `prequel:${label}:${size}`,
      size,
      usage: STORAGE | COPY_SRC | COPY_DST,
    });
    this.allocatedBytes += size;
    this.live.add(buffer);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (!this.live.delete(buffer)) return;
    const size = buffer.size;
    if (this.idleBytes + size > this.maxIdleBytes) {
      buffer.destroy();
      this.allocatedBytes -= size;
      return;
    }
    let free = this.idle.get(size);
    if (free === undefined) {
      free = [];
      this.idle.set(size, free);
    }
    free.push(buffer);
    this.idleBytes += size;
  }

  /** Destroys every idle buffer. */
  trim(): void {
    for (const free of this.idle.values()) {
      for (const b of free) {
        this.allocatedBytes -= b.size;
        b.destroy();
      }
    }
    this.idle.clear();
    this.idleBytes = 0;
  }

  /** Destroys every buffer, live or idle. */
  destroyAll(): void {
    this.trim();
    for (const b of this.live) b.destroy();
    this.live.clear();
    this.allocatedBytes = 0;
  }

  stats(): PoolStats {
    let idleBuffers = 0;
    for (const free of this.idle.values()) idleBuffers += free.length;
    return { liveBuffers: this.live.size, idleBuffers, allocatedBytes: this.allocatedBytes };
  }
}
