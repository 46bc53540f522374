// SPDX-License-Identifier: Apache-2.0
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { inspectSource, registerInspect } from '../../src/control/cli/inspect.js';
import type { GraphDef } from '../../src/data/graph-def.js';
import { rejectsWith, withTempDir } from './helpers.js';

async function shop(dir: string): Promise<string> {
  const data = join(dir, 'data');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(data);
  await writeFile(
    join(data, 'customers.csv'),
    'customerId,name,segment\n1,Ann,a\n2,Bob,b\n3,Cy,\\N\n',
  );
  await writeFile(
    join(data, 'orders.csv'),
    'orderId,customerId,placed_at,amount\n10,1,2024-01-01 10:00:00,5.5\n11,1,2024-01-02 11:00:00,7\n12,9,2024-01-03 12:00:00,\\N\n',
  );
  return data;
}

async function run(args: string[]): Promise<string> {
  let out = '';
  const program = new Command('prequel').exitOverride();
  registerInspect(program, (text) => (out += text));
  await program.parseAsync(['node', 'prequel', ...args]);
  return out;
}

describe('prequel inspect', () => {
  it('prints tables, keys, links, stypes, row counts and issues and writes the graph file', async () => {
    await withTempDir(async (dir) => {
      const data = await shop(dir);
      const graphFile = join(dir, 'graph.json');
      const text = await run(['inspect', '--null', '\\N', data, '--out', graphFile]);
      expect(text).toContain('orders (3 rows)');
      expect(text).toContain('primary key: orderId');
      expect(text).toContain('time: placed_at');
      expect(text).toContain('link: customerId -> customers');
      expect(text).toContain('amount:numerical');
      expect(text).toContain('orders__f2p_customerId__customers: 2 edges, 1 dangling, 0 null');
      expect(text).toContain('warning FK_DANGLING orders.customerId');
      const written = JSON.parse(await readFile(graphFile, 'utf8'));
      expect(written.version).toBe(1);
      expect(written.tables.map((t: { name: string }) => t.name)).toEqual(['customers', 'orders']);

      // The written file, edited, goes back in as an override.
      written.tables[1].columns.find((c: { name: string }) => c.name === 'amount').stype =
        'categorical';
      await writeFile(graphFile, JSON.stringify(written));
      const json = JSON.parse(
        await run([
          'inspect',
          data,
          '--null',
          '\\N',
          '--graph',
          graphFile,
          '--out',
          join(dir, 'g2.json'),
          '--json',
        ]),
      );
      expect(
        json.graph.tables[1].columns.find((c: { name: string }) => c.name === 'amount').stype,
      ).toBe('categorical');
      expect(json.report.edges[0]).toMatchObject({ edges: 2, dangling: 1 });
    });
  });

  it('writes a graph file that gives back its own tables and columns, not the source', async () => {
    await withTempDir(async (dir) => {
      const data = await shop(dir);
      const only = join(dir, 'only-customers.json');
      const override = { onlyListed: true, tables: [{ name: 'customers', drop: ['segment'] }] };
      await writeFile(only, JSON.stringify(override));
      const first = join(dir, 'first.json');
      const json = (out: string) => JSON.parse(out) as { graph: GraphDef };
      const inspected = json(
        await run(['inspect', data, '--null', '\\N', '--graph', only, '--out', first, '--json']),
      );
      expect(inspected.graph.tables.map((t) => t.name)).toEqual(['customers']);
      expect(inspected.graph.tables[0]!.columns.map((c) => c.name)).toEqual(['customerId', 'name']);
      const written = JSON.parse(await readFile(first, 'utf8'));
      expect(written.onlyListed).toBe(true);
      expect(written.tables[0].drop).toEqual(['segment']);

      const again = ['inspect', data, '--null', '\\N', '--graph', first, '--json'];
      const reread = json(await run([...again, '--out', join(dir, 'second.json')]));
      expect(reread.graph).toEqual(inspected.graph);
    });
  });

  it('fails with coded errors on a missing source, a missing graph file and a bad column in it', async () => {
    await withTempDir(async (dir) => {
      const data = await shop(dir);
      await rejectsWith(
        inspectSource(join(dir, 'nope'), { out: join(dir, 'g.json') }),
        'DATA_FILE_NOT_FOUND',
      );
      await rejectsWith(
        inspectSource(data, { graph: join(dir, 'missing.json'), out: join(dir, 'g.json') }),
        'DATA_FILE_NOT_FOUND',
      );
      await writeFile(
        join(dir, 'bad.json'),
        '{"tables": [{"name": "orders", "columns": [{"name": "amout", "stype": "numerical"}]}]}',
      );
      const details = await rejectsWith(
        inspectSource(data, { graph: join(dir, 'bad.json'), out: join(dir, 'g.json') }),
        'DATA_COLUMN_NOT_FOUND',
      );
      expect(details).toMatchObject({
        table: 'orders',
        column: 'amout',
        where: join(dir, 'bad.json'),
      });
      await writeFile(join(dir, 'broken.json'), '{"tables": [');
      await rejectsWith(
        inspectSource(data, { graph: join(dir, 'broken.json'), out: join(dir, 'g.json') }),
        'DATA_GRAPH_FILE_INVALID',
      );
    });
  });
});
