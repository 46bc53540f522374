// SPDX-License-Identifier: Apache-2.0
// A GraphSAGE layer (mean aggregation, root weight, bias) over a sampled block: the CSR lists
// each target's neighbours as rows of the source features. Computing a layer only for its targets is what lets a 2-layer
// network compute layer 2 for the seeds alone.
import type { Backend } from './backend.js';
import { gatherRows, segmentMean, type Csr } from './graph-ops.js';
import { initBias, initWeight } from './init.js';
import { add, matmul } from './ops.js';
import type { Rng } from './random.js';
import { indexTensor, type Tensor } from './tensor.js';

/** One GraphSAGE convolution for one edge type. */
export class SageLayer {
  readonly root: Tensor;
  readonly neighbor: Tensor;
  readonly bias: Tensor;

  constructor(backend: Backend, inDim: number, outDim: number, rng: Rng) {
    this.root = initWeight(backend, 'glorotUniform', inDim, outDim, rng);
    this.neighbor = initWeight(backend, 'glorotUniform', inDim, outDim, rng);
    this.bias = initBias(backend, outDim);
  }

  get params(): Tensor[] {
    return [this.root, this.neighbor, this.bias];
  }

  /**
   * Homogeneous block: the targets are the first csr.numGroups rows of x and their neighbours
   * are rows of x.
   */
  forward(x: Tensor, csr: Csr): Tensor {
    const targets = csr.numGroups;
    const self =
      targets === x.rows ? x : gatherRows(x, indexTensor(x.backend, rangeIndex(targets)));
    return this.forwardBipartite(self, x, csr);
  }

  /**
   * out[t] = xTarget[t] W_root + mean_{j in N(t)} xSource[j] W_neighbor + b. The mean is taken
   * before the product (it is linear), so both products run on the targets only.
   */
  forwardBipartite(xTarget: Tensor, xSource: Tensor, csr: Csr): Tensor {
    const agg = segmentMean(xSource, csr);
    return add(add(matmul(xTarget, this.root), matmul(agg, this.neighbor)), this.bias);
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
  }
}

const ranges = new Map<number, Int32Array>();

function rangeIndex(n: number): Int32Array {
  let r = ranges.get(n);
  if (r === undefined) {
    r = Int32Array.from({ length: n }, (_, i) => i);
    if (ranges.size < 16) ranges.set(n, r);
  }
  return r;
}
