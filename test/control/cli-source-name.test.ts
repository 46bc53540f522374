// SPDX-License-Identifier: Apache-2.0
// `prequel train --data DIR --source-name NAME`: the data is registered under the chosen name
// (not the directory's), the note says how to reuse it, a taken name is refused before any
// work, and --source-name with --source (already registered) is refused.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataSource } from '../../src/control/cli/data-source.js';
import { writeShop } from '../pipeline/shop.js';
import { tempDir, withPrequel } from './helpers.js';

describe('--source-name', () => {
  it('registers --data under the chosen name and says how to reuse it', async () => {
    const data = join(tempDir('prequel-source-name-'), 'data');
    writeShop(data, 6);
    await withPrequel(async (prequel) => {
      const first = await resolveDataSource(prequel, { data, sourceName: 'shop' });
      expect(first.source.name).toBe('shop');
      expect(first.notes[0]).toBe(
        `registered data source shop (${data}); reuse it with --source shop`,
      );
      // The same data again is the same source; another name for it is named as unused.
      const again = await resolveDataSource(prequel, { data, sourceName: 'other' });
      expect(again.source.id).toBe(first.source.id);
      expect(again.notes[0]).toContain('registered already as source shop; --source-name other');
    });
  }, 60_000);

  it.each([
    ['a name that is taken', { sourceName: 'shop' }, 'CONTROL_SOURCE_EXISTS'],
    ['with --source', { source: 'shop', sourceName: 'x' }, 'CONTROL_INVALID_ARGUMENT'],
  ])(
    'refuses %s',
    async (_case, flags, code) => {
      const dir = tempDir('prequel-source-name-');
      const taken = join(dir, 'taken');
      const fresh = join(dir, 'fresh');
      writeShop(taken, 6);
      writeShop(fresh, 6);
      await withPrequel(async (prequel) => {
        await resolveDataSource(prequel, { data: taken, sourceName: 'shop' });
        const given = 'source' in flags ? flags : { data: fresh, ...flags };
        await expect(resolveDataSource(prequel, given)).rejects.toMatchObject({ code });
        expect((await prequel.listSources()).map((s) => s.name)).toEqual(['shop']);
      });
    },
    60_000,
  );
});
