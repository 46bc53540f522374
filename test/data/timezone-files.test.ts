// SPDX-License-Identifier: Apache-2.0
// CSV files with zone-less timestamps, dates and a text time column, materialised into a stage,
// give the same node times and timestamp features under TZ=UTC and TZ=America/Los_Angeles,
// including wall times that do not exist or occur twice in Los Angeles (daylight saving), and
// NULL stays NULL.
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, withTempDir } from './helpers.js';

const src = (file: string) => JSON.stringify(join(REPO_ROOT, 'src/data', file));

// Reads <dir>/data, materialises into <dir>/<TZ>, prints every time of the events node file.
const SCRIPT = `
import { openDuckDb } from ${src('duckdb.ts')};
import { inferGraph } from ${src('infer.ts')};
import { materialise } from ${src('materialise.ts')};
import { readNodes } from ${src('stage.ts')};
const [dir, tz] = process.argv.slice(-2);
const db = await openDuckDb(dir + '/data');
try {
  const override = { tables: [{ name: 'events', timeColumn: 'created_at',
    columns: [{ name: 'seen_text', stype: 'timestamp' }] }] };
  const { graph } = await inferGraph(db, { override });
  const stage = await materialise(db, graph, { workspace: dir + '/' + tz.replace('/', '_') });
  const nodes = await readNodes(stage, 'events');
  const entry = stage.manifest.tables.find((t) => t.name === 'events');
  const out = { time: nodes.getChild('__time').toJSON() };
  for (const f of entry.features) out[f.column] = [f.encoding, nodes.getChild(f.field).toJSON()];
  console.log(JSON.stringify(out, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
} finally {
  await db.close();
}
`;

function stageTimesUnder(dir: string, tz: string): unknown {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, dir, tz],
    { cwd: REPO_ROOT, env: { ...process.env, TZ: tz }, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`child under TZ=${tz} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

const micros = (...utc: number[]) =>
  String(BigInt(Date.UTC(utc[0], utc[1] - 1, utc[2], utc[3] ?? 0, utc[4] ?? 0)) * 1000n);

describe('zone-less times read from files', () => {
  it('give the same stage under TZ=UTC and TZ=America/Los_Angeles', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'data'));
      await writeFile(join(dir, 'data', 'users.csv'), 'userId,name\n1,a\n2,b\n');
      await writeFile(
        join(dir, 'data', 'events.csv'),
        'eventId,userId,created_at,day,seen_text\n' +
          '1,1,2021-06-01 12:30:00,2021-06-01,2021-03-14 02:30:00\n' + // no 02:30 in LA that day
          '2,2,2021-11-07 01:30:00,2021-11-07,\n' + // 01:30 happens twice in LA that day
          '3,1,,1969-12-31,1969-12-31 23:59:59\n',
      );
      const utc = stageTimesUnder(dir, 'UTC');
      const la = stageTimesUnder(dir, 'America/Los_Angeles');
      expect(utc).toEqual({
        time: [micros(2021, 6, 1, 12, 30), micros(2021, 11, 7, 1, 30), null],
        day: ['micros', [micros(2021, 6, 1), micros(2021, 11, 7), String(-86_400_000_000n)]],
        seen_text: ['micros', [micros(2021, 3, 14, 2, 30), null, String(-1_000_000n)]],
      });
      expect(la).toEqual(utc);
    });
  });
});
