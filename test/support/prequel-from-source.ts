// SPDX-License-Identifier: Apache-2.0
// The `prequel` command run from the TypeScript sources (`node --import tsx` on this file), so
// tests can start real CLI and server processes without building dist/ first.
import { main } from '../../src/control/cli/main.js';

process.exitCode = await main(process.argv);
