// SPDX-License-Identifier: Apache-2.0
// Graph operations with their gradients: row gather, segment reductions over CSR groups (the
// message-passing aggregation) and embedding lookup with a row-sparse gradient.
import { raise } from '../errors/index.js';
import type { SegmentReduce } from './backend.js';
import { record, wrap } from './autograd.js';
import { check, shapeError } from './ops.js';
import { Tensor, indexTensor, type RowSparseGrad } from './tensor.js';

/** CSR groups: group g covers entries rowptr[g] .. rowptr[g+1], read through `col` if given. */
export interface Csr {
  /** int32 [numGroups + 1]. */
  rowptr: Tensor;
  /** int32 [entries]: the x row of each entry; null for the identity. */
  col: Tensor | null;
  numGroups: number;
}

function checkIndex(op: string, t: Tensor, what: string): void {
  if (t.disposed) raise('GNN_DISPOSED', { op, shape: t.shape });
  if (t.dtype !== 'int32')
    raise('GNN_DTYPE_MISMATCH', { op, arg: what, expected: 'int32', received: t.dtype });
}

/** Rows of x picked by an int32 index tensor: out[i] = x[index[i]]. */
export function gatherRows(x: Tensor, index: Tensor): Tensor {
  check('gatherRows', x);
  checkIndex('gatherRows', index, 'index');
  if (index.backend !== x.backend)
    raise('GNN_BACKEND_MISMATCH', {
      op: 'gatherRows',
      backends: [x.backend.name, index.backend.name],
    });
  const bk = x.backend;
  const { rows, cols } = x;
  const y = wrap(x, bk.gatherRows(x.storage, cols, index.storage, rows), [index.size, cols]);
  return record('gatherRows', y, [x], (g) => [
    wrap(g, bk.scatterAddRows(g.storage, cols, index.storage, rows), x.shape),
  ]);
}

/** Reduces the rows of each CSR group of x with sum, mean or max; empty groups give 0. */
export function segment(op: SegmentReduce, x: Tensor, csr: Csr): Tensor {
  const name = `segment${op[0]!.toUpperCase()}${op.slice(1)}`;
  check(name, x);
  checkIndex(name, csr.rowptr, 'rowptr');
  if (csr.col !== null) checkIndex(name, csr.col, 'col');
  if (csr.rowptr.size !== csr.numGroups + 1) {
    shapeError(
      name,
      `rowptr of ${csr.numGroups + 1} entries for ${csr.numGroups} groups`,
      x.shape,
      csr.rowptr.shape,
    );
  }
  const bk = x.backend;
  const { rows, cols } = x;
  const colS = csr.col === null ? null : csr.col.storage;
  const r = bk.segmentReduce(op, x.storage, cols, csr.rowptr.storage, colS, csr.numGroups);
  const argmax = r.argmax === null ? null : wrap(x, r.argmax, [csr.numGroups * cols]);
  const y = wrap(x, r.y, [csr.numGroups, cols]);
  return record(name, y, [x], (g) => {
    const dx = bk.segmentReduceBackward(
      op,
      g.storage,
      cols,
      csr.rowptr.storage,
      colS,
      csr.numGroups,
      argmax?.storage ?? null,
      rows,
    );
    return [wrap(g, dx, x.shape)];
  });
}

export const segmentSum = (x: Tensor, csr: Csr) => segment('sum', x, csr);
export const segmentMean = (x: Tensor, csr: Csr) => segment('mean', x, csr);
export const segmentMax = (x: Tensor, csr: Csr) => segment('max', x, csr);

/**
 * Rows of an embedding table for host ids. The gradient is row-sparse: it holds only the
 * distinct ids looked up, summed, so a large table costs nothing in backward.
 */
export function embedding(table: Tensor, ids: Int32Array): Tensor {
  check('embedding', table);
  const { rows, cols } = table;
  const sorted = Int32Array.from(ids).sort();
  const unique: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const id = sorted[i]!;
    if (id < 0 || id >= rows)
      raise('GNN_INDEX_RANGE', { op: 'embedding', detail: `id ${id}, table rows ${rows}` });
    if (i === 0 || id !== sorted[i - 1]) unique.push(id);
  }
  const slot = new Map(unique.map((id, k) => [id, k]));
  const inverse = Int32Array.from(ids, (id) => slot.get(id)!);

  const bk = table.backend;
  const index = indexTensor(bk, ids);
  const inv = indexTensor(bk, inverse);
  const y = wrap(table, bk.gatherRows(table.storage, cols, index.storage, rows), [
    ids.length,
    cols,
  ]);
  return record('embedding', y, [table], (g) => {
    const values = new Tensor(bk, bk.scatterAddRows(g.storage, cols, inv.storage, unique.length), [
      unique.length,
      cols,
    ]);
    const grad: RowSparseGrad = {
      kind: 'rowSparse',
      rows: indexTensor(bk, unique),
      values,
      tableRows: rows,
    };
    return [grad];
  });
}
