// SPDX-License-Identifier: Apache-2.0
// Synchronous prediction benchmark: predictions per second and p50/p99 latency of
// POST /models/:id/predict on loopback (autocannon) at batch sizes 1, 10, 100 and 1000, next to
// the same calls made in process through the library (the baseline: what HTTP, JSON and the
// schemas add). The model is trained in fast mode on the demo shop.
// Usage: npx tsx bench/predict-route.ts [--quick] [--seconds 5] [--connections 8]
import autocannon from 'autocannon';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApi } from '../src/control/api/app.js';
import { generateDemo } from '../src/demo/generate.js';
import { Prequel } from '../src/prequel.js';
import { machineLines, markdownTable } from './report.js';

const quick = process.argv.includes('--quick');
const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};

/** The workload as data. */
const WORKLOAD = {
  customers: quick ? 1_200 : 3_000,
  query: 'PREDICT COUNT(orders.*, 0, 30, days) = 0 FOR EACH customers.customer_id',
  train: { mode: 'fast', epochs: 1 },
  anchorTime: '2025-06-01T00:00:00Z',
  batchSizes: [1, 10, 100, 1000],
  seconds: flag('--seconds', quick ? 2 : 5),
  connections: flag('--connections', 8),
};

interface Row {
  batch: number;
  routeRps: number;
  routePredictions: number;
  p50: number;
  p99: number;
  directPredictions: number;
  errors: number;
}

/** In-process baseline: `connections` concurrent callers of predictEntities for `seconds`. */
async function direct(prequel: Prequel, model: string, ids: string[]): Promise<number> {
  const end = performance.now() + WORKLOAD.seconds * 1000;
  let calls = 0;
  const caller = async () => {
    while (performance.now() < end) {
      await prequel.predictEntities({ model, ids, anchorTime: WORKLOAD.anchorTime });
      calls++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: WORKLOAD.connections }, caller));
  return (calls * ids.length) / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'prequel-bench-predict-'));
  const prequel = await Prequel.open({ workspace: join(dir, 'ws'), create: true });
  const app = await buildApi(prequel, { rateLimit: { max: 1e9, timeWindowMs: 60_000 } });
  try {
    const data = join(dir, 'data');
    generateDemo(data, { customers: WORKLOAD.customers });
    await prequel.registerSource({ name: 'shop', kind: 'duckdb', settings: { path: data } });
    await prequel.inspectSource('shop');
    const t0 = performance.now();
    const job = await prequel.train({
      source: 'shop',
      query: WORKLOAD.query,
      options: WORKLOAD.train,
    });
    const done = await prequel.waitForJob(job.id, { timeoutMs: 600_000 });
    if (done.state !== 'succeeded')
      throw new Error(`training failed: ${JSON.stringify(done.error)}`);
    const model = (done.result as { modelId: string }).modelId;
    const trainSeconds = (performance.now() - t0) / 1000;
    // Customers who had signed up by the anchor time (a prediction for a later one is refused).
    const anchor = Date.parse(WORKLOAD.anchorTime);
    const ids = readFileSync(join(data, 'customers.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','))
      .filter((cells) => Date.parse(`${cells[1]!.replace(' ', 'T')}Z`) <= anchor)
      .map((cells) => cells[0]!);

    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const { token } = await prequel.createToken('bench');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const rows: Row[] = [];
    for (const batch of WORKLOAD.batchSizes) {
      const body = JSON.stringify({ ids: ids.slice(0, batch), anchorTime: WORKLOAD.anchorTime });
      const path = `${url}/models/${model}/predict`;
      // Warm up: the first call loads the model.
      const warm = await fetch(path, { method: 'POST', headers, body });
      if (warm.status !== 200) throw new Error(`warm-up answered ${warm.status}`);
      const result = await autocannon({
        url: path,
        method: 'POST',
        headers,
        body,
        connections: WORKLOAD.connections,
        duration: WORKLOAD.seconds,
      });
      rows.push({
        batch,
        routeRps: result.requests.average,
        routePredictions: result.requests.average * batch,
        p50: result.latency.p50,
        p99: result.latency.p99,
        directPredictions: await direct(prequel, model, ids.slice(0, batch)),
        errors: result.errors + result.non2xx + result.timeouts,
      });
    }

    const lines = [
      '# synchronous predict route',
      ...machineLines(),
      `workload: demo shop, ${WORKLOAD.customers} customers, ${WORKLOAD.query}`,
      `model: fast mode, 1 epoch, trained in ${trainSeconds.toFixed(1)} s`,
      `load: autocannon, ${WORKLOAD.connections} connections, ${WORKLOAD.seconds} s per batch size`,
      '',
      ...markdownTable(
        [
          'batch',
          'requests/s',
          'predictions/s',
          'p50 ms',
          'p99 ms',
          'in-process predictions/s',
          'route / in-process',
          'errors',
        ],
        rows.map((r) => [
          r.batch,
          r.routeRps.toFixed(0),
          r.routePredictions.toFixed(0),
          r.p50,
          r.p99,
          r.directPredictions.toFixed(0),
          (r.routePredictions / r.directPredictions).toFixed(2),
          r.errors,
        ]),
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await app.close();
    await prequel.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
