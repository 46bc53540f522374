// SPDX-License-Identifier: Apache-2.0
// The prequel library API.
export { PrequelError, ERRORS } from './errors/index.js';
