// SPDX-License-Identifier: Apache-2.0
// Errors of the sampler domain.
import { defineErrors } from './registry.js';

export const samplerErrors = defineErrors({});
