// SPDX-License-Identifier: Apache-2.0
// A stage loads into the native graph store and column store with the same ids, times and edges;
// a store saved in the stage is reopened memory-mapped with the same content, and one that does
// not open is built again.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferGraph } from '../../src/data/infer.js';
import { materialise } from '../../src/data/materialise.js';
import { NEVER, loadStage, stageStoreDir, type LoadedStage } from '../../src/data/load-store.js';
import type { GraphStore } from '../../src/store/graph-store.js';
import { withDb, withTempDir } from './helpers.js';

const JAN1 = 1577836800000000n;
const DAY = 86_400_000_000n;

describe('loading a stage into the native stores', () => {
  it('builds node types with times, both edge directions with the child time, and feature columns', async () => {
    await withDb(
      [
        `CREATE TABLE parent (parentId BIGINT, score DOUBLE, kind VARCHAR, note VARCHAR)`,
        `INSERT INTO parent VALUES (10, 1.5, 'a', 'x'), (3, NULL, 'b', 'y'), (7, 3.5, NULL, 'z')`,
        `CREATE TABLE child (childId BIGINT, parentId BIGINT, happened TIMESTAMP)`,
        `INSERT INTO child VALUES (1, 3, '2020-01-01'), (2, 7, '2020-01-02'), (3, 99, '2020-01-03'), (4, 3, NULL)`,
      ],
      async (db) => {
        await withTempDir(async (workspace) => {
          const { graph } = await inferGraph(db, {
            override: { tables: [{ name: 'parent', columns: [{ name: 'note', stype: 'text' }] }] },
          });
          const stage = await materialise(db, graph, { workspace });
          const loaded = await loadStage(stage, { threads: 1 });
          try {
            const store = loaded.graph;
            expect(store.nodeTypes.map((n) => [n.name, n.count, n.hasTime])).toEqual([
              ['child', 4, true],
              ['parent', 3, false],
            ]);
            expect(Array.from(store.nodeTime('child')!)).toEqual([
              JAN1,
              JAN1 + DAY,
              JAN1 + 2n * DAY,
              NEVER,
            ]);
            expect(store.edgeTypes.map((e) => [e.name, e.numEdges])).toEqual([
              ['child__f2p_parentId__parent', 3],
              ['parent__rev_f2p_parentId__child', 3],
            ]);
            // In-edges by destination: parent 3 (node 0) has children 0 (2020-01-01) and 3 (no time).
            const children = store.neighbors('child__f2p_parentId__parent', 0);
            expect(Array.from(children.src)).toEqual([0, 3]);
            expect(Array.from(children.edgeTime!)).toEqual([JAN1, NEVER]);
            expect(Array.from(store.neighbors('parent__rev_f2p_parentId__child', 1).src)).toEqual([
              1,
            ]);

            const columns = loaded.columns.tables.find((t) => t.nodeType === 'parent')!;
            expect(columns.columns.map((c) => [c.name, c.kind])).toEqual([
              ['score', 'float'],
              ['kind', 'category'],
            ]);
            expect(loaded.skipped).toEqual([{ table: 'parent', column: 'note', stype: 'text' }]);
            const batch = await loaded.columns.gather('parent', new Int32Array([0, 1, 2]));
            expect(Array.from(batch.floatIsNull)).toEqual([1, 0, 0]);
            expect(Array.from(batch.floatValues)).toEqual([0, 3.5, 1.5]);
            expect(Array.from(batch.categoryValues)).toEqual([0, -1, 1]);
          } finally {
            loaded.graph.close();
            loaded.columns.close();
          }
        });
      },
    );
  });

  it('keeps the graph store saved in the stage and reopens it mapped, or builds it again', async () => {
    const content = (g: GraphStore) => ({
      nodes: g.nodeTypes.map((n) => [n.name, n.count, Array.from(g.nodeTime(n.name) ?? [])]),
      edges: g.edgeTypes.map((e) => {
        const rows = g.nodeType(e.dst).count;
        const lists = Array.from({ length: rows }, (_, v) => {
          const n = g.neighbors(e.name, v);
          return [Array.from(n.src), Array.from(n.edgeTime ?? [])];
        });
        return [e.name, lists];
      }),
    });
    const close = (l: LoadedStage) => {
      l.graph.close();
      l.columns.close();
    };
    await withDb(
      [
        `CREATE TABLE parent (parentId BIGINT, score DOUBLE)`,
        `INSERT INTO parent VALUES (10, 1.5), (3, NULL), (7, 3.5)`,
        `CREATE TABLE child (childId BIGINT, parentId BIGINT, happened TIMESTAMP)`,
        `INSERT INTO child VALUES (1, 3, '2020-01-01'), (2, 7, '2020-01-02'), (3, 3, '2020-01-03')`,
      ],
      async (db) => {
        await withTempDir(async (workspace) => {
          const { graph } = await inferGraph(db);
          const stage = await materialise(db, graph, { workspace });
          const built = await loadStage(stage, { threads: 1 });
          const expected = content(built.graph);
          close(built);
          expect(existsSync(stageStoreDir(stage))).toBe(false);

          const first = await loadStage(stage, { threads: 1, saveStore: true });
          expect(existsSync(join(stageStoreDir(stage), 'manifest.json'))).toBe(true);
          expect(content(first.graph)).toEqual(expected);
          close(first);

          const again = await loadStage(stage, { threads: 1, saveStore: true });
          expect(content(again.graph)).toEqual(expected);
          const batch = await again.columns.gather('parent', new Int32Array([0, 1, 2]));
          expect(Array.from(batch.floatIsNull)).toEqual([1, 0, 0]);
          close(again);

          // A damaged manifest (say, another format version): built and saved again.
          await writeFile(join(stageStoreDir(stage), 'manifest.json'), '{"format": "other"}');
          const rebuilt = await loadStage(stage, { threads: 1, saveStore: true });
          expect(content(rebuilt.graph)).toEqual(expected);
          close(rebuilt);
          const reopened = await loadStage(stage, { threads: 1, saveStore: true });
          expect(content(reopened.graph)).toEqual(expected);
          close(reopened);
        });
      },
    );
  });
});
