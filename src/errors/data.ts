// SPDX-License-Identifier: Apache-2.0
// Errors of the data domain.
import { defineErrors } from './registry.js';

export const dataErrors = defineErrors({});
