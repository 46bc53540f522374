// SPDX-License-Identifier: Apache-2.0
// Graph files are checked strictly against the schema the REST API uses: a typo is an error
// naming the file, the JSON path and the likely intended name, never silently ignored.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOverride, readGraphFile, writeGraphFile } from '../../src/data/graph-file.js';
import type { GraphDef } from '../../src/data/graph-def.js';
import { rejectsWith, withTempDir } from './helpers.js';

/** [what the file holds, code, details it names] */
const BAD_FILES: Array<[string, string, Record<string, unknown>]> = [
  [
    '{"tables": [{"name": "purchases", "timeColum": "purchased_at"}]}',
    'DATA_GRAPH_FILE_UNKNOWN_PROPERTY',
    { pointer: '/tables/0', property: 'timeColum', suggestions: ['timeColumn'] },
  ],
  [
    '{"table": [{"name": "purchases"}]}',
    'DATA_GRAPH_FILE_UNKNOWN_PROPERTY',
    { pointer: '/', property: 'table', suggestions: ['tables'] },
  ],
  [
    '{"tables": [{"name": "a", "columns": [{"name": "x", "stype": "text", "stpye": "id"}]}]}',
    'DATA_GRAPH_FILE_UNKNOWN_PROPERTY',
    { pointer: '/tables/0/columns/0', property: 'stpye', suggestions: ['stype'] },
  ],
  [
    '{"tables": [{"name": "r", "derivedTime": {"from": "parent", "foreignKey": "a", "offset": 3}}]}',
    'DATA_GRAPH_FILE_UNKNOWN_PROPERTY',
    { pointer: '/tables/0/derivedTime', property: 'offset', suggestions: ['offsetSeconds'] },
  ],
  [
    '{"data": {"path": "x", "files": {"delimitor": ";"}}}',
    'DATA_GRAPH_FILE_UNKNOWN_PROPERTY',
    { pointer: '/data/files', property: 'delimitor', suggestions: ['delimiter'] },
  ],
  [
    '{"tables": [{"name": "a", "zzzzzzzz": 1}]}',
    'DATA_GRAPH_FILE_UNKNOWN_PROPERTY',
    { property: 'zzzzzzzz', suggestions: [] },
  ],
  ['[]', 'DATA_GRAPH_FILE_INVALID', { reason: expect.stringContaining('a JSON list') }],
  ['"graph"', 'DATA_GRAPH_FILE_INVALID', { reason: expect.stringContaining('a JSON string') }],
  ['null', 'DATA_GRAPH_FILE_INVALID', { reason: expect.stringContaining('one JSON object') }],
  ['{"tables": {}}', 'DATA_GRAPH_FILE_INVALID', { reason: '/tables must be a list; it is {}' }],
  ['{"version": 2}', 'DATA_GRAPH_FILE_INVALID', { reason: '/version must be 1; it is 2' }],
  [
    '{"tables": [{"name": "a", "timeUnit": "sec"}]}',
    'DATA_GRAPH_FILE_INVALID',
    {
      reason:
        '/tables/0/timeUnit (table a) must be one of "s", "ms", "us", "ns" or null; it is "sec"',
    },
  ],
  [
    '{"tables": [{"name": "a", "columns": [{"name": "x", "stype": "colour"}]}]}',
    'DATA_GRAPH_FILE_INVALID',
    { reason: expect.stringContaining('/tables/0/columns/0/stype (table a) must be one of') },
  ],
  [
    '{"tables": [{"columns": []}]}',
    'DATA_GRAPH_FILE_INVALID',
    { reason: expect.stringContaining('/tables/0 needs the property "name"') },
  ],
  [
    '{"tables": [{"name": "r", "derivedTime": {"from": "parnt"}}]}',
    'DATA_GRAPH_FILE_INVALID',
    { reason: expect.stringContaining('{"from": "columns", ...} or {"from": "parent", ...}') },
  ],
  [
    '{"tables": [{"name": "r", "derivedTime": {"from": "columns", "date": "d"}}]}',
    'DATA_GRAPH_FILE_INVALID',
    { reason: expect.stringContaining('needs the property "timeOfDay"') },
  ],
  [
    '{"tables": [{"name": "a", "foreignKeys": [{"column": "b"}]}]}',
    'DATA_GRAPH_FILE_INVALID',
    { reason: expect.stringContaining('/tables/0/foreignKeys/0 (table a) needs the property') },
  ],
];

describe('graph file checks', () => {
  it('refuses unknown properties with the path and a did-you-mean, and wrong shapes with what is expected', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'graph.json');
      for (const [text, code, named] of BAD_FILES) {
        await writeFile(path, text);
        const details = await rejectsWith(readGraphFile(path), code);
        expect(details, text).toMatchObject({ path, ...named });
      }
    });
  });

  it('says it in the message: file, path, property, suggestion', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'g.json');
      await writeFile(path, '{"tables": [{"name": "purchases", "timeColum": "purchased_at"}]}');
      const err = await readGraphFile(path).catch((e: Error) => e);
      expect((err as Error).message).toContain(path);
      expect((err as Error).message).toContain(
        '/tables/0 (table purchases) has an unknown property "timeColum" (did you mean "timeColumn"?)',
      );
    });
  });

  it('accepts what inspect writes and a library object with undefined fields', async () => {
    await withTempDir(async (dir) => {
      const graph: GraphDef = {
        version: 1,
        tables: [
          {
            name: 'ev',
            primaryKey: 'id',
            foreignKeys: [],
            timeColumn: 'ts',
            timeUnit: 'ms',
            endTimeColumn: null,
            columns: [
              { name: 'id', physical: 'bigint', stype: 'id' },
              { name: 'ts', physical: 'bigint', stype: 'timestamp' },
            ],
            rowCount: 3,
          },
        ],
      };
      const path = join(dir, 'graph.json');
      const data = { path: dir, files: { header: true, nullStrings: ['\\N'] } };
      await writeGraphFile(path, graph, data, { tables: [{ name: 'ev', drop: ['x'] }] });
      const read = await readGraphFile(path);
      expect(read.tables?.[0]).toMatchObject({ name: 'ev', timeUnit: 'ms', drop: ['x'] });
      expect(read.data).toEqual(data);
      expect(checkOverride({ tables: [{ name: 'ev', timeColumn: undefined }] })).toBeDefined();
    });
  });
});
