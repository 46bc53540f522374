// SPDX-License-Identifier: Apache-2.0
// Errors raised by the native addon's common layer (handles, arguments, memory).
import { defineErrors } from './registry.js';

export const nativeErrors = defineErrors({
  NATIVE_NOT_BUILT: {
    status: 500,
    message:
      'the native addon was not found at {path}; build it with `npm run build:native` ({reason})',
  },
  NATIVE_BAD_HANDLE: { status: 400, message: '{detail}' },
  NATIVE_CLOSED_HANDLE: { status: 400, message: '{detail}' },
  NATIVE_BAD_ARGUMENT: { status: 400, message: '{detail}' },
  NATIVE_OUT_OF_MEMORY: { status: 507, message: '{detail}' },
  NATIVE_INTERNAL: { status: 500, message: 'internal native error: {detail}' },
});
