// SPDX-License-Identifier: Apache-2.0
// Reads the data time range a temporal plan needs through any connector: the min and max of
// every table's time column, per table and overall (timeRangeSql runs in the engine).
import type { Connector, ResultColumn } from '../../data/connector.js';
import type { GraphDef } from '../../data/graph-def.js';
import { type TimeRange, graphRelations } from './plan.js';
import { timeRangeSql } from './sql.js';

function cell(column: ResultColumn, row: number): bigint | string | null {
  if (column.valid !== null && column.valid[row] === 0) return null;
  switch (column.kind) {
    case 'bigint':
    case 'timestamp':
      return column.values[row];
    case 'int':
      return BigInt(column.values[row]);
    case 'float':
      return BigInt(Math.round(column.values[row]));
    case 'string':
      return column.dictionary[column.codes[row]];
    default:
      return null;
  }
}

/** The data's time range, or null when no table has a time column or every table is empty. */
export async function readTimeRange(
  connector: Connector,
  graph: GraphDef,
  relations: 'graph' | 'tables' = 'graph',
): Promise<TimeRange | null> {
  const compiled = timeRangeSql(
    graph,
    connector.dialect,
    graphRelations(graph, connector.dialect, relations),
  );
  if (compiled === null) return null;
  const chunk = await connector.queryAll(compiled.sql, compiled.params);
  const [names, mins, maxs] = compiled.columns.map((c) =>
    chunk.columns.find((x) => x.name.toLowerCase() === c)!,
  );
  const tables: Record<string, { start: bigint; end: bigint }> = {};
  let start: bigint | null = null;
  let end: bigint | null = null;
  for (let row = 0; row < chunk.rows; row++) {
    const name = cell(names, row);
    const lo = cell(mins, row);
    const hi = cell(maxs, row);
    if (typeof name !== 'string' || typeof lo !== 'bigint' || typeof hi !== 'bigint') continue;
    tables[name] = { start: lo, end: hi };
    if (start === null || lo < start) start = lo;
    if (end === null || hi > end) end = hi;
  }
  return start === null || end === null ? null : { start, end, tables };
}
