// SPDX-License-Identifier: Apache-2.0
// Loads the TypeScript worker when prequel runs from source (tests under vitest, tsx); the
// compiled package uses dist/sampler/worker.js directly. tsx is a development dependency.
import { tsImport } from 'tsx/esm/api';

const worker = await tsImport('./worker.ts', import.meta.url);
export default worker.default;
