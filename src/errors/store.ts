// SPDX-License-Identifier: Apache-2.0
// Errors of the store domain (graph store and column store).
import { defineErrors } from './registry.js';

export const storeErrors = defineErrors({
  STORE_BAD_DEFINITION: { status: 400, message: '{detail}' },
  STORE_DUPLICATE_TYPE: { status: 400, message: '{detail}' },
  STORE_UNKNOWN_NODE_TYPE: { status: 404, message: '{detail}' },
  STORE_UNKNOWN_EDGE_TYPE: { status: 404, message: '{detail}' },
  STORE_UNKNOWN_COLUMN: { status: 404, message: '{detail}' },
  STORE_BAD_ID: { status: 400, message: '{detail}' },
  STORE_BAD_TIME: { status: 400, message: '{detail}' },
  STORE_LENGTH_MISMATCH: { status: 400, message: '{detail}' },
  STORE_TOO_MANY_EDGES: { status: 400, message: '{detail}' },
  STORE_CLOSED: { status: 400, message: 'the {kind} is closed; {operation} needs an open one' },
  STORE_FILE_MISSING: { status: 500, message: '{detail}' },
  STORE_FILE_SIZE: { status: 500, message: '{detail}' },
  STORE_BAD_MANIFEST: { status: 500, message: 'store manifest {path}: {detail}' },
  STORE_CHECKSUM: { status: 500, message: '{detail}' },
  STORE_WRITE_FAILED: { status: 500, message: '{detail}' },
  STORE_EXISTS: { status: 409, message: 'cannot save to {path}: it already exists' },
});
