// SPDX-License-Identifier: Apache-2.0
// Graph WebGPU ops: gather, scatter-add and segment reductions over CSR groups.
// Scatter-add and every segment backward are deterministic: instead of float atomics they run as
// gathers over a transposed CSR built on the host from the uploaded index tensors (a counting
// sort, cached on the index storage until it is released), so each output row sums its
// contributions in edge order and repeated runs give identical bits.
import type { SegmentReduce } from '../backend.js';
import { groupsFor, type GpuContext, type GpuStorage, type TransposedCsr } from './context.js';
import { checkCsr, checkRange, hostIndex, transposeCsr, type HostTransposed } from './csr.js';

const REDUCE_CODES: Record<SegmentReduce, number> = { sum: 0, mean: 1, max: 2 };
/** rowptrId of the implicit identity rowptr used by scatter-add (one edge per group). */
const IDENTITY_ROWPTR = 0;

export function gatherRows(
  ctx: GpuContext,
  x: GpuStorage,
  cols: number,
  index: GpuStorage,
  /** Rows of x (the limit of the indices); the output has one row per index. */
  numRows: number,
): GpuStorage {
  const idx = hostIndex('gatherRows', 'index', index);
  checkRange('gatherRows', 'index', idx, numRows);
  const outRows = index.length;
  const out = ctx.alloc('gatherRows', x.dtype, outRows * cols);
  ctx.run(
    'gather-rows',
    { outRows, cols, xRows: numRows },
    { x: x.buffer, index: index.buffer, out: out.buffer },
    groupsFor(outRows * cols),
    x.dtype,
  );
  return out;
}

/** out[index[i]] += dy[i], as a gather over the transposed index. */
export function scatterAddRows(
  ctx: GpuContext,
  dy: GpuStorage,
  cols: number,
  index: GpuStorage,
  outRows: number,
): GpuStorage {
  const idx = hostIndex('scatterAddRows', 'index', index);
  checkRange('scatterAddRows', 'index', idx, outRows);
  const t = transposed(ctx, index, IDENTITY_ROWPTR, outRows, () => {
    const rowptr = Int32Array.from({ length: idx.length + 1 }, (_, i) => i);
    return transposeCsr(rowptr, idx, idx.length, outRows);
  });
  return gatherBack(ctx, 0, dy, cols, null, t, null, outRows);
}

export function segmentReduce(
  ctx: GpuContext,
  op: SegmentReduce,
  x: GpuStorage,
  cols: number,
  rowptr: GpuStorage,
  col: GpuStorage | null,
  numGroups: number,
) {
  const name = `segment${op[0].toUpperCase()}${op.slice(1)}`;
  const xRows = cols === 0 ? 0 : x.length / cols;
  const rp = hostIndex(name, 'rowptr', rowptr);
  const c = col === null ? null : hostIndex(name, 'col', col);
  checkCsr(name, rp, c, numGroups, cols === 0 ? Number.MAX_SAFE_INTEGER : xRows);

  const y = ctx.alloc(name, 'float32', numGroups * cols);
  const argmax = op === 'max' ? ctx.alloc(name, 'int32', numGroups * cols) : null;
  ctx.run(
    'segment-reduce',
    { numGroups, cols, op: REDUCE_CODES[op], hasCol: col === null ? 0 : 1 },
    {
      x: x.buffer,
      rowptr: rowptr.buffer,
      col: col?.buffer ?? ctx.dummy('in'),
      y: y.buffer,
      argmax: argmax?.buffer ?? ctx.dummy('out'),
    },
    groupsFor(numGroups * Math.ceil(cols / 4)),
  );
  return { y, argmax };
}

export function segmentReduceBackward(
  ctx: GpuContext,
  op: SegmentReduce,
  dy: GpuStorage,
  cols: number,
  rowptr: GpuStorage,
  col: GpuStorage | null,
  numGroups: number,
  argmax: GpuStorage | null,
  xRows: number,
): GpuStorage {
  const name = `segment${op[0].toUpperCase()}${op.slice(1)}Backward`;
  const rp = hostIndex(name, 'rowptr', rowptr);
  const c = col === null ? null : hostIndex(name, 'col', col);
  const owner = col ?? rowptr;
  const t = transposed(ctx, owner, rowptr.id, xRows, () => {
    checkCsr(name, rp, c, numGroups, xRows);
    return transposeCsr(rp, c, numGroups, xRows);
  });
  return gatherBack(ctx, REDUCE_CODES[op], dy, cols, rowptr, t, argmax, xRows);
}

function gatherBack(
  ctx: GpuContext,
  op: number,
  dy: GpuStorage,
  cols: number,
  rowptr: GpuStorage | null,
  t: TransposedCsr,
  argmax: GpuStorage | null,
  xRows: number,
): GpuStorage {
  const dx = ctx.alloc('segmentBackward', 'float32', xRows * cols);
  ctx.run(
    'segment-backward',
    { xRows, cols, op },
    {
      dy: dy.buffer,
      rowptr: rowptr?.buffer ?? ctx.dummy('in'),
      tRowptr: t.tRowptr.buffer,
      tGroup: t.tGroup.buffer,
      tEdge: t.tEdge.buffer,
      argmax: argmax?.buffer ?? ctx.dummy('in'),
      dx: dx.buffer,
    },
    groupsFor(xRows * Math.ceil(cols / 4)),
  );
  return dx;
}

/** The transposed CSR cached on `owner`, built by `build` when absent or made for other sizes. */
function transposed(
  ctx: GpuContext,
  owner: GpuStorage,
  rowptrId: number,
  xRows: number,
  build: () => HostTransposed,
): TransposedCsr {
  const cached = owner.transposed;
  if (cached !== null && cached.xRows === xRows && cached.rowptrId === rowptrId) return cached;
  if (cached !== null) {
    ctx.free(cached.tRowptr);
    ctx.free(cached.tGroup);
    ctx.free(cached.tEdge);
    owner.transposed = null;
  }
  const host = build();
  const tRowptr = ctx.alloc('transposedCsr', 'int32', host.tRowptr.length, null, false);
  const tGroup = ctx.alloc('transposedCsr', 'int32', host.tGroup.length, null, false);
  const tEdge = ctx.alloc('transposedCsr', 'int32', host.tEdge.length, null, false);
  ctx.write(tRowptr, host.tRowptr);
  ctx.write(tGroup, host.tGroup);
  ctx.write(tEdge, host.tEdge);
  owner.transposed = { xRows, rowptrId, tRowptr, tGroup, tEdge };
  return owner.transposed;
}
