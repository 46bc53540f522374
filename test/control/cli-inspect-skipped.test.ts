// SPDX-License-Identifier: Apache-2.0
// `prequel inspect DIR` names the files of DIR it does not read as tables (a spreadsheet, a
// README) with the formats it reads, in the text and the JSON output; hidden files are not named.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT_OK, main } from '../../src/control/cli/main.js';
import { writeShop } from '../pipeline/shop.js';
import { tempDir } from './helpers.js';

let stdout: string;
let dir: string;
beforeEach(() => {
  stdout = '';
  dir = tempDir('prequel-inspect-skipped-');
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('inspect of a directory with files that are not tables', () => {
  it('names them and the formats it reads', async () => {
    const data = join(dir, 'shop');
    writeShop(data, 6);
    writeFileSync(join(data, 'junk.xlsx'), 'PK');
    writeFileSync(join(data, 'README'), 'about');
    writeFileSync(join(data, '.DS_Store'), '');
    const out = join(dir, 'graph.json');
    expect(await main(['node', 'prequel', 'inspect', data, '--out', out])).toBe(EXIT_OK);
    expect(stdout).toContain(
      'note: skipped 2 files not in a table format: README, junk.xlsx (read as tables: .csv,',
    );
    expect(stdout).not.toContain('.DS_Store');

    stdout = '';
    expect(await main(['node', 'prequel', 'inspect', data, '--out', out, '--json'])).toBe(EXIT_OK);
    expect((JSON.parse(stdout) as { skipped: string[] }).skipped).toEqual(['README', 'junk.xlsx']);
  }, 60_000);

  it('says nothing when every file is a table', async () => {
    const data = join(dir, 'shop');
    writeShop(data, 6);
    expect(await main(['node', 'prequel', 'inspect', data, '--out', join(dir, 'g.json')])).toBe(
      EXIT_OK,
    );
    expect(stdout).not.toContain('note: skipped');
  }, 60_000);
});
