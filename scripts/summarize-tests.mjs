// SPDX-License-Identifier: Apache-2.0
// Reads vitest JSON reports and prints one closing line: "N passed, N failed[, N skipped]".
// Exits non-zero when any test failed, any suite failed to load, or a report is missing.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
let broken = false;
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('--extra-failed=')) {
    failed += Number(arg.slice('--extra-failed='.length));
    continue;
  }
  const file = arg;
  if (!existsSync(file)) {
    console.log(`missing test report ${file}`);
    broken = true;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  for (const suite of report.testResults) {
    if (suite.status === 'failed' && suite.assertionResults.length === 0) {
      console.log(`suite failed to run: ${suite.name}: ${suite.message}`);
      failed += 1;
    }
  }
}
const tail = skipped > 0 ? `, ${skipped} skipped` : '';
console.log(`${passed} passed, ${failed} failed${tail}`);
process.exit(failed > 0 || broken ? 1 : 0);
