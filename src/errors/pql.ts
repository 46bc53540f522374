// SPDX-License-Identifier: Apache-2.0
// Errors of the pql domain.
import { defineErrors } from './registry.js';

export const pqlErrors = defineErrors({});
