// SPDX-License-Identifier: Apache-2.0
// Errors of the gnn domain: tensors, autograd, optimisers and the compute backends.
import { defineErrors } from './registry.js';

export const gnnErrors = defineErrors({
  GNN_SHAPE_MISMATCH: {
    status: 400,
    message: '{op}: shapes do not fit: {expected}; got {shapes}',
  },
  GNN_INDEX_RANGE: { status: 400, message: '{op}: index out of range: {detail}' },
  GNN_NAN: { status: 422, message: '{op}: {what} contains NaN or infinity' },
  GNN_DTYPE_MISMATCH: { status: 400, message: '{op}: {arg} must be {expected}, got {received}' },
  GNN_BACKEND_MISMATCH: {
    status: 400,
    message: '{op}: tensors live on different backends ({backends})',
  },
  GNN_DISPOSED: { status: 400, message: '{op}: tensor {shape} was already disposed' },
  GNN_BAD_ARGUMENT: { status: 400, message: '{op}: {arg} must be {expected}, got {received}' },
  GNN_NO_GRADIENT: { status: 400, message: '{op}: {detail}' },
  GNN_UNKNOWN_CASE_OP: { status: 400, message: 'kernel case {case}: unknown op {op}' },
});
