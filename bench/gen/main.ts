// SPDX-License-Identifier: Apache-2.0
// Writes a benchmark workload as plain little-endian arrays (format: see write.ts).
// Usage: npx tsx bench/gen/main.ts W1 [--scale 0.01] [--seed 1] [--features customer,product]
//        --out DIR
import { writeGraph } from './write.js';
import { generate, WORKLOADS, type WorkloadName } from './workloads.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const workload = process.argv[2] as WorkloadName;
const out = option('out');
if (!(workload in WORKLOADS) || out === undefined) {
  process.stderr.write(
    'usage: main.ts W1|W2|W3 --out DIR [--scale S] [--seed N] [--features a,b]\n',
  );
  process.exit(2);
}
const graph = generate(workload, Number(option('scale') ?? 1), Number(option('seed') ?? 1));
writeGraph(graph, out, option('features')?.split(',') ?? []);
process.stdout.write(`wrote ${workload} at scale ${graph.scale} to ${out}\n`);
