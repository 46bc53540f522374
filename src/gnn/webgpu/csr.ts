// SPDX-License-Identifier: Apache-2.0
// Host-side index work for the WebGPU backend: range checks on the host copies of uploaded index
// tensors, and the transposed CSR that makes segment backward and scatter-add deterministic
// gathers (each output row sums its contributions in edge order; no float atomics).
import { raise } from '../../errors/index.js';
import type { GpuStorage } from './context.js';

/**
 * The host copy of an index tensor, or a coded error when it was computed on the GPU.
 * Not yet: GPU-computed index tensors (no host copy) cannot be checked or transposed inside the
 * synchronous Backend calls; a GPU-side check flag read at sync() would lift this.
 */
export function hostIndex(op: string, arg: string, s: GpuStorage): Int32Array {
  if (s.dtype !== 'int32') {
    raise('GNN_DTYPE_MISMATCH', { op, arg, expected: 'int32', received: s.dtype });
  }
  if (s.host === null) raise('WEBGPU_INDEX_NOT_ON_HOST', { op, arg });
  return s.host;
}

/** Checks every index lies in [0, limit). */
export function checkRange(op: string, arg: string, index: Int32Array, limit: number): void {
  for (let i = 0; i < index.length; i++) {
    const v = index[i];
    if (v < 0 || v >= limit) {
      raise('GNN_INDEX_RANGE', { op, detail: `${arg}[${i}] = ${v} is outside [0, ${limit})` });
    }
  }
}

/**
 * Checks a CSR: rowptr has numGroups + 1 non-decreasing entries from 0, ending at most at
 * `edges` (col length, or x rows without col); the col entries it covers lie in [0, xRows).
 */
export function checkCsr(
  op: string,
  rowptr: Int32Array,
  col: Int32Array | null,
  numGroups: number,
  xRows: number,
): void {
  if (rowptr.length !== numGroups + 1) {
    raise('GNN_INDEX_RANGE', {
      op,
      detail: `rowptr has ${rowptr.length} entries, expected numGroups + 1 = ${numGroups + 1}`,
    });
  }
  const edges = col === null ? xRows : col.length;
  if (rowptr[0] !== 0) raise('GNN_INDEX_RANGE', { op, detail: `rowptr[0] = ${rowptr[0]}, not 0` });
  for (let g = 0; g < numGroups; g++) {
    if (rowptr[g + 1] < rowptr[g]) {
      raise('GNN_INDEX_RANGE', {
        op,
        detail: `rowptr decreases at ${g + 1}: ${rowptr[g]} then ${rowptr[g + 1]}`,
      });
    }
  }
  if (rowptr[numGroups] > edges) {
    raise('GNN_INDEX_RANGE', {
      op,
      detail: `rowptr[${numGroups}] = ${rowptr[numGroups]} exceeds ${col === null ? 'x rows' : 'col length'} ${edges}`,
    });
  }
  if (col !== null) checkRange(op, 'col', col.subarray(0, rowptr[numGroups]), xRows);
}

export interface HostTransposed {
  tRowptr: Int32Array;
  tGroup: Int32Array;
  tEdge: Int32Array;
}

/**
 * For each x row r, the edges that read r in edge order: tRowptr [xRows + 1], and per entry the
 * edge's group (tGroup) and CSR position (tEdge). A counting sort, stable in edge order.
 */
export function transposeCsr(
  rowptr: Int32Array,
  col: Int32Array | null,
  numGroups: number,
  xRows: number,
): HostTransposed {
  const last = rowptr[numGroups];
  const rowOf = (e: number) => (col === null ? e : col[e]);

  const tRowptr = new Int32Array(xRows + 1);
  for (let e = 0; e < last; e++) tRowptr[rowOf(e) + 1]++;
  for (let r = 0; r < xRows; r++) tRowptr[r + 1] += tRowptr[r];

  const cursor = tRowptr.slice(0, xRows);
  const tGroup = new Int32Array(last);
  const tEdge = new Int32Array(last);
  for (let g = 0; g < numGroups; g++) {
    for (let e = rowptr[g]; e < rowptr[g + 1]; e++) {
      const slot = cursor[rowOf(e)]++;
      tGroup[slot] = g;
      tEdge[slot] = e;
    }
  }
  return { tRowptr, tGroup, tEdge };
}
