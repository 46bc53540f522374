// SPDX-License-Identifier: Apache-2.0
// End-to-end check shared by every backend: a 2-layer GraphSAGE network trained full-batch on a
// synthetic homophilous node-classification graph. `trainSyntheticSage(backend)` returns the loss
// curve and the accuracy; backends must agree on the curve within tolerance.
import type { Backend } from '../../src/gnn/backend.js';
import { backward } from '../../src/gnn/autograd.js';
import { crossEntropy } from '../../src/gnn/loss-ops.js';
import { dropout, relu } from '../../src/gnn/ops.js';
import { Adam, lrSchedule } from '../../src/gnn/optim.js';
import { Rng } from '../../src/gnn/random.js';
import { SageLayer } from '../../src/gnn/sage.js';
import { indexTensor, scope, tensor } from '../../src/gnn/tensor.js';

export interface SyntheticGraph {
  numNodes: number;
  features: Float32Array;
  featureDim: number;
  labels: Int32Array;
  numClasses: number;
  /** In-neighbour CSR over all nodes. */
  rowptr: Int32Array;
  col: Int32Array;
}

/** Nodes in `numClasses` classes; features = noisy class centre; 80% of edges inside a class. */
export function syntheticGraph(
  numNodes = 240,
  featureDim = 12,
  numClasses = 3,
  seed = 5,
): SyntheticGraph {
  const rng = new Rng(seed);
  const labels = Int32Array.from({ length: numNodes }, () => rng.int(numClasses));
  const centres = Array.from({ length: numClasses }, () =>
    Array.from({ length: featureDim }, () => rng.normal()),
  );
  const features = new Float32Array(numNodes * featureDim);
  for (let i = 0; i < numNodes; i++) {
    for (let f = 0; f < featureDim; f++)
      features[i * featureDim + f] = centres[labels[i]!]![f]! * 0.6 + rng.normal();
  }
  const byClass = Array.from({ length: numClasses }, (_, c) =>
    [...labels.keys()].filter((i) => labels[i] === c),
  );
  const rowptr = [0];
  const col: number[] = [];
  for (let i = 0; i < numNodes; i++) {
    const degree = rng.int(6); // some nodes have no neighbours
    for (let k = 0; k < degree; k++) {
      const same = byClass[labels[i]!]!;
      col.push(rng.uniform() < 0.8 ? same[rng.int(same.length)]! : rng.int(numNodes));
    }
    rowptr.push(col.length);
  }
  return {
    numNodes,
    features,
    featureDim,
    labels,
    numClasses,
    rowptr: Int32Array.from(rowptr),
    col: Int32Array.from(col),
  };
}

export interface SageRun {
  losses: number[];
  accuracy: number;
}

/** Trains the 2-layer network for `steps` full-batch steps; frees everything it made. */
export async function trainSyntheticSage(
  backend: Backend,
  steps = 25,
  graph = syntheticGraph(),
): Promise<SageRun> {
  const rng = new Rng(11);
  const hidden = 16;
  const l1 = new SageLayer(backend, graph.featureDim, hidden, rng);
  const l2 = new SageLayer(backend, hidden, graph.numClasses, rng);
  const params = [...l1.params, ...l2.params];
  const opt = new Adam(params, {
    clipNorm: 5,
    weightDecay: 1e-4,
    decoupled: true,
    schedule: lrSchedule({ lr: 0.03, warmup: 3, decay: 'cosine', totalSteps: steps }),
  });
  const losses: number[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      await scope(async () => {
        const x = tensor(backend, graph.features, [graph.numNodes, graph.featureDim]);
        const csr = {
          rowptr: indexTensor(backend, graph.rowptr),
          col: indexTensor(backend, graph.col),
          numGroups: graph.numNodes,
        };
        const h = dropout(relu(l1.forward(x, csr)), 0.2, 1000 + step);
        const logits = l2.forward(h, csr);
        const loss = crossEntropy(logits, indexTensor(backend, graph.labels));
        losses.push(await loss.item());
        await opt.update(backward(loss, params));
      });
    }
    const accuracy = await scope(async () => {
      const x = tensor(backend, graph.features, [graph.numNodes, graph.featureDim]);
      const csr = {
        rowptr: indexTensor(backend, graph.rowptr),
        col: indexTensor(backend, graph.col),
        numGroups: graph.numNodes,
      };
      const logits = await l2.forward(relu(l1.forward(x, csr)), csr).data();
      let right = 0;
      for (let i = 0; i < graph.numNodes; i++) {
        let best = 0;
        for (let c = 1; c < graph.numClasses; c++)
          if (logits[i * graph.numClasses + c]! > logits[i * graph.numClasses + best]!) best = c;
        if (best === graph.labels[i]) right++;
      }
      return right / graph.numNodes;
    });
    return { losses, accuracy };
  } finally {
    opt.dispose();
    l1.dispose();
    l2.dispose();
  }
}
