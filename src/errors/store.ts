// SPDX-License-Identifier: Apache-2.0
// Errors of the store domain.
import { defineErrors } from './registry.js';

export const storeErrors = defineErrors({});
