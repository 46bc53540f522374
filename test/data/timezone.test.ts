// SPDX-License-Identifier: Apache-2.0
// Timestamps without a time zone must give the same epoch whatever the process's TZ.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const SCRIPT = `
import { openDuckDb } from ${JSON.stringify(join(REPO_ROOT, 'src/data/duckdb.ts'))};
import { cellValue } from ${JSON.stringify(join(REPO_ROOT, 'src/data/column-builder.ts'))};
const db = await openDuckDb(':memory:');
const r = await db.queryAll("SELECT TIMESTAMP '2021-06-01 12:30:00' AS ts, DATE '2021-06-01' AS d, CAST('2021-06-01 12:30:00' AS TIMESTAMP) AS s");
console.log(JSON.stringify(r.columns.map((c) => String(cellValue(c, 0)))));
await db.close();
`;

function epochsUnder(tz: string): string[] {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', SCRIPT],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, TZ: tz },
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) throw new Error(`child under TZ=${tz} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as string[];
}

describe('timestamps without a time zone', () => {
  it('give the same epoch under TZ=UTC and TZ=America/Los_Angeles', () => {
    const utc = epochsUnder('UTC');
    const la = epochsUnder('America/Los_Angeles');
    expect(utc).toEqual(['1622550600000000', '1622505600000000', '1622550600000000']);
    expect(la).toEqual(utc);
  });
});
