// SPDX-License-Identifier: Apache-2.0
// Materialisation benchmark: the W3 database of ../shared/benchmarks/peers.md (1,000,000
// customers, 100,000 products, 20,000,000 transactions with two foreign keys and a timestamp),
// written as Parquet by DuckDB, then materialised into a stage: rows per second and peak memory.
// Then the stage is loaded into the graph and column stores in a fresh child process, so its peak
// RSS is the load's alone (not DuckDB's), next to the bytes of the stores it builds. Then rel-f1
// end to end (CSV files -> stores).
// Usage: npx tsx bench/materialise.ts [--quick] [--memory-limit 1GB] [--keep DIR]
//        npx tsx bench/materialise.ts --load-stage STAGE_DIR   (only the load, as JSON)
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openDuckDb } from '../src/data/duckdb.js';
import { inferGraph } from '../src/data/infer.js';
import { readGraphFile } from '../src/data/graph-file.js';
import { materialise } from '../src/data/materialise.js';
import { loadStage, type LoadedStage } from '../src/data/load-store.js';
import { openStage } from '../src/data/stage.js';
import { quoteLiteral } from '../src/data/sql.js';
import { machineLines } from './report.js';

const quick = process.argv.includes('--quick');
const argAfter = (flag: string) => {
  const at = process.argv.indexOf(flag);
  return at < 0 ? null : process.argv[at + 1];
};
/** Keep the W3 Parquet files and stage in this directory (reused by --load-stage runs). */
const keepDir = argAfter('--keep');
const limitAt = process.argv.indexOf('--memory-limit');
/** DuckDB's memory limit for the W3 run; beyond it DuckDB spills sorts and joins to disk. */
const memoryLimit = limitAt < 0 ? '1GB' : process.argv[limitAt + 1];

/** The workload as data: table sizes and the Zipf exponents of the two endpoints. */
const W3 = {
  customers: quick ? 10_000 : 1_000_000,
  products: quick ? 1_000 : 100_000,
  transactions: quick ? 200_000 : 20_000_000,
  customerSkew: 0.6,
  productSkew: 0.8,
  timeStart: 1_600_000_000,
  timeSpan: 2 * 365 * 86_400,
};

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fmt = (x: number, d = 1) => x.toFixed(d);
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 0)} MiB`;

/** Deterministic uniform in [0, 1) from a row number and a stream id (DuckDB's hash). */
const uniform = (i: string, stream: number) =>
  `(hash(${i}, ${stream}) % 1000000007) / 1000000007.0`;

/** A Zipf-like rank (P(r) ~ r^-a, inverse CDF of the continuous law), permuted over 1..n. */
function zipfKey(i: string, stream: number, n: number, a: number): string {
  const draw = `pow(${uniform(i, stream)}, ${1 / (1 - a)})`;
  const rank = `LEAST(${n} - 1, CAST(floor(${n} * ${draw}) AS BIGINT))`;
  // Multiplying by a prime coprime with n permutes 0..n-1, so popular ranks land on spread ids.
  return `1 + (${rank} * 1000003) % ${n}`;
}

async function generate(dir: string): Promise<number> {
  const db = await openDuckDb(':memory:');
  const t0 = performance.now();
  try {
    const time = (i: string, s: number) => {
      const seconds = `${W3.timeStart} + floor(${uniform(i, s)} * ${W3.timeSpan})`;
      return `make_timestamp(CAST((${seconds}) * 1000000 AS BIGINT))`;
    };
    const write = (sql: string, file: string) =>
      db.execute(`COPY (${sql}) TO ${quoteLiteral(join(dir, file))} (FORMAT parquet)`);
    await write(
      `SELECT range + 1 AS customerId, ${time('range', 1)} AS created_at ` +
        `FROM range(${W3.customers})`,
      'customers.parquet',
    );
    await write(
      `SELECT range + 1 AS productId, ${time('range', 2)} AS created_at, ` +
        `${uniform('range', 3)} * 100 AS price FROM range(${W3.products})`,
      'products.parquet',
    );
    await write(
      `SELECT range + 1 AS transactionId, ` +
        `${zipfKey('range', 4, W3.customers, W3.customerSkew)} AS customerId, ` +
        `${zipfKey('range', 5, W3.products, W3.productSkew)} AS productId, ` +
        `${time('range', 6)} AS created_at, ` +
        `${uniform('range', 7)} * 50 AS amount FROM range(${W3.transactions})`,
      'transactions.parquet',
    );
  } finally {
    await db.close();
  }
  return (performance.now() - t0) / 1000;
}

/** CPU seconds (all threads, DuckDB's included) used by this process so far. */
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * Peak resident memory of this process so far: VmHWM on Linux (maxRSS there survives exec, so
 * a child would start at its parent's peak), maxRSS (KiB) elsewhere.
 */
const peakRss = () => {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm !== null) return Number(hwm[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
};

/** What one load of a stage cost, measured in a process that did nothing else. */
interface LoadResult {
  seconds: number;
  cpuSeconds: number;
  /** Peak RSS before the load (runtime, addon, manifest) and at its end. */
  rssBefore: number;
  rssPeak: number;
  /** Bytes of the built stores: graph CSRs and times, column buffers. */
  storeBytes: number;
}

function storeBytes(loaded: LoadedStage): number {
  const size = { float: 4, category: 4, timestamp: 8 } as const;
  let bytes = loaded.graph.memory().totalBytes;
  for (const t of loaded.columns.tables) {
    for (const c of t.columns) bytes += t.count * (size[c.kind] + (c.hasValid ? 1 : 0));
  }
  return bytes;
}

/** Child mode: loads the stage in `dir` and prints a LoadResult as JSON. */
async function loadOnly(dir: string): Promise<void> {
  const stage = await openStage(dir);
  const rssBefore = peakRss();
  const t0 = performance.now();
  const c0 = cpuSeconds();
  const loaded = await loadStage(stage);
  const result: LoadResult = {
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: cpuSeconds() - c0,
    rssBefore,
    rssPeak: peakRss(),
    storeBytes: storeBytes(loaded),
  };
  loaded.graph.close();
  loaded.columns.close();
  console.log(JSON.stringify(result));
}

/** Loads the stage in `dir` in a fresh process (same runtime flags as this one). */
function measureLoad(dir: string): LoadResult {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...process.execArgv, script, '--load-stage', dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`the load process failed: ${child.stderr}`);
  const lines = child.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as LoadResult;
}

async function w3(): Promise<void> {
  const dir = keepDir ?? (await mkdtemp(join(os.tmpdir(), 'prequel-bench-w3-')));
  await mkdir(dir, { recursive: true });
  try {
    const generated = await generate(dir);
    const rssBefore = peakRss();
    const db = await openDuckDb(dir, { settings: { memory_limit: memoryLimit } });
    try {
      const t0 = performance.now();
      const c0 = cpuSeconds();
      const { graph } = await inferGraph(db, {
        override: {
          tables: [
            { name: 'customers', primaryKey: 'customerId', foreignKeys: [] },
            { name: 'products', primaryKey: 'productId', foreignKeys: [] },
            {
              name: 'transactions',
              primaryKey: 'transactionId',
              foreignKeys: [
                { column: 'customerId', references: 'customers' },
                { column: 'productId', references: 'products' },
              ],
            },
          ],
        },
      });
      const inferred = (performance.now() - t0) / 1000;
      const c1 = cpuSeconds();
      let heapPeak = 0;
      const t1 = performance.now();
      const stage = await materialise(db, graph, {
        workspace: join(dir, 'workspace'),
        progress: () => {
          const m = process.memoryUsage();
          heapPeak = Math.max(heapPeak, m.heapUsed + m.arrayBuffers);
        },
      });
      const seconds = (performance.now() - t1) / 1000;
      const c2 = cpuSeconds();
      const rows = stage.manifest.tables.reduce((a, t) => a + t.rows, 0);
      const edges = stage.manifest.edges.reduce((a, e) => a + e.edges, 0);
      console.log('| step | value | CPU s (all threads) |');
      console.log('| --- | --- | --- |');
      console.log(`| generate Parquet (DuckDB) | ${fmt(generated)} s | |`);
      console.log(`| infer schema | ${fmt(inferred, 2)} s | ${fmt(c1 - c0)} |`);
      console.log(
        `| materialise (validate + hash + stage) | ${fmt(seconds)} s | ${fmt(c2 - c1)} |`,
      );
      console.log(
        `| rows (all tables) / FK edges | ${rows.toLocaleString()} / ${edges.toLocaleString()} | |`,
      );
      const perWall = Math.round(W3.transactions / seconds).toLocaleString();
      console.log(`| fact rows per second (wall) | ${perWall} | |`);
      const perCpu = Math.round(W3.transactions / (c2 - c1)).toLocaleString();
      console.log(`| fact rows per CPU second | ${perCpu} | |`);
      const rss = `${mib(rssBefore)} / ${mib(peakRss())}`;
      console.log(`| peak RSS before / after (process, DuckDB included) | ${rss} | |`);
      console.log(`| peak JS heap + array buffers during materialise | ${mib(heapPeak)} | |`);
      const load = measureLoad(stage.dir);
      console.log(
        `| load stage into graph + column store (own process) | ${fmt(load.seconds)} s | ` +
          `${fmt(load.cpuSeconds)} |`,
      );
      const perLoad = Math.round(W3.transactions / load.seconds).toLocaleString();
      console.log(`| fact rows loaded per second (wall) | ${perLoad} | |`);
      console.log(`| bytes of the built stores | ${mib(load.storeBytes)} | |`);
      console.log(
        `| load process peak RSS before / after loading | ${mib(load.rssBefore)} / ` +
          `${mib(load.rssPeak)} | |`,
      );
      const over = load.rssPeak - load.rssBefore - load.storeBytes;
      console.log(`| load peak RSS beyond runtime + stores | ${mib(over)} | |`);
      if (keepDir !== null) console.log(`\nstage kept in ${stage.dir}`);
    } finally {
      await db.close();
    }
  } finally {
    if (keepDir === null) await rm(dir, { recursive: true, force: true });
  }
}

async function f1(): Promise<void> {
  const raw = resolve(ROOT, '../shared/data/f1/raw');
  if (!existsSync(join(raw, 'races.csv'))) {
    console.log(`rel-f1: skipped, the Ergast CSVs are missing at ${raw}`);
    return;
  }
  const workspace = await mkdtemp(join(os.tmpdir(), 'prequel-bench-f1-'));
  try {
    const t0 = performance.now();
    const db = await openDuckDb(raw, { nullStrings: ['\\N'] });
    const opened = performance.now();
    try {
      const override = await readGraphFile(join(ROOT, 'examples/f1/graph.json'));
      const { graph } = await inferGraph(db, { override });
      const inferred = performance.now();
      const stage = await materialise(db, graph, { workspace });
      const staged = performance.now();
      const loaded = await loadStage(stage);
      const done = performance.now();
      loaded.graph.close();
      loaded.columns.close();
      const s = (a: number, b: number) => fmt((b - a) / 1000, 2);
      console.log(
        `rel-f1 end to end (CSV files -> graph store + column store): ${s(t0, done)} s ` +
          `(open ${s(t0, opened)} s, infer ${s(opened, inferred)} s, ` +
          `materialise ${s(inferred, staged)} s, load ${s(staged, done)} s)`,
      );
    } finally {
      await db.close();
    }
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const loadDir = argAfter('--load-stage');
  if (loadDir !== null) return loadOnly(loadDir);
  console.log('# prequel materialisation benchmark');
  for (const line of machineLines()) console.log(line);
  console.log(
    `W3: ${W3.transactions.toLocaleString()} transactions, ` +
      `${W3.customers.toLocaleString()} customers, ` +
      `${W3.products.toLocaleString()} products${quick ? ' (--quick)' : ''}, ` +
      `DuckDB memory_limit ${memoryLimit}`,
  );
  console.log('');
  await w3();
  console.log('');
  await f1();
}

await main();
