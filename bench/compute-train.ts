// SPDX-License-Identifier: Apache-2.0
// One full training step (feature gather, forward, backward, Adam) of the peer's 2-layer
// GraphSAGE network (../shared/benchmarks/peers.md: 128 -> 128, mean aggregation, root weight,
// bias, ReLU, linear head, BCE, Adam) on synthetic batches shaped like its W1 and W2 batches.
// Layer 2 runs for the seeds only. Batch shapes: 1,024 seeds, the peer's edges per batch split
// between hops in the ratio of the fanouts (15 : 150); distinct nodes per hop are 95% / 85% of
// the edges in uniform mode (deduplicated; our assumption) and 100% in temporal modes (disjoint
// trees).
import type { Backend } from '../src/gnn/backend.js';
import { backward } from '../src/gnn/autograd.js';
import type { Csr } from '../src/gnn/graph-ops.js';
import { gatherRows } from '../src/gnn/graph-ops.js';
import { initBias, initWeight } from '../src/gnn/init.js';
import { bceWithLogits } from '../src/gnn/loss-ops.js';
import { add, matmul, relu } from '../src/gnn/ops.js';
import { Adam } from '../src/gnn/optim.js';
import { Rng } from '../src/gnn/random.js';
import { SageLayer } from '../src/gnn/sage.js';
import { Tensor, indexTensor, scope, tensor } from '../src/gnn/tensor.js';

export interface BatchShape {
  name: string;
  hetero: boolean;
  /** Sampled edges per batch (peer's figure). */
  edges: number;
  /** Distinct nodes per edge at hop 1 and hop 2. */
  distinct: [number, number];
  /** Peer train step ms at 1 and 2 threads (null where the peer has no figure). */
  peerMs: [number | null, number | null];
}

export const batchShapes: BatchShape[] = [
  {
    name: 'W2 homo uniform',
    hetero: false,
    edges: 119_359,
    distinct: [0.95, 0.85],
    peerMs: [1180, 878],
  },
  { name: 'W2 homo t-edge', hetero: false, edges: 58_512, distinct: [1, 1], peerMs: [403, null] },
  {
    name: 'W1 hetero uniform',
    hetero: true,
    edges: 93_049,
    distinct: [0.95, 0.85],
    peerMs: [822, 628],
  },
  { name: 'W1 hetero t-edge', hetero: true, edges: 77_854, distinct: [1, 1], peerMs: [819, 664] },
];

const SEEDS = 1024;
const DIM = 128;

interface Block {
  /** Rows per group for `groups` groups whose entries point into [lo, lo + span). */
  rowptr: Int32Array;
  col: Int32Array;
}

function block(rng: Rng, groups: number, edges: number, lo: number, span: number): Block {
  const rowptr = new Int32Array(groups + 1);
  for (let g = 0; g < groups; g++) rowptr[g + 1] = Math.floor(((g + 1) * edges) / groups);
  const col = Int32Array.from({ length: edges }, () => lo + rng.int(span));
  return { rowptr, col };
}

/** Concatenates CSR blocks over consecutive groups. */
function joinBlocks(a: Block, b: Block): Block {
  const rowptr = new Int32Array(a.rowptr.length + b.rowptr.length - 1);
  rowptr.set(a.rowptr);
  const base = a.col.length;
  for (let g = 1; g < b.rowptr.length; g++) rowptr[a.rowptr.length - 1 + g] = base + b.rowptr[g]!;
  const col = new Int32Array(a.col.length + b.col.length);
  col.set(a.col);
  col.set(b.col, base);
  return { rowptr, col };
}

export interface TrainBench {
  /** Runs one step; resolves when its work is done. */
  step(): Promise<number>;
  /** Floating-point operations of the dense products in one step. */
  flops: number;
  dispose(): void;
}

/** Builds the model, a resident feature table and one synthetic batch of `shape`. */
export function trainBench(b: Backend, shape: BatchShape, tableRows = 1_000_000): TrainBench {
  const rng = new Rng(17);
  const e1 = Math.round((shape.edges * 15) / 165);
  const e2 = shape.edges - e1;
  const n1 = Math.round(e1 * shape.distinct[0]);
  const n2 = Math.round(e2 * shape.distinct[1]);
  const table = new Tensor(b, b.fill(tableRows * DIM, 0), [tableRows, DIM]).keep();
  const features = tensor(
    b,
    Float32Array.from({ length: 4096 * DIM }, () => rng.normal()),
    [4096, DIM],
  );
  // Fill the table with a repeating random pattern (cheap to build, real values to compute on).
  const fillIndex = indexTensor(
    b,
    Int32Array.from({ length: tableRows }, (_, i) => i % 4096),
  );
  const filled = gatherRows(features, fillIndex);
  table.dispose();
  const resident = filled.keep();
  features.dispose();
  fillIndex.dispose();
  const ids = (n: number) => Int32Array.from({ length: n }, () => rng.int(tableRows));

  const model = {
    l1: new SageLayer(b, DIM, DIM, rng),
    l1b: shape.hetero ? new SageLayer(b, DIM, DIM, rng) : null,
    l2: new SageLayer(b, DIM, DIM, rng),
    head: initWeight(b, 'glorotUniform', DIM, 1, rng),
    headBias: initBias(b, 1),
  };
  const params = [
    ...model.l1.params,
    ...(model.l1b?.params ?? []),
    ...model.l2.params,
    model.head,
    model.headBias,
  ];
  const opt = new Adam(params, { lr: 1e-3 });
  const labels = tensor(
    b,
    Float32Array.from({ length: SEEDS }, () => rng.int(2)),
    [SEEDS, 1],
  ).keep();

  // Rows: seeds, hop-1 nodes, hop-2 nodes (homogeneous: one table; hetero: customers = seeds and
  // hop 2, products = hop 1).
  const seedHop1 = block(rng, SEEDS, e1, SEEDS, n1);
  const hop1Hop2 = block(rng, n1, e2, SEEDS + n1, n2);
  const nodeIds = ids(SEEDS + n1 + n2);
  const keepIndex = (data: Int32Array) => indexTensor(b, data).keep();
  let csr1: Csr;
  let csr2: Csr;
  let csrP: Csr | null = null;
  if (!shape.hetero) {
    const joined = joinBlocks(seedHop1, hop1Hop2);
    csr1 = { rowptr: keepIndex(joined.rowptr), col: keepIndex(joined.col), numGroups: SEEDS + n1 };
    csr2 = { rowptr: keepIndex(seedHop1.rowptr), col: keepIndex(seedHop1.col), numGroups: SEEDS };
  } else {
    // Seeds read products (hop 1, product rows 0..n1); products read customers (hop 2).
    const seedsFromProducts = { rowptr: seedHop1.rowptr, col: seedHop1.col.map((c) => c - SEEDS) };
    const productsFromCustomers = { rowptr: hop1Hop2.rowptr, col: hop1Hop2.col.map((c) => c - n1) };
    csr1 = {
      rowptr: keepIndex(seedsFromProducts.rowptr),
      col: keepIndex(seedsFromProducts.col),
      numGroups: SEEDS,
    };
    csrP = {
      rowptr: keepIndex(productsFromCustomers.rowptr),
      col: keepIndex(productsFromCustomers.col),
      numGroups: n1,
    };
    csr2 = csr1;
  }
  const idTensor = keepIndex(nodeIds);
  const customerIds = shape.hetero
    ? keepIndex(Int32Array.from([...nodeIds.subarray(0, SEEDS), ...nodeIds.subarray(SEEDS + n1)]))
    : null;
  const productIds = shape.hetero
    ? keepIndex(nodeIds.subarray(SEEDS, SEEDS + n1).map((v) => v % 100_000))
    : null;

  const step = () =>
    scope(async () => {
      let hSeeds: Tensor;
      if (!shape.hetero) {
        const x = gatherRows(resident, idTensor);
        const h1 = relu(model.l1.forward(x, csr1));
        hSeeds = model.l2.forward(h1, csr2);
      } else {
        const xc = gatherRows(resident, customerIds!);
        const xp = gatherRows(resident, productIds!);
        const seedsX = gatherRows(
          xc,
          indexTensor(
            b,
            Int32Array.from({ length: SEEDS }, (_, i) => i),
          ),
        );
        const h1c = relu(model.l1.forwardBipartite(seedsX, xp, csr1));
        const h1p = relu(model.l1b!.forwardBipartite(xp, xc, csrP!));
        hSeeds = model.l2.forwardBipartite(h1c, h1p, csr2);
      }
      const logits = add(matmul(relu(hSeeds), model.head), model.headBias);
      const loss = bceWithLogits(logits, labels);
      await opt.update(backward(loss, params));
      return loss.item();
    });

  const t1 = SEEDS + n1;
  // Forward products 2 per layer; backward: 2 weight gradients each plus input gradients for
  // layer 2 (layer 1's input is raw features and gets none).
  const layer1 = 2 * t1 * DIM * DIM * 2 * 2;
  const layer2 = 2 * SEEDS * DIM * DIM * 2 * 3;
  const flops = layer1 + layer2;
  return {
    step,
    flops,
    dispose() {
      opt.dispose();
      for (const p of params) p.dispose();
      for (const t of [
        resident,
        labels,
        idTensor,
        customerIds,
        productIds,
        csr1.rowptr,
        csr1.col,
        csr2.rowptr,
        csr2.col,
        csrP?.rowptr,
        csrP?.col,
      ])
        t?.dispose();
    },
  };
}
