// SPDX-License-Identifier: Apache-2.0
// Index checks and segment reductions of the float64 reference backend, as plain loops.
import { raise } from '../errors/index.js';
import type { SegmentReduce } from './backend.js';

/** Throws GNN_INDEX_RANGE naming `op` unless 0 <= v < limit. */
export function checkIndex(op: string, what: string, v: number, limit: number): void {
  if (!(v >= 0 && v < limit))
    raise('GNN_INDEX_RANGE', { op, detail: `${what} = ${v}, limit ${limit}` });
}

/** Checks rowptr (monotone, within the entries) and col (within the rows). */
export function checkCsr(
  op: string,
  rowptr: Int32Array,
  col: Int32Array | null,
  groups: number,
  rows: number,
) {
  if (rowptr.length !== groups + 1) {
    raise('GNN_INDEX_RANGE', {
      op,
      detail: `rowptr has ${rowptr.length} entries for ${groups} groups`,
    });
  }
  const entries = col === null ? rows : col.length;
  if (rowptr[0] !== 0) raise('GNN_INDEX_RANGE', { op, detail: `rowptr[0] = ${rowptr[0]}` });
  for (let g = 0; g < groups; g++) {
    if (rowptr[g + 1]! < rowptr[g]! || rowptr[g + 1]! > entries) {
      raise('GNN_INDEX_RANGE', {
        op,
        detail: `rowptr[${g + 1}] = ${rowptr[g + 1]}, entries ${entries}`,
      });
    }
  }
  if (col !== null)
    for (let e = 0; e < rowptr[groups]!; e++) checkIndex(op, `col[${e}]`, col[e]!, rows);
}

/** Segment sum / mean / max of x over CSR groups; argmax holds CSR positions (-1 if empty). */
export function segmentReduceF64(
  op: SegmentReduce,
  x: Float64Array,
  cols: number,
  rowptr: Int32Array,
  col: Int32Array | null,
  numGroups: number,
): { y: Float64Array; argmax: Int32Array | null } {
  checkCsr('segmentReduce', rowptr, col, numGroups, x.length / Math.max(cols, 1));
  const y = new Float64Array(numGroups * cols);
  const argmax = op === 'max' ? new Int32Array(numGroups * cols) : null;
  for (let g = 0; g < numGroups; g++) {
    const lo = rowptr[g]!;
    const hi = rowptr[g + 1]!;
    for (let c = 0; c < cols; c++) {
      let acc = op === 'max' ? -Infinity : 0;
      let best = -1;
      for (let e = lo; e < hi; e++) {
        const v = x[(col === null ? e : col[e]!) * cols + c]!;
        if (op !== 'max') acc += v;
        else if (v > acc || best < 0) {
          acc = v;
          best = e;
        }
      }
      if (op === 'mean' && hi > lo) acc /= hi - lo;
      if (hi === lo) acc = 0;
      y[g * cols + c] = acc;
      if (argmax !== null) argmax[g * cols + c] = best;
    }
  }
  return { y, argmax };
}

/** Gradient of segmentReduceF64 with respect to x ([xRows, cols]). */
export function segmentBackwardF64(
  op: SegmentReduce,
  dy: Float64Array,
  cols: number,
  rowptr: Int32Array,
  col: Int32Array | null,
  numGroups: number,
  argmax: Int32Array | null,
  xRows: number,
): Float64Array {
  checkCsr('segmentReduceBackward', rowptr, col, numGroups, xRows);
  if (op === 'max' && argmax === null) {
    raise('GNN_BAD_ARGUMENT', {
      op: 'segmentReduceBackward',
      arg: 'argmax',
      expected: 'the argmax of the forward max',
      received: 'null',
    });
  }
  const dx = new Float64Array(xRows * cols);
  for (let g = 0; g < numGroups; g++) {
    const lo = rowptr[g]!;
    const hi = rowptr[g + 1]!;
    for (let e = lo; e < hi; e++) {
      const row = col === null ? e : col[e]!;
      for (let c = 0; c < cols; c++) {
        const d = dy[g * cols + c]!;
        if (op === 'sum') dx[row * cols + c] += d;
        else if (op === 'mean') dx[row * cols + c] += d / (hi - lo);
        else if (argmax![g * cols + c] === e) dx[row * cols + c] += d;
      }
    }
  }
  return dx;
}
