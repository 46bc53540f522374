// SPDX-License-Identifier: Apache-2.0
// Errors of the gnn domain.
import { defineErrors } from './registry.js';

export const gnnErrors = defineErrors({});
