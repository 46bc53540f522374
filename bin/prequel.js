#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The prequel command line; the commands live in src/control/cli/ (compiled to dist/).
import { main } from '../dist/control/cli/main.js';

process.exitCode = await main(process.argv);
