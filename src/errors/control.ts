// SPDX-License-Identifier: Apache-2.0
// Errors of the control domain.
import { defineErrors } from './registry.js';

export const controlErrors = defineErrors({});
