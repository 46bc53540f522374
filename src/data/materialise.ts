// SPDX-License-Identifier: Apache-2.0
// Materialisation: validate the graph, then write its stage (dense node ids, encoded features,
// foreign-key edges with the child row's time) as Arrow IPC files. The stage directory is named
// by a content hash of the inputs and the graph definition; an existing complete stage with that
// hash is reused. Files are written into a temporary directory renamed into place at the end, so
// a partial stage is never seen, and a failed run leaves nothing behind.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Connector } from './connector.js';
import type { GraphDef } from './graph-def.js';
import { sourceOf } from './relation.js';
import { quoteIdent } from './sql.js';
import { cellValue } from './column-builder.js';
import {
  edgeTypeName,
  reverseEdgeTypeName,
  throwOnErrors,
  validateGraph,
  type ValidationReport,
} from './validate.js';
import { writeEdgeFile, writeNodeFile, type Progress } from './stage-writer.js';
import {
  STAGE_FORMAT,
  STAGE_VERSION,
  openStage,
  type Stage,
  type StageEdgeType,
  type StageManifest,
  type StageNodeTable,
} from './stage.js';

export interface MaterialiseOptions {
  /** Workspace directory; the stage goes to <workspace>/stage/<hash>. */
  workspace: string;
  progress?: Progress;
  /** Rebuild even when a stage with the same hash exists. */
  force?: boolean;
}

/** A content fingerprint of one source table: row count and an order-free hash of its rows. */
async function fingerprint(
  connector: Connector,
  table: string,
  columns: string[],
): Promise<string> {
  // HASH / hash are variadic in both engines: one hash per row, summed, so row order is ignored.
  const rowHash = `hash(${columns.map(quoteIdent).join(', ')})`;
  const text = (expr: string) =>
    connector.dialect === 'duckdb' ? `CAST(${expr} AS VARCHAR)` : `TO_VARCHAR(${expr})`;
  const sql = `SELECT count(*) AS n, ${text(`sum(${rowHash})`)} AS h FROM ${quoteIdent(table)}`;
  const result = await connector.queryAll(sql);
  return `${cellValue(result.columns[0], 0)}:${cellValue(result.columns[1], 0)}`;
}

/** The stage hash: the graph definition (without row counts) and every source table's content. */
export async function stageHash(connector: Connector, graph: GraphDef): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${STAGE_FORMAT}/${STAGE_VERSION}\n`);
  const tables = graph.tables.map(({ rowCount: _rows, ...rest }) => rest);
  hash.update(JSON.stringify({ version: graph.version, tables }));
  for (const table of graph.tables) {
    const info = await connector.describe(sourceOf(table));
    const columns = info.columns.map((c) => c.name);
    hash.update(`\n${sourceOf(table)}=${await fingerprint(connector, sourceOf(table), columns)}`);
  }
  return hash.digest('hex');
}

/** Validates `graph` and writes (or reuses) its stage; validation errors are raised. */
export async function materialise(
  connector: Connector,
  graph: GraphDef,
  options: MaterialiseOptions,
): Promise<Stage> {
  const report = await validateGraph(connector, graph);
  throwOnErrors(report);
  const hash = await stageHash(connector, graph);
  const root = join(options.workspace, 'stage');
  const dir = join(root, hash);
  if (options.force !== true) {
    const existing = await openStage(dir).catch(() => null);
    if (existing !== null && existing.manifest.hash === hash) return existing;
  }

  await mkdir(root, { recursive: true });
  const temp = join(
    root,
    `.tmp-${hash.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  try {
    await mkdir(join(temp, 'nodes'), { recursive: true });
    await mkdir(join(temp, 'edges'), { recursive: true });
    const manifest = await writeStage(connector, graph, report, hash, temp, options.progress);
    await writeFile(join(temp, 'manifest.json'), `${JSON.stringify(manifest)}\n`);
    if (options.force === true) await rm(dir, { recursive: true, force: true });
    try {
      await rename(temp, dir);
    } catch (err) {
      // Another run finished the same stage first: it is complete, so use it.
      const other = await openStage(dir).catch(() => null);
      if (other === null) throw err;
      await rm(temp, { recursive: true, force: true });
      return other;
    }
    return { dir, manifest, reused: false };
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}

async function writeStage(
  connector: Connector,
  graph: GraphDef,
  report: ValidationReport,
  hash: string,
  dir: string,
  progress?: Progress,
): Promise<StageManifest> {
  const tables: StageNodeTable[] = [];
  for (const [i, table] of graph.tables.entries()) {
    const file = `nodes/${i}.arrow`;
    const total = Number(await connector.countRows(sourceOf(table)));
    tables.push(
      await writeNodeFile(connector, graph, table, join(dir, file), file, total, progress),
    );
  }
  const edges: StageEdgeType[] = [];
  for (const table of graph.tables) {
    for (const fk of table.foreignKeys) {
      const file = `edges/${edges.length}.arrow`;
      const count = await writeEdgeFile(
        connector,
        graph,
        table,
        fk.column,
        fk.references,
        join(dir, file),
        progress,
      );
      const stats = report.edges.find((e) => e.table === table.name && e.column === fk.column);
      edges.push({
        name: edgeTypeName(table.name, fk.column, fk.references),
        reverse: reverseEdgeTypeName(table.name, fk.column, fk.references),
        table: table.name,
        column: fk.column,
        references: fk.references,
        file,
        edges: count,
        dangling: stats?.dangling ?? 0,
        nulls: stats?.nulls ?? 0,
        temporal: table.timeColumn !== null,
      });
    }
  }
  return {
    format: STAGE_FORMAT,
    version: STAGE_VERSION,
    hash,
    createdAt: new Date().toISOString(),
    graph,
    tables,
    edges,
    report,
  };
}
